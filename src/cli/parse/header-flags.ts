import { UsageError } from '../../errors.js';
import type { HeaderInput } from '../../model/request-spec.js';

/**
 * Parses `-H "Name: value"` flags into headers that name their flag; names and values are checked by the
 * request constructor (model/request-spec.ts). A missing colon is a usage error.
 */
export function parseHeaderFlags(values: readonly string[], flag: string): HeaderInput[] {
  return values.map((raw) => {
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      throw new UsageError(`${flag}: expected "Name: value", got ${JSON.stringify(preview(raw))}`, { hint: 'write -H "Accept: application/json"' });
    }
    return [raw.slice(0, colon).trim(), raw.slice(colon + 1).trim(), flag] as const;
  });
}

/** Parses `--headers '{"Name": "value"}'`: a JSON object whose values are strings. */
export function parseHeadersJson(text: string): HeaderInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--headers: not valid JSON (${(error as Error).message})`, { hint: `write --headers '{"Accept": "application/json"}'` });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--headers: expected a JSON object of header names to string values', { hint: `write --headers '{"Accept": "application/json"}'` });
  }
  return Object.entries(parsed as Record<string, unknown>).map(([name, value]) => {
    if (typeof value !== 'string') {
      throw new UsageError(`--headers: the value of ${JSON.stringify(name)} must be a string, got ${value === null ? 'null' : typeof value}`);
    }
    return [name, value, '--headers'] as const;
  });
}

export function hasHeader(headers: ReadonlyArray<readonly [string, ...unknown[]]>, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

/** The first word of a malformed header flag: the rest may be a credential (`-H "Authorization Bearer …"`). */
function preview(raw: string): string {
  const word = /^\S*/.exec(raw)?.[0] ?? '';
  return word.length < raw.length ? `${word} …` : raw;
}
