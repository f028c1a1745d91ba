import type { IncomingMessage, ServerResponse } from 'node:http';

/** Content type used for every JSON response of the demo API. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Largest request body the demo server reads (16 MiB). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** An error that becomes a JSON `{ error, ...details }` response with the given status. */
export class HttpError extends Error {
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.details = details;
  }
}

export type OutgoingHeaders = Record<string, string | number | readonly string[]>;

function applyHeaders(res: ServerResponse, headers: OutgoingHeaders | undefined): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** Sends `body` as JSON (statuses 204/304 and HEAD requests get no body). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHeaders): void {
  applyHeaders(res, headers);
  if (status === 204 || status === 304) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(status);
  res.end(text);
}

/** Sends a text body with an explicit content type. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers?: OutgoingHeaders,
): void {
  applyHeaders(res, headers);
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(status);
  res.end(text);
}

/** Sends a status without a body. */
export function sendEmpty(res: ServerResponse, status: number, headers?: OutgoingHeaders): void {
  applyHeaders(res, headers);
  res.writeHead(status);
  res.end();
}

/** Sends the standard JSON error shape. */
export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: err.message, ...err.details });
}

/** Reads the whole request body, failing with 413 past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, 'request body too large', { limit }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      reject(err);
    });
  });
}

/** Parses a body as JSON, or returns undefined when it is empty or not JSON. */
export function tryParseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Turns a query string into `{ name: value | values[] }`. A null-prototype object: a parameter named `__proto__`
 * is a key like any other (on a plain object it reads as Object.prototype and its value replaces the prototype).
 */
export function queryToObject(query: URLSearchParams): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of query) {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

/** Copies request headers into a null-prototype object with lower-case names (as queryToObject, for `__proto__`). */
export function headersToObject(req: IncomingMessage): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Identifies a client: `?key=`, else the `X-Client-Key` header, else the remote address. */
export function clientKey(req: IncomingMessage, query: URLSearchParams): string {
  const fromQuery = query.get('key');
  if (fromQuery) return `key:${fromQuery}`;
  const header = req.headers['x-client-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return `key:${fromHeader}`;
  return `addr:${req.socket.remoteAddress ?? 'unknown'}`;
}
