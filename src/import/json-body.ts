/**
 * JSON bodies are written as `json:` (structured, easy to edit) only when the suite then sends the very same bytes:
 * a compact body that `JSON.stringify` gives back exactly. Any other JSON (indented, a trailing newline, `1.0`, an
 * escape written differently, a number JSON cannot hold exactly) stays `body:` text, byte for byte.
 */
import type { SuiteValues } from './suite-values.js';

/** The value of a JSON object or array that `JSON.stringify` gives back byte for byte; undefined otherwise. */
export function losslessJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || text.includes('"__proto__"')) return undefined;
  return JSON.stringify(value) === text ? value : undefined;
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
