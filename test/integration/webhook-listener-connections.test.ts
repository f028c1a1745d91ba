/**
 * The listener (in process) against raw sockets that never finish a request: every accepted connection is
 * reported once.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';
import { CONNECTION_RESET_REASON, LISTENER_STOPPED_REASON, NO_REQUEST_REASON } from '../../src/webhook/listener/ended-connection.js';
import { startWebhookListener, type Listener } from '../../src/webhook/listener/start-listener.js';
import { getScheme } from '../../src/webhook/schemes.js';

const SECRET = 'listener-connections-secret';
const github = getScheme('github');
const verify = (body: Buffer, headers: IncomingHttpHeaders) => github.verify({ body, headers, secret: SECRET, nowMs: Date.now(), toleranceMs: 5 * 60 * 1000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until `events` holds at least `count` entries matching `match`. */
async function waitFor(events: DeliveryEvent[], match: (e: DeliveryEvent) => boolean, count = 1, timeoutMs = 5000): Promise<DeliveryEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    const found = events.filter(match);
    if (found.length >= count) return found;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${count} event(s); have ${JSON.stringify(events)}`);
}

/** A connected raw socket (errors ignored: the listener may reset it). */
async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Everything the listener answers on `socket` until it closes it (bounded). */
function answerOf(socket: net.Socket, timeoutMs = 5000): Promise<string> {
  return new Promise<string>((resolve) => {
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

function post(port: number, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/hook', method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook listener: connections that end without a complete request', () => {
  const events: DeliveryEvent[] = [];
  let listener: Listener;

  beforeAll(async () => {
    listener = await startWebhookListener({ host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: 1024, verify, requestTimeoutMs: 600 }, (e) => events.push(e));
  });
  afterAll(async () => {
    await listener.close();
  });

  const unknown = (reason: string) => ({ time: expect.any(String), method: '-', path: '-', event: null, size: 0, verified: false, reason, status: 499 });

  test('a sender that connects and resets at once: reported once, "connection reset"', async () => {
    const before = events.length;
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(listener.port)));
    for (const socket of sockets) socket.resetAndDestroy();
    const found = await waitFor(events, (e) => e.reason === CONNECTION_RESET_REASON, 20);
    expect(found[0]).toEqual(unknown(CONNECTION_RESET_REASON));
    await sleep(100);
    expect(events.length - before).toBe(20);
  });

  test('a sender that connects and closes without a byte: reported once, "connection closed without a request"', async () => {
    const socket = await connect(listener.port);
    socket.end();
    const [event] = await waitFor(events, (e) => e.reason === NO_REQUEST_REASON);
    expect(event).toEqual(unknown(NO_REQUEST_REASON));
  });

  test('a sender that resets after part of its headers is reported (as the parser sees it)', async () => {
    const before = events.length;
    const socket = await connect(listener.port);
    socket.write('POST /hook HTTP/1.1\r\nHost: x\r\nContent-Le');
    await sleep(50);
    socket.resetAndDestroy();
    await waitFor(events, () => events.length > before);
    await sleep(100);
    expect(events.length - before).toBe(1);
    expect(events.at(-1)).toMatchObject({ verified: false, status: 499 });
  });

  test('a sender that resets mid-body: its delivery is reported, the connection not a second time', async () => {
    const before = events.length;
    const socket = await connect(listener.port);
    socket.write('POST /hook?reset=mid-body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":');
    await sleep(50);
    socket.resetAndDestroy();
    const [event] = await waitFor(events, (e) => e.path === '/hook?reset=mid-body');
    expect(event).toMatchObject({ method: 'POST', verified: false, status: 499, reason: 'client disconnected', size: 11 });
    await sleep(100);
    expect(events.length - before).toBe(1);
  });

  test('slowloris (headers that stop coming, or nothing at all): cut at the request timeout with a 408, reported', async () => {
    const before = events.length;
    const silent = await connect(listener.port);
    const slow = await connect(listener.port);
    slow.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
    const answers = await Promise.all([answerOf(silent), answerOf(slow)]);
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const found = await waitFor(events, (e) => e.status === 408, 2);
    expect(found.slice(-2).map((e) => e.reason)).toEqual(['request timed out', 'request timed out']);
    await sleep(100);
    expect(events.length - before).toBe(2);
  });

  test('a slow body: cut at the request timeout, reported as that delivery', async () => {
    const socket = await connect(listener.port);
    socket.write('POST /hook?slow=body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a"');
    const answer = await answerOf(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const [event] = await waitFor(events, (e) => e.path === '/hook?slow=body');
    expect(event).toMatchObject({ method: 'POST', verified: false, status: 408, reason: 'request timed out', size: 4 });
  });

  test('CONNECT (which node would drop silently) is answered 404 and reported', async () => {
    const socket = await connect(listener.port);
    const answer = answerOf(socket);
    socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\{"error":"not found"\}$/);
    const [event] = await waitFor(events, (e) => e.method === 'CONNECT');
    expect(event).toMatchObject({ path: 'example.com:443', verified: false, status: 404, reason: 'path not found (listening on /hook)' });
  });

  test('a complete delivery on a connection is not followed by a report of the connection itself', async () => {
    const before = events.length;
    const body = Buffer.from('{"ok":1}');
    expect((await post(listener.port, body, github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push' }))).status).toBe(200);
    await sleep(100);
    expect(events.slice(before).map((e) => e.status)).toEqual([200]);
  });

  test('connections still open when the listener stops are reported as cut by it', async () => {
    const own: DeliveryEvent[] = [];
    const other = await startWebhookListener({ host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: 1024, verify }, (e) => own.push(e));
    await connect(other.port);
    await sleep(50);
    await other.close();
    await waitFor(own, (e) => e.reason === LISTENER_STOPPED_REASON);
    expect(own).toEqual([unknown(LISTENER_STOPPED_REASON)]);
  });
});
