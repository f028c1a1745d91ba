import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LoggedRequest } from './request-log.js';
import { handleRequest } from './request-handler.js';
import { Router } from './router.js';
import { demoRoutes } from './routes.js';
import { createDemoState } from './state.js';

export type { LoggedRequest } from './request-log.js';

export interface DemoServerOptions {
  /** 0 or undefined: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface DemoServer {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  /** Stops listening and closes every connection (keep-alive and pending ones too). */
  close(): Promise<void>;
  /** The last 1000 requests (excluding `/__log`), oldest first. */
  requests(): readonly LoggedRequest[];
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Starts the demo API on its own in-memory state. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  const state = createDemoState();
  const router = new Router(demoRoutes());
  let origin = `http://${formatHost(host)}`;

  const server = createServer((req, res) => {
    void handleRequest(req, res, state, router, origin);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code !== 'ECONNRESET' && socket.writable) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => {
    // after listening, server-level errors are not fatal for a demo server
  });

  const port = (server.address() as AddressInfo).port;
  origin = `http://${formatHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    port,
    requests: () => state.log.list(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
