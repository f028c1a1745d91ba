/**
 * Node's `clientError`: requests that are not valid HTTP (or time out) are answered like node would and
 * reported as a delivery; socket errors (resets, broken pipes) just close: a request that was under way is
 * then reported by its own handler as "client disconnected", and a connection that carried none is reported
 * when it closes (connections.ts), with the error noted here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { refusalOf } from './accept-request.js';
import { clientErrorOutcome, clientErrorResponse, closingJsonResponse, type ClientErrorOutcome } from './client-error.js';
import type { Connections } from './connections.js';
import { CLIENT_CLOSED_STATUS, rejection, unknownRequestEvent, type DeliveryEvent } from './delivery-event.js';

export interface ClientErrorContext {
  connections: Connections;
  report: (e: DeliveryEvent) => void;
  now: () => Date;
}

export function handleClientError(error: NodeJS.ErrnoException, socket: Socket, ctx: ClientErrorContext): void {
  const outcome = clientErrorOutcome(error.code);
  if (outcome === null) {
    ctx.connections.noteError(socket, error.code);
    socket.destroy();
    return;
  }
  // The parser stays broken: later bytes on this socket raise the same error again.
  if (!ctx.connections.markBroken(socket)) return;
  const current = ctx.connections.take(socket);
  // Reported below (as this delivery or as an unknown request): the connection needs no report of its own.
  ctx.connections.noteRequest(socket);

  if (current !== undefined && !current.req.complete) {
    // The bad bytes are part of this delivery (e.g. broken chunked framing): it is reported with
    // its method and path; a no-op when it was already reported (404, 405, 413).
    current.fail(answerOnSocket(socket, current.res, outcome), outcome.reason);
    return;
  }
  const reportUnknown = (status: number): void => ctx.report(unknownRequestEvent(ctx.now(), status, outcome.reason));
  if (current !== undefined && !current.res.writableFinished) {
    // A complete delivery is still being answered (keep-alive / pipelining): its answer goes first.
    current.res.once('close', () => reportUnknown(answerOnSocket(socket, null, outcome)));
    return;
  }
  // Counted like any other delivery (e.g. toward --max-events).
  reportUnknown(answerOnSocket(socket, null, outcome));
}

/** Answers (when it still can) and closes; the status to report, 499 when nothing could be answered. */
function answerOnSocket(socket: Socket, res: ServerResponse | null, outcome: ClientErrorOutcome): number {
  // Never write an answer into one already under way (node's own rule); what was queued still flushes.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  const answered = res?.headersSent === true || inFlight?.headersSent === true;
  let status: number = CLIENT_CLOSED_STATUS;
  try {
    if (outcome.answer && !answered && socket.writable && !socket.destroyed) {
      socket.end(clientErrorResponse(outcome.status));
      status = outcome.status;
    }
    socket.destroySoon();
  } catch {
    socket.destroy();
  }
  return status;
}

/**
 * A CONNECT request (node's 'connect' event: node would otherwise drop the connection without a word). It is
 * never a delivery: answered 404 or 405 like another path or method would be, reported, and closed.
 */
export function handleConnectRequest(req: IncomingMessage, socket: Socket, listenPath: string, ctx: ClientErrorContext): void {
  ctx.connections.noteRequest(socket);
  const method = req.method ?? 'CONNECT';
  const target = req.url ?? '';
  const refusal = refusalOf(method, target, listenPath) ?? { status: 405, payload: { error: 'method not allowed' }, headers: { Allow: 'POST' }, reason: `method ${method} not allowed` };
  socket.on('error', () => undefined);
  let status: number = CLIENT_CLOSED_STATUS;
  try {
    if (socket.writable && !socket.destroyed) {
      socket.end(closingJsonResponse(refusal.status, refusal.payload, refusal.headers));
      status = refusal.status;
    }
    socket.destroySoon();
  } catch {
    socket.destroy();
  }
  ctx.report({ time: ctx.now().toISOString(), method, path: target, ...rejection(status, refusal.reason, 0) });
}

