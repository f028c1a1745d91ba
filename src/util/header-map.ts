/**
 * Received headers as Node's `IncomingMessage.headers` holds them: lower-case names (any case is matched
 * case-insensitively), a string, or a string array for a field received several times (set-cookie always).
 * The one header-map type of apitest: responses, webhook deliveries, rate-limit and retry rules read it.
 */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** Every field line for `name` (case-insensitive lookup), in order; empty when absent. */
export function allHeaderValues(headers: HeaderMap, name: string): string[] {
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
export function firstHeaderValue(headers: HeaderMap, name: string): string | undefined {
  const direct = headers[name.toLowerCase()];
  if (typeof direct === 'string') return direct;
  if (Array.isArray(direct) && direct.length > 0) return direct[0];
  return allHeaderValues(headers, name)[0];
}

/**
 * All values of header `name` (case-insensitive) joined with ", ", which is how HTTP folds a repeated field;
 * undefined when absent.
 */
export function foldedHeaderValue(headers: HeaderMap, name: string): string | undefined {
  const values = allHeaderValues(headers, name);
  return values.length === 0 ? undefined : values.join(', ');
}
