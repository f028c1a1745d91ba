/**
 * Applies a text scrubber to every string (keys included) of a JSON-like value, without recursion (a body
 * nested thousands of levels deep is walked like a flat one). Objects come back with a null prototype, so a
 * key such as `__proto__` stays a plain key. Values that are not strings, arrays or plain objects are kept.
 */
export function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  const stack: Array<[source: object, target: Record<string, unknown> | unknown[]]> = [];
  const copy = (item: unknown): unknown => {
    if (typeof item === 'string') return scrub(item);
    if (item === null || typeof item !== 'object') return item;
    const target: Record<string, unknown> | unknown[] = Array.isArray(item) ? new Array<unknown>(item.length) : (Object.create(null) as Record<string, unknown>);
    stack.push([item, target]);
    return target;
  };
  const root = copy(value);
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const [source, target] = frame;
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) (target as unknown[])[i] = copy(source[i]);
    } else {
      for (const key of Object.keys(source)) (target as Record<string, unknown>)[scrub(key)] = copy((source as Record<string, unknown>)[key]);
    }
  }
  return root;
}
