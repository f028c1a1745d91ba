/**
 * Requests node's HTTP parser gave up on (not valid HTTP, headers too large, timed out): the status we
 * answer, the reason we report, and the raw answer bytes. Pure. There is no ServerResponse for such a
 * request, so the answer is written straight to the socket (see malformed-request.ts).
 */

import { STATUS_CODES } from 'node:http';
import { CLIENT_CLOSED_STATUS, CLIENT_DISCONNECTED_REASON, MALFORMED_REASON } from './delivery-event.js';

export interface ClientErrorOutcome {
  status: number;
  reason: string;
  /** False when nobody is left to answer (the sender closed its side). */
  answer: boolean;
}

/**
 * What node's HTTP parser (or its request timeouts) reported about a request, as the status we
 * answer and the reason we report; null for socket errors (resets, broken pipes), which have no
 * request to answer. Mirrors node's own default answers.
 */
export function clientErrorOutcome(code: string | undefined): ClientErrorOutcome | null {
  // The sender closed its side in the middle of a request: nobody is left to answer.
  if (code === 'HPE_INVALID_EOF_STATE') return { status: CLIENT_CLOSED_STATUS, reason: CLIENT_DISCONNECTED_REASON, answer: false };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'request headers too large', answer: true };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'request timed out', answer: true };
  if (code !== undefined && code.startsWith('HPE_')) return { status: 400, reason: MALFORMED_REASON, answer: true };
  return null;
}

const ERROR_BODY: ReadonlyMap<number, string> = new Map([
  [400, 'bad request'],
  [408, 'request timed out'],
  [431, 'request headers too large'],
]);

/** The whole HTTP/1.1 answer to a request node could not parse; it closes the connection. */
export function clientErrorResponse(status: number): string {
  return closingJsonResponse(status, { error: ERROR_BODY.get(status) ?? 'bad request' });
}

/** A whole HTTP/1.1 answer with a small JSON body, written straight to a socket, that closes the connection. */
export function closingJsonResponse(status: number, payload: unknown, headers: Readonly<Record<string, string>> = {}): string {
  const body = JSON.stringify(payload);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n${extra}Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
