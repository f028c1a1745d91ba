/**
 * Response headers as Node's `IncomingMessage.headers` holds them: lower-case
 * names, a string (or a string array for repeated fields such as set-cookie).
 */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** Every field line for `name` (case-insensitive lookup), in order; empty when absent. */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** The first value of header `name` (case-insensitive lookup), or undefined when absent. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const direct = headers[name.toLowerCase()];
  if (typeof direct === 'string') return direct;
  if (Array.isArray(direct) && direct.length > 0) return direct[0];
  return headerValues(headers, name)[0];
}
