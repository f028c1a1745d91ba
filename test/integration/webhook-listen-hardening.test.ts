/**
 * `apitest webhook listen` (the REAL binary: run `npm run build` first) under the attacks of issue 10:
 * a burst of oversized uploads from senders that read the answer only after sending, senders that reset
 * or close before their request is read, and slowloris.
 */
import net from 'node:net';
import { afterAll, describe, expect, test } from '@jest/globals';
import { startListenerCli, stopAll } from '../helpers/webhook-listen-cli.js';

const SECRET = 'wh-hardening-secret-5c1e8a';
const ENV = { WEBHOOK_SECRET: SECRET };

afterAll(() => {
  stopAll();
});

/**
 * A sender that uploads its whole request before it reads anything (as Python's http.client or Ruby's
 * Net::HTTP do): the answer's status, or the socket error it got instead. Bounded by `timeoutMs`.
 */
function sendThenRead(port: number, head: string, body: Buffer, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.pause();
    let answer = '';
    let failure = 'no answer';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? error.message));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? failure);
    });
    socket.write(head);
    socket.write(body, (error) => {
      if (error === undefined || error === null) socket.resume();
    });
  });
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

describe('webhook listen: oversized bodies', () => {
  // 50 × 6 MiB keeps the test within its time under a loaded full run; `npm run bench:listener` sends 100 oversized
  // uploads among 1,000 connections.
  test('a burst of 50 oversized uploads: every sender reads the 413, even one that reads only after sending', async () => {
    const count = 50;
    const listener = await startListenerCli(['--scheme', 'github', '--max-body', '1kb', '--max-events', String(count)], ENV, 110_000);
    // Larger than what the socket buffers hold, so a connection closed at once would reset the sender mid-upload.
    const body = Buffer.alloc(6 * 1024 * 1024, 0x61);
    const head = (i: number, chunked: boolean): string =>
      `POST /?n=${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`}\r\n\r\n`;
    const chunk = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]);
    // Half declare their length (refused before the body is read), half are chunked (refused once over the limit).
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => (i % 2 === 0 ? sendThenRead(listener.port, head(i, false), body) : sendThenRead(listener.port, head(i, true), chunk(body)))));
    const tally = new Map<string, number>();
    for (const answer of answers) tally.set(answer, (tally.get(answer) ?? 0) + 1);
    expect(Object.fromEntries(tally)).toEqual({ 413: count });

    const done = await listener.done;
    expect(done.code).toBe(1);
    const records = listener.records();
    expect(records).toHaveLength(count);
    for (const record of records) expect(record).toMatchObject({ method: 'POST', verified: false, status: 413, reason: 'body too large' });
  }, 120_000);
});

describe('webhook listen: connections that end without a complete request', () => {
  test('senders that reset at once, after part of a request, or close without a byte: each reported once', async () => {
    const resets = 30;
    const partial = 10;
    const silent = 10;
    const total = resets + partial + silent;
    const listener = await startListenerCli(['--scheme', 'github', '--max-events', String(total)], ENV);
    const sockets = await Promise.all(Array.from({ length: total }, () => connect(listener.port)));
    sockets.forEach((socket, i) => {
      if (i < resets) socket.resetAndDestroy();
      else if (i < resets + partial) {
        socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"cut":');
        setTimeout(() => socket.resetAndDestroy(), 50);
      } else socket.end();
    });
    const done = await listener.done;
    expect(done.code).toBe(1);
    const records = listener.records();
    expect(records).toHaveLength(total);
    const reasons = new Map<unknown, number>();
    for (const record of records) reasons.set(record.reason, (reasons.get(record.reason) ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual({
      'connection reset before a complete request': resets,
      'client disconnected': partial,
      'connection closed without a request': silent,
    });
    for (const record of records) expect(record).toMatchObject({ verified: false, status: 499 });
  });

  test('slowloris: stalled headers are cut at --request-timeout with a 408, and reported', async () => {
    const listener = await startListenerCli(['--scheme', 'github', '--max-events', '2', '--request-timeout', '1'], ENV);
    const idle = await connect(listener.port);
    const slow = await connect(listener.port);
    slow.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n');
    const started = Date.now();
    const done = await listener.done;
    expect(Date.now() - started).toBeLessThan(10_000);
    idle.destroy();
    slow.destroy();
    expect(done.code).toBe(1);
    expect(listener.records()).toEqual([
      expect.objectContaining({ method: '-', path: '-', verified: false, status: 408, reason: 'request timed out' }),
      expect.objectContaining({ method: '-', path: '-', verified: false, status: 408, reason: 'request timed out' }),
    ]);
  });
});
