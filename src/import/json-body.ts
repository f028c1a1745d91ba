/** JSON bodies written as `json:` (structured, readable) only when that sends the same JSON text, blanks aside. */
import type { SuiteValues } from './suite-values.js';

/** A JSON body that `JSON.stringify` gives back byte for byte, once blanks are removed (no precision or escape lost). */
export function losslessJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || text.includes('"__proto__"')) return undefined;
  const minified = text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? '');
  return JSON.stringify(value) === minified ? value : undefined;
}

/** A JSON value with each string made safe for a suite (literal `{{`). */
export function literalDeep(value: unknown, values: SuiteValues): unknown {
  if (typeof value === 'string') return values.literal(value);
  if (Array.isArray(value)) return value.map((v) => literalDeep(v, values));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = literalDeep(v, values);
    return out;
  }
  return value;
}
