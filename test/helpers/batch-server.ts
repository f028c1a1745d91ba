import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** When the request arrived (Date.now()). */
  readonly at: number;
  /** 1 for the first request with this Idempotency-Key, 2 for the second… */
  readonly keySeen: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer after this many ms. */
  delayMs?: number;
}

export interface BatchServer {
  readonly url: string;
  readonly received: Received[];
  /** Requests per Idempotency-Key. */
  readonly perKey: Map<string, number>;
  /** Keys whose request the server processed (the first one; later ones get the stored answer back, as an idempotent API does). */
  readonly processed: Set<string>;
  close(): Promise<void>;
}

/**
 * A loopback server for batch tests that asserts at the server: it logs every request, counts requests per
 * Idempotency-Key, and processes a key once (a repeated key gets the first answer again, without processing).
 * `reply` decides the answer of each request (default 201 {"ok":true}).
 */
export async function startBatchServer(reply: (req: Received, n: number) => Reply = () => ({})): Promise<BatchServer> {
  const received: Received[] = [];
  const perKey = new Map<string, number>();
  const processed = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const seen = key === null ? 1 : (perKey.get(key) ?? 0) + 1;
      if (key !== null) perKey.set(key, seen);
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), keySeen: seen };
      received.push(entry);
      const answer = reply(entry, received.length);
      const send = (): void => {
        if (key !== null && answer.status === undefined) processed.add(key);
        const body = answer.body ?? '{"ok":true}';
        res.writeHead(answer.status ?? 201, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...answer.headers });
        res.end(body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    perKey,
    processed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
