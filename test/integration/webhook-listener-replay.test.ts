/**
 * The listener (in process, with an injected clock): a verified delivery received again within the replay
 * window is refused (401 replay) and not forwarded.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';
import { startWebhookListener, type Listener } from '../../src/webhook/listener/start-listener.js';
import { getScheme } from '../../src/webhook/schemes.js';

const SECRET = 'listener-replay-secret';
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

describe('webhook listener: replays', () => {
  const events: DeliveryEvent[] = [];
  const forwarded: string[] = [];
  let app: http.Server;
  let listener: Listener;
  let clockMs = Date.now();

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        forwarded.push(String(req.headers['x-github-delivery']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const { port } = app.address() as net.AddressInfo;
    listener = await startWebhookListener(
      { host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: 1024, verify, forward: `http://127.0.0.1:${port}/`, replayWindowMs: 60_000, now: () => new Date(clockMs) },
      (e) => events.push(e),
    );
  });
  afterAll(async () => {
    await listener.close();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  test('the same GitHub delivery again within the window → 401 replay, not forwarded; after the window it is accepted', async () => {
    const body = Buffer.from('{"zen":"once"}');
    const headers = github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push', id: 'delivery-1' });
    expect(await post(listener.port, body, headers)).toEqual({ status: 200, body: '{"ok":true}' });
    await waitFor(events, (e) => e.verified);

    clockMs += 59_000;
    const again = await post(listener.port, body, headers);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body)).toEqual({ error: 'replay', message: 'delivery id "delivery-1" was already received (replay window 60s)' });
    const [replay] = await waitFor(events, (e) => e.reason === 'replay');
    expect(replay).toMatchObject({ verified: false, status: 401, event: 'push', size: body.length });
    expect(replay?.forwardStatus).toBeUndefined();
    expect(forwarded).toEqual(['delivery-1']);

    clockMs += 2_000;
    expect((await post(listener.port, body, headers)).status).toBe(200);
    await waitFor(events, (e) => e.verified, 2);
    expect(forwarded).toEqual(['delivery-1', 'delivery-1']);
  });

  test('concurrent copies of one delivery: exactly one is accepted', async () => {
    const body = Buffer.from('{"zen":"burst"}');
    const headers = github.sign({ body, secret: SECRET, nowMs: Date.now(), event: 'push', id: 'delivery-burst' });
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(listener.port, body, headers)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  });
});
