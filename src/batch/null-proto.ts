/**
 * Row values with their keys in null-prototype objects: a column or key named `__proto__`, `constructor` or
 * `toString` is an ordinary key (JSON.parse makes plain objects, whose inherited `constructor` a lookup would find,
 * and copying whose `__proto__` key into another plain object would set its prototype).
 */

/** Deepest nesting accepted in a row (deeper is an invalid row, not a stack overflow). */
export const MAX_ROW_DEPTH = 1000;

export class TooDeepError extends Error {}

/** The same value with every object made null-prototype; arrays and primitives as they are. */
export function toNullProto(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_ROW_DEPTH) throw new TooDeepError(`nested deeper than ${MAX_ROW_DEPTH} levels`);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toNullProto(value[i], depth + 1);
    return out;
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = toNullProto((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** JSON text → a row value with null-prototype objects. Throws SyntaxError or TooDeepError. */
export function parseRowJson(text: string): unknown {
  return toNullProto(JSON.parse(text));
}

/** An own key of a row object (never an inherited one such as `constructor`). */
export function ownValue(record: object, key: string): { found: true; value: unknown } | { found: false } {
  return Object.hasOwn(record, key) ? { found: true, value: (record as Record<string, unknown>)[key] } : { found: false };
}
