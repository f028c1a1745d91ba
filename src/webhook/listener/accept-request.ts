/**
 * Whether a request is one the listener takes at all, decided from its request line and declared length
 * before any body is read. Pure.
 */

/** An answer that ends a delivery before its body is read. */
export interface Refusal {
  status: number;
  payload: { error: string };
  headers: Readonly<Record<string, string>>;
  /** The reason reported for the delivery. */
  reason: string;
}

/** The pathname of a request target (what comes before `?` or `#`). */
export function pathnameOf(target: string): string {
  const q = target.search(/[?#]/);
  return q === -1 ? target : target.slice(0, q);
}

/** Null when `method` and `target` are a delivery to `listenPath` (POST, any query), else the 404 or 405 to answer. */
export function refusalOf(method: string, target: string, listenPath: string): Refusal | null {
  if (pathnameOf(target) !== listenPath) {
    return { status: 404, payload: { error: 'not found' }, headers: {}, reason: `path not found (listening on ${listenPath})` };
  }
  if (method !== 'POST') {
    return { status: 405, payload: { error: 'method not allowed' }, headers: { Allow: 'POST' }, reason: `method ${method} not allowed` };
  }
  return null;
}

/** True when the Content-Length header already says the body is over the limit (refused before reading it). */
export function declaresTooMuch(contentLength: string | undefined, maxBodyBytes: number): boolean {
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > maxBodyBytes;
}
