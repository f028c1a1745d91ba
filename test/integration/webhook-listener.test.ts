import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MALFORMED_REASON, type DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';
import { startWebhookListener, type Listener } from '../../src/webhook/listener/start-listener.js';
import { getScheme } from '../../src/webhook/schemes.js';

const SECRET = 'listener-test-secret';
const github = getScheme('github');
const verify = (body: Buffer, headers: IncomingHttpHeaders) =>
  github.verify({ body, headers, secret: SECRET, nowMs: Date.now(), toleranceMs: 5 * 60 * 1000 });
const MAX_BODY = 64 * 1024;

interface Reply {
  status: number;
  body: string;
}

interface Sent {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send the body in pieces without a Content-Length (chunked). */
  chunked?: boolean;
}

function send(port: number, options: Sent = {}): Promise<Reply> {
  const body = options.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = { ...options.headers };
  if (!options.chunked) headers['Content-Length'] = String(body.length);
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: options.path ?? '/hook', method: options.method ?? 'POST', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.chunked) {
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
      req.end();
    } else {
      req.end(body);
    }
  });
}

function signedDelivery(body: Buffer, extra: Record<string, string> = {}): Sent {
  return { body, headers: { 'Content-Type': 'application/json', ...github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push' }), ...extra } };
}

/** Waits (bounded) until `events` holds at least `count` entries matching `match`. */
async function waitFor(events: DeliveryEvent[], match: (e: DeliveryEvent) => boolean, count = 1, timeoutMs = 5000): Promise<DeliveryEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    const found = events.filter(match);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${count} event(s); have ${JSON.stringify(events)}`);
}

/** Writes raw bytes on a fresh connection and collects everything answered until the listener closes it. */
function rawExchange(port: number, text: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5s; got ${JSON.stringify(answer)}`));
    }, 5000);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(text, 'latin1');
  });
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** A tiny app that records exactly what it receives and answers 202. */
async function startApp(): Promise<{ server: http.Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
      res.writeHead(202, { 'Content-Type': 'text/plain' });
      res.end('accepted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0, received };
}

async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('webhook listener', () => {
  const events: DeliveryEvent[] = [];
  let listener: Listener;

  beforeAll(async () => {
    listener = await startWebhookListener({ host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: MAX_BODY, verify }, (e) => events.push(e));
  });
  afterAll(async () => {
    await listener.close();
  });

  test('reports its URL and port', () => {
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}/hook`);
  });

  test('a valid delivery gets 200 {"ok":true} and is reported as verified', async () => {
    const reply = await send(listener.port, { ...signedDelivery(Buffer.from('{"zen":"ok"}'), { 'X-GitHub-Delivery': 'valid-1' }), path: '/hook?x=1' });
    expect(reply).toEqual({ status: 200, body: '{"ok":true}' });
    const [event] = await waitFor(events, (e) => e.path === '/hook?x=1');
    expect(event).toMatchObject({ method: 'POST', event: 'push', size: 12, verified: true, reason: null, status: 200 });
    expect(Number.isNaN(Date.parse(event?.time ?? ''))).toBe(false);
    expect(event?.forwardStatus).toBeUndefined();
  });

  test.each([
    ['bad signature', { 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }, 'bad-signature'],
    ['malformed signature', { 'X-Hub-Signature-256': 'md5=abc' }, 'malformed-header'],
  ])('%s → 401 with the reason', async (label, override, reason) => {
    const delivery = signedDelivery(Buffer.from(`{"case":"${label}"}`));
    const reply = await send(listener.port, { ...delivery, headers: { ...delivery.headers, ...override } });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ error: reason });
    const [event] = await waitFor(events, (e) => e.status === 401 && e.size === Buffer.byteLength(`{"case":"${label}"}`));
    expect(event).toMatchObject({ verified: false, event: 'push' });
    expect(event?.reason).toEqual(expect.any(String));
  });

  test('missing signature → 401 missing-header', async () => {
    const reply = await send(listener.port, { body: Buffer.from('{}'), headers: { 'X-GitHub-Event': 'ping' } });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({ error: 'missing-header', message: 'missing header X-Hub-Signature-256' });
  });

  test('a tampered body (one byte) → 401', async () => {
    const delivery = signedDelivery(Buffer.from('{"amount":100}'));
    const reply = await send(listener.port, { ...delivery, body: Buffer.from('{"amount":900}') });
    expect(reply.status).toBe(401);
  });

  test('another path → 404, a GET → 405; both reported unverified', async () => {
    expect((await send(listener.port, { ...signedDelivery(Buffer.from('{}')), path: '/other' })).status).toBe(404);
    expect((await send(listener.port, { ...signedDelivery(Buffer.from('{}')), path: '/hook/deeper' })).status).toBe(404);
    expect((await send(listener.port, { method: 'GET' })).status).toBe(405);
    await waitFor(events, (e) => e.status === 404 && e.path === '/other' && !e.verified);
    const [notAllowed] = await waitFor(events, (e) => e.status === 405);
    expect(notAllowed).toMatchObject({ method: 'GET', verified: false, reason: expect.stringContaining('not allowed') });
  });

  test('a body over maxBodyBytes → 413 (declared length)', async () => {
    const reply = await send(listener.port, signedDelivery(Buffer.alloc(MAX_BODY + 1, 0x61)));
    expect(reply).toEqual({ status: 413, body: '{"error":"body too large"}' });
    await waitFor(events, (e) => e.status === 413 && e.reason === 'body too large');
  });

  test('a body over maxBodyBytes → 413 (chunked, no length)', async () => {
    const before = events.filter((e) => e.status === 413).length;
    const reply = await send(listener.port, { ...signedDelivery(Buffer.alloc(MAX_BODY * 4, 0x62)), chunked: true });
    expect(reply.status).toBe(413);
    await waitFor(events, (e) => e.status === 413, before + 1);
  });

  test('exactly maxBodyBytes is accepted', async () => {
    const reply = await send(listener.port, signedDelivery(Buffer.alloc(MAX_BODY, 0x20)));
    expect(reply.status).toBe(200);
  });

  test('a client that disconnects mid-body is reported and does not crash the listener', async () => {
    const socket = net.connect(listener.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write('POST /hook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"partial":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const [event] = await waitFor(events, (e) => e.reason === 'client disconnected');
    expect(event).toMatchObject({ verified: false, size: 11 });
    const reply = await send(listener.port, signedDelivery(Buffer.from('{"after":"disconnect"}')));
    expect(reply.status).toBe(200);
  });

  test('garbage on the wire gets 400, is reported as a delivery, and the listener keeps working', async () => {
    const before = events.filter((e) => e.reason === MALFORMED_REASON).length;
    const answer = await rawExchange(listener.port, '\x00\x01 NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.endsWith('{"error":"bad request"}')).toBe(true);
    const malformed = await waitFor(events, (e) => e.reason === MALFORMED_REASON, before + 1);
    expect(malformed.at(-1)).toEqual({ time: expect.any(String), method: '-', path: '-', event: null, size: 0, verified: false, reason: 'malformed HTTP request', status: 400 });
    expect((await send(listener.port, signedDelivery(Buffer.from('{"after":"garbage"}')))).status).toBe(200);
  });

  test('GARBAGE\\r\\n\\r\\n (a request line without method, target and version) → 400, reported once', async () => {
    const before = events.filter((e) => e.reason === MALFORMED_REASON).length;
    const answer = await rawExchange(listener.port, 'GARBAGE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await waitFor(events, (e) => e.reason === MALFORMED_REASON, before + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((e) => e.reason === MALFORMED_REASON)).toHaveLength(before + 1);
  });

  test('headers over the parser limit → 431, reported', async () => {
    const answer = await rawExchange(listener.port, `POST /hook HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const [event] = await waitFor(events, (e) => e.status === 431);
    expect(event).toMatchObject({ method: '-', path: '-', verified: false, reason: 'request headers too large' });
  });

  test('broken chunked framing mid-body → 400, reported as that delivery (method and path known)', async () => {
    const answer = await rawExchange(listener.port, 'POST /hook?chunks=broken HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const [event] = await waitFor(events, (e) => e.path === '/hook?chunks=broken');
    expect(event).toMatchObject({ method: 'POST', verified: false, reason: MALFORMED_REASON, status: 400, size: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((e) => e.path === '/hook?chunks=broken')).toHaveLength(1);
  });

  test('a valid delivery then garbage on the same connection: both reported, each with its own status', async () => {
    const body = Buffer.from('{"keep":"alive"}');
    const headers = { ...github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push' }), 'Content-Length': String(body.length), Host: 'x' };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const before = events.filter((e) => e.reason === MALFORMED_REASON).length;
    const answer = await rawExchange(listener.port, `POST /hook?keep=alive HTTP/1.1\r\n${head}\r\n${body.toString('latin1')}NOT HTTP\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"ok":true\}HTTP\/1\.1 400 /);
    const [valid] = await waitFor(events, (e) => e.path === '/hook?keep=alive');
    expect(valid).toMatchObject({ verified: true, status: 200 });
    await waitFor(events, (e) => e.reason === MALFORMED_REASON, before + 1);
  });

  test('many deliveries at once', async () => {
    const count = 40;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) => send(listener.port, { ...signedDelivery(Buffer.from(`{"n":${i}}`)), path: `/hook?burst=${i}` })),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await waitFor(events, (e) => e.path.startsWith('/hook?burst=') && e.verified, count);
  });

  test('an observer that throws does not take the listener down', async () => {
    const fragile = await startWebhookListener({ host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: MAX_BODY, verify }, () => {
      throw new Error('observer bug');
    });
    try {
      expect((await send(fragile.port, signedDelivery(Buffer.from('{}')))).status).toBe(200);
      expect((await send(fragile.port, signedDelivery(Buffer.from('{}')))).status).toBe(200);
    } finally {
      await fragile.close();
    }
  });

  test('a verify function that throws → 500, reported', async () => {
    const broken = await startWebhookListener(
      {
        host: '127.0.0.1',
        port: 0,
        path: '/hook',
        maxBodyBytes: MAX_BODY,
        verify: () => {
          throw new Error('boom');
        },
      },
      (e) => events.push(e),
    );
    try {
      expect((await send(broken.port, signedDelivery(Buffer.from('{}')))).status).toBe(500);
      await waitFor(events, (e) => e.status === 500 && (e.reason ?? '').includes('boom'));
    } finally {
      await broken.close();
    }
  });

  test('a port in use is an error from startWebhookListener', async () => {
    await expect(startWebhookListener({ host: '127.0.0.1', port: listener.port, path: '/hook', maxBodyBytes: MAX_BODY, verify }, () => undefined)).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});

describe('webhook listener forwarding', () => {
  const events: DeliveryEvent[] = [];
  let app: Awaited<ReturnType<typeof startApp>>;
  let listener: Listener;
  let deadListener: Listener;

  beforeAll(async () => {
    app = await startApp();
    listener = await startWebhookListener(
      { host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: MAX_BODY, verify, forward: `http://127.0.0.1:${app.port}/app/webhooks?src=apitest`, forwardTimeoutMs: 5000 },
      (e) => events.push(e),
    );
    deadListener = await startWebhookListener(
      { host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: MAX_BODY, verify, forward: `http://127.0.0.1:${await unusedPort()}/`, forwardTimeoutMs: 2000 },
      (e) => events.push(e),
    );
  });
  afterAll(async () => {
    await listener.close();
    await deadListener.close();
    await new Promise<void>((resolve) => app.server.close(() => resolve()));
  });

  const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const ODD_JSON = Buffer.from('{ "type" :"push" ,\n\t"a" : [1,2 , 3],"u":"\\u00e9 é" ,"n":1.50 }  \r\n', 'utf8');

  test.each([
    ['a binary payload with all 256 byte values', ALL_BYTES, 'application/octet-stream', false],
    ['a JSON payload with odd whitespace', ODD_JSON, 'application/json; charset=utf-8', false],
    ['a chunked JSON payload', ODD_JSON, 'application/json', true],
  ])('%s arrives byte-for-byte with its signature header', async (label, body, contentType, chunked) => {
    const signature = github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push', id: label });
    const reply = await send(listener.port, { body, chunked, headers: { 'Content-Type': contentType, 'X-Custom-Thing': 'kept', ...signature } });
    expect(reply).toEqual({ status: 200, body: '{"ok":true}' });

    const [event] = await waitFor(events, (e) => e.forwardStatus !== undefined && e.size === body.length && e.verified, 1);
    const got = app.received.find((r) => r.headers['x-github-delivery'] === label);
    expect(got).toBeDefined();
    expect(Buffer.compare(got?.body ?? Buffer.alloc(0), body)).toBe(0);
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/app/webhooks?src=apitest');
    expect(got?.headers['x-hub-signature-256']).toBe(signature['X-Hub-Signature-256']);
    expect(got?.headers['x-github-event']).toBe('push');
    expect(got?.headers['content-type']).toBe(contentType);
    expect(got?.headers['x-custom-thing']).toBe('kept');
    expect(got?.headers['content-length']).toBe(String(body.length));
    expect(got?.headers['transfer-encoding']).toBeUndefined();
    // Original header-name casing is preserved.
    expect(got?.rawHeaders).toContain('X-Hub-Signature-256');
    // And the bytes the app got still verify.
    expect(github.verify({ body: got?.body ?? Buffer.alloc(0), headers: got?.headers ?? {}, secret: SECRET, nowMs: Date.now(), toleranceMs: 60_000 }).ok).toBe(true);
    expect(event?.forwardStatus).toBe(202);
    events.length = 0;
  });

  test('unverified deliveries are not forwarded', async () => {
    const before = app.received.length;
    const reply = await send(listener.port, { body: Buffer.from('{}'), headers: { 'X-Hub-Signature-256': `sha256=${'1'.repeat(64)}` } });
    expect(reply.status).toBe(401);
    const [event] = await waitFor(events, (e) => e.status === 401);
    expect(event?.forwardStatus).toBeUndefined();
    expect(app.received.length).toBe(before);
    events.length = 0;
  });

  test('an unreachable app: the sender still gets 200, the event says why', async () => {
    const reply = await send(deadListener.port, signedDelivery(Buffer.from('{"to":"nowhere"}')));
    expect(reply.status).toBe(200);
    const [event] = await waitFor(events, (e) => e.forwardError !== undefined);
    expect(event).toMatchObject({ verified: true, status: 200, forwardStatus: null, forwardError: expect.stringContaining('ECONNREFUSED') });
  });
});
