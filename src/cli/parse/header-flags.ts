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

/** Credential header names (and names that say they hold one) a malformed flag may start with. */
const CREDENTIAL_NAME = /^[^\s:]*?(?:proxy-authorization|authorization|set-cookie|cookie|token|secret|passw(?:or)?d|api-?key|key|auth)/i;
const PREVIEW_LENGTH = 20;

/**
 * What a usage error may show of a malformed header flag: at most its first word and 20 characters, and only
 * the name when it starts like a credential header (`-H "AuthorizationSECRET"`, `-H "X-Token abc"`).
 */
export function preview(raw: string): string {
  const credential = CREDENTIAL_NAME.exec(raw);
  if (credential !== null) return credential[0].length < raw.length ? `${credential[0].slice(0, PREVIEW_LENGTH)}****` : raw.slice(0, PREVIEW_LENGTH);
  const word = (/^\S*/.exec(raw)?.[0] ?? '').slice(0, PREVIEW_LENGTH);
  return word.length < raw.length ? `${word} …` : raw;
}
