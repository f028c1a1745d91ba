/**
 * Received headers as Node's `IncomingMessage.headers` holds them: lower-case names (any case is matched
 * case-insensitively), a string, or a string array for a field received several times (set-cookie always).
 * The one header-map type of apitest: responses, webhook deliveries, rate-limit and retry rules read it.
 */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

const NON_ASCII = /[^\u0000-\u007f]/;

/** Every field line for `name` (case-insensitive lookup), in order; empty when absent. */
export function allHeaderValues(headers: HeaderMap, name: string): string[] {
  const wanted = name.toLowerCase();
  // A key of another length cannot lower-case to an ASCII name (only non-ASCII letters change length when
  // lower-cased): skipped without making its lower-case copy. Rate-limit and retry rules look up a dozen absent
  // headers per response.
  const ascii = !NON_ASCII.test(wanted);
  const out: string[] = [];
  for (const key of Object.keys(headers)) {
    if (ascii && key.length !== wanted.length) continue;
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
