/**
 * A loopback server for `apitest load` tests that counts at the server: every request by path, the first
 * request's method, headers and body (to assert the request flags applied). Paths: `/throttle` answers 429 with
 * Retry-After: 1; `/fail` 503; `/slow` after 50 ms; anything else a tiny JSON body at once.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadServer {
  readonly url: string;
  /** Requests received (all paths). */
  count(): number;
  readonly first: { method: string; url: string; headers: IncomingHttpHeaders; body: string } | null;
  close(): Promise<void>;
}

export async function startLoadServer(): Promise<LoadServer> {
  let count = 0;
  let first: LoadServer['first'] = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      first ??= { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/throttle') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"slow down"}');
      } else if (path === '/fail') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
      } else if (path === '/slow') {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 50);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    get first() {
      return first;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
