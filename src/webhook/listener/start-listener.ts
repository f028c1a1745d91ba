/**
 * The receiver behind `apitest webhook listen`: a small local HTTP server that verifies each delivery over
 * its raw body bytes and can pass verified ones on to a local app, byte for byte. This module is its
 * lifecycle: start listening, track connections, route requests and parse errors, close.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { Connections } from './connections.js';
import { observeSafely, rejection, type DeliveryEvent } from './delivery-event.js';
import { describeError } from './describe-error.js';
import { createForwarder, forwardTarget } from './forward-delivery.js';
import { handleDelivery, type DeliveryContext } from './handle-delivery.js';
import { DEFAULT_FORWARD_TIMEOUT_MS, type ListenOptions } from './listen-options.js';
import { handleClientError } from './malformed-request.js';
import { sendJson } from './send-json.js';

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
    connections,
    forwarder,
    isClosing: () => closing,
    report,
    now,
  };

  const server = http.createServer((req, res) => {
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
  });
  server.on('connection', (socket: Socket) => connections.track(socket));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => handleClientError(error, socket, { connections, report, now }));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
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
