/**
 * A server of transport faults on an ephemeral 127.0.0.1 port, written on raw sockets so each fault is exactly
 * what goes on the wire: resets, hangs, slow or huge headers, broken chunking, garbage, redirect loops, truncated
 * and bomb gzip, raw deflate, stacked and unknown codings, deep JSON. Every fault ends by itself (timers are
 * bounded and cleared on close).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';

export interface FaultServer {
  readonly url: string;
  close(): Promise<void>;
}

const PLAIN = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n';
const body100k = Buffer.from(JSON.stringify({ data: 'x'.repeat(100_000 - 12) }));
const gz100k = gzipSync(body100k);
/** 64 gzip members of 16 MiB of zeros each: about 1 MiB on the wire, 1 GiB once decoded. */
let bomb: Buffer | null = null;
const gzipBomb = (): Buffer => (bomb ??= Buffer.concat(Array.from({ length: 64 }, () => gzipSync(Buffer.alloc(16 * 1024 * 1024)))));
const deepJson = (levels: number): Buffer => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);

function head(status: string, headers: Record<string, string | number>): string {
  // Each fault answers one request, then the connection ends.
  return `HTTP/1.1 ${status}\r\nConnection: close\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

type Fault = (socket: Socket, later: (ms: number, fn: () => void) => void, port: number) => void;

export const FAULTS: Record<string, Fault> = {
  'reset-before-head': (s) => s.resetAndDestroy(),
  'reset-mid-body': (s) => {
    s.write(head('200 OK', { 'Content-Type': 'application/octet-stream', 'Content-Length': 1_000_000 }));
    s.write(Buffer.alloc(300_000, 1), () => s.resetAndDestroy());
  },
  'close-mid-body': (s) => {
    s.write(head('200 OK', { 'Content-Type': 'text/plain', 'Content-Length': 50_000 }));
    s.end(Buffer.alloc(1000, 97));
  },
  hang: () => undefined,
  'slow-headers': (s, later) => {
    s.write('HTTP/1.1 200 OK\r\n');
    later(3000, () => s.end('Content-Length: 2\r\n\r\nok'));
  },
  drip: (s, later) => {
    s.write(head('200 OK', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }));
    for (let i = 1; i <= 3; i++) later(i * 100, () => s.write(`2\r\nok\r\n`));
    later(400, () => s.end('0\r\n\r\n'));
  },
  'bad-chunking': (s) => s.end(`${head('200 OK', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' })}zz\r\nnot hex\r\n0\r\n\r\n`),
  garbage: (s) => s.end('this is not HTTP at all\r\n\r\n'),
  'huge-headers': (s) => s.end(`${PLAIN}X-Big: ${'a'.repeat(100_000)}\r\nContent-Length: 2\r\n\r\n{}`),
  'redirect-loop': (s) => s.end(head('302 Found', { Location: '/redirect-loop', 'Content-Length': 0 })),
  'truncated-gzip': (s) => {
    const half = gz100k.subarray(0, Math.floor(gz100k.length / 2));
    s.end(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': half.length })), half]));
  },
  'gzip-bomb': (s) => {
    const b = gzipBomb();
    s.end(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip', 'Content-Length': b.length })), b]));
  },
  'raw-deflate': (s) => {
    const b = deflateRawSync(Buffer.from('{"raw":"deflate"}'));
    s.end(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate', 'Content-Length': b.length })), b]));
  },
  'stacked-codings': (s) => {
    const b = brotliCompressSync(gzipSync(Buffer.from('{"stacked":true}')));
    s.end(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip, br', 'Content-Length': b.length })), b]));
  },
  'unknown-coding': (s) => s.end(`${head('200 OK', { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd', 'Content-Length': 4 })}ABCD`),
  'empty-gzip': (s) => s.end(head('200 OK', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': 0 })),
  'deep-json': (s) => {
    const b = deepJson(5000);
    s.end(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': b.length })), b]));
  },
};

export async function startFaultServer(): Promise<FaultServer> {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      if (buffered.includes('\r\n\r\n')) return;
      buffered += chunk.toString('latin1');
      if (!buffered.includes('\r\n\r\n')) return;
      const name = /^[A-Z]+ \/([\w-]+)/.exec(buffered)?.[1] ?? '';
      const fault = FAULTS[name];
      const later = (ms: number, fn: () => void): void => {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!socket.destroyed) fn();
        }, ms);
        timers.add(t);
      };
      if (fault === undefined) socket.end(`${head('404 Not Found', { 'Content-Length': 0 })}`);
      else fault(socket, later, 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
