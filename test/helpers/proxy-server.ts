/**
 * A forward and CONNECT proxy written for the tests (node:http, node:net), on 127.0.0.1 only:
 * - an absolute-form request (`GET http://host/path`) is forwarded to the server and its answer relayed;
 * - `CONNECT host:port` opens a tunnel (200), or is refused: 407 without the expected credentials, 403 for a
 *   port in `deny`.
 * It records what it saw (the request line, the Proxy-Authorization header, the tunnels), so tests can assert at
 * the proxy that a request did (or did not) go through it. With `tls`, clients speak TLS to the proxy itself.
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyOptions {
  /** Credentials the proxy requires (407 otherwise). */
  auth?: { user: string; password: string };
  /** Ports CONNECT refuses with 403. */
  deny?: number[];
  /** Serve TLS to clients (an https:// proxy). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface ProxySeen {
  kind: 'forward' | 'connect';
  /** The request line's target: the absolute URL (forward), host:port (CONNECT). */
  target: string;
  proxyAuthorization: string | null;
  /** The status the proxy answered a CONNECT with (forward: the server's). */
  status: number;
}

export interface TestProxy {
  readonly url: string;
  readonly port: number;
  seen(): ProxySeen[];
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const seen: ProxySeen[] = [];
  const sockets = new Set<Socket | Duplex>();
  const expected = options.auth === undefined ? null : `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  const authorized = (req: IncomingMessage): boolean => expected === null || req.headers['proxy-authorization'] === expected;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '';
    const record: ProxySeen = { kind: 'forward', target, proxyAuthorization: req.headers['proxy-authorization'] ?? null, status: 0 };
    seen.push(record);
    if (!authorized(req)) {
      record.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' });
      res.end('proxy authentication required');
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      record.status = 400;
      res.writeHead(400).end('not an absolute URL');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, method: req.method, headers }, (answer) => {
      record.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502).end('bad gateway');
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const server: Server = options.tls === undefined ? createHttpServer(onRequest) : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const target = req.url ?? '';
    const record: ProxySeen = { kind: 'connect', target, proxyAuthorization: req.headers['proxy-authorization'] ?? null, status: 0 };
    seen.push(record);
    const answer = (status: number, text: string): void => {
      record.status = status;
      client.end(`HTTP/1.1 ${status} ${text}\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : ''}Content-Length: 0\r\n\r\n`);
    };
    if (!authorized(req)) return answer(407, 'Proxy Authentication Required');
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(colon + 1));
    if (options.deny?.includes(port)) return answer(403, 'Forbidden');
    const upstream = connect({ host, port }, () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => {
      if (record.status === 0) answer(502, 'Bad Gateway');
      else client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    seen: () => [...seen],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
