/**
 * The receiver behind `apitest webhook listen`: a small local HTTP server that verifies each delivery over
 * its raw body bytes and can pass verified ones on to a local app, byte for byte. This module is its
 * lifecycle: start listening, track connections, route requests and parse errors, close.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { Connections } from './connections.js';
import { CLIENT_CLOSED_STATUS, observeSafely, rejection, unknownRequestEvent, type DeliveryEvent } from './delivery-event.js';
import { describeError } from './describe-error.js';
import { endedConnectionReason } from './ended-connection.js';
import { createForwarder, forwardTarget } from './forward-delivery.js';
import { handleDelivery, type DeliveryContext } from './handle-delivery.js';
import { DEFAULT_FORWARD_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type ListenOptions } from './listen-options.js';
import { handleClientError, handleConnectRequest } from './malformed-request.js';
import { ReplayGuard } from './replay-guard.js';
import { sendJson } from './send-json.js';

/**
 * Connections the kernel may queue before the listener accepts them (node's default is 511; Linux caps it at
 * net.core.somaxconn, 4096 by default). A burst beyond the queue is dropped by the kernel before the listener
 * can see it: a sender that then resets is never reported. Deep enough for a burst of a thousand senders.
 */
export const LISTEN_BACKLOG = 4096;

export interface Listener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `opts.host:opts.port` and reports every request it answers or loses to `onEvent`, once. */
export async function startWebhookListener(opts: ListenOptions, onEvent: (e: DeliveryEvent) => void): Promise<Listener> {
  const forwarder = opts.forward === undefined ? undefined : createForwarder(forwardTarget(opts.forward), opts.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS);
  const now = opts.now ?? (() => new Date());
  const report = observeSafely(onEvent);
  const connections = new Connections();
  let closing = false;
  const context: DeliveryContext = {
    path: opts.path,
    maxBodyBytes: opts.maxBodyBytes,
    verify: opts.verify,
    replay: opts.replayWindowMs === undefined || opts.replayWindowMs <= 0 ? undefined : new ReplayGuard({ windowMs: opts.replayWindowMs, now: () => now().getTime() }),
    connections,
    forwarder,
    isClosing: () => closing,
    report,
    now,
  };

  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    connections.noteRequest(req.socket);
    try {
      handleDelivery(req, res, context);
    } catch (error) {
      try {
        sendJson(res, 500, { error: 'internal error' });
      } catch {
        res.destroy();
      }
      report({ time: now().toISOString(), method: req.method ?? '', path: req.url ?? '', ...rejection(500, `internal error: ${describeError(error)}`, 0) });
    }
  };
  // Node checks its header and request timeouts every connectionsCheckingInterval (30 s by default): checked
  // more often, a stalled request (slowloris) is cut close to the timeout rather than up to 30 s later.
  const server = http.createServer(
    { headersTimeout: requestTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: checkingIntervalFor(requestTimeoutMs) },
    onRequest,
  );
  server.on('connection', (socket: Socket) =>
    // Every accepted connection is reported: by its requests, or, when it carried none, as itself.
    connections.track(socket, (ended) => report(unknownRequestEvent(now(), CLIENT_CLOSED_STATUS, endedConnectionReason(ended, closing)))),
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => handleClientError(error, socket, { connections, report, now }));
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => handleConnectRequest(req, socket, opts.path, { connections, report, now }));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port: opts.port, host: opts.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      resolve();
    });
  });

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${hostForUrl}:${port}${opts.path}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        forwarder?.abortAll();
        server.close(() => resolve());
        connections.destroyAll();
      }),
  };
}

/** Node's check interval for a request timeout: a quarter of it, between 100 ms and 1 s. */
function checkingIntervalFor(timeoutMs: number): number {
  return Math.max(100, Math.min(1_000, Math.floor(timeoutMs / 4)));
}
