import { UsageError } from '../../errors.js';
import { HEADER_NAME, headerValueProblem } from '../../model/header-syntax.js';


/** Parses `-H "Name: value"` flags. CR/LF anywhere, or a missing colon, is a usage error. */
export function parseHeaderFlags(values: readonly string[]): Array<[string, string]> {
  return values.map((raw) => {
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      throw new UsageError(`-H/--header: expected "Name: value", got ${JSON.stringify(preview(raw))}`, { hint: 'write -H "Accept: application/json"' });
    }
    return checkedHeader(raw.slice(0, colon).trim(), raw.slice(colon + 1).trim(), '-H/--header');
  });
}

/** Parses `--headers '{"Name": "value"}'`: a JSON object whose values are strings. */
export function parseHeadersJson(text: string): Array<[string, string]> {
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
    return checkedHeader(name, value, '--headers');
  });
}

export function checkedHeader(name: string, value: string, flag: string): [string, string] {
  if (!HEADER_NAME.test(name)) throw new UsageError(`${flag}: invalid header name ${JSON.stringify(name)}`, { hint: 'header names are letters, digits and -' });
  const problem = headerValueProblem(value);
  if (problem !== null) throw new UsageError(`${flag}: the value of header ${name} ${problem}`, { hint: 'header values are a single line of Latin-1 text' });
  return [name, value];
}

export function hasHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

/** The first word of a malformed header flag: the rest may be a credential (`-H "Authorization Bearer …"`). */
function preview(raw: string): string {
  const word = /^\S*/.exec(raw)?.[0] ?? '';
  return word.length < raw.length ? `${word} …` : raw;
}
