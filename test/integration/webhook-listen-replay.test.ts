/**
 * `apitest webhook listen` (the REAL binary: run `npm run build` first): a verified delivery received again
 * within the replay window is refused (401, reason "replay") and not forwarded, for each scheme with ids.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/run-cli.js';
import { startListenerCli, stopAll } from '../helpers/webhook-listen-cli.js';

const SECRET = 'wh-replay-secret-9d2b7f';
const ENV = { WEBHOOK_SECRET: SECRET };

afterAll(() => {
  stopAll();
});

function githubHeaders(body: string, id: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    'X-GitHub-Event': 'push',
    'X-GitHub-Delivery': id,
  };
}

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook listen: replays', () => {
  test('github: the same X-GitHub-Delivery again → 401 replay; --replay-window 0 accepts it', async () => {
    const payload = '{"zen":"replayed"}';
    const listener = await startListenerCli(['--scheme', 'github', '--max-events', '3'], ENV);
    expect(await post(listener.port, payload, githubHeaders(payload, 'delivery-a'))).toBe(200);
    expect(await post(listener.port, payload, githubHeaders(payload, 'delivery-a'))).toBe(401);
    expect(await post(listener.port, payload, githubHeaders(payload, 'delivery-b'))).toBe(200);
    const done = await listener.done;
    expect(done.code).toBe(1);
    expect(listener.records().map((r) => [r.verified, r.status, r.reason])).toEqual([
      [true, 200, null],
      [false, 401, 'replay'],
      [true, 200, null],
    ]);

    const open = await startListenerCli(['--scheme', 'github', '--max-events', '2', '--replay-window', '0'], ENV);
    expect(await post(open.port, payload, githubHeaders(payload, 'delivery-a'))).toBe(200);
    expect(await post(open.port, payload, githubHeaders(payload, 'delivery-a'))).toBe(200);
    expect((await open.done).code).toBe(0);
  });

  test('stripe (event id in the body) and standard (webhook-id): a second send of the same event is a replay, not forwarded', async () => {
    const forwarded: string[] = [];
    const app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        forwarded.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const appUrl = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}/`;
      const payload = '{"id":"evt_replay_1","type":"invoice.paid"}';

      const stripe = await startListenerCli(['--scheme', 'stripe', '--max-events', '2', '--forward', appUrl], ENV);
      const url = `http://127.0.0.1:${stripe.port}/`;
      expect((await runCli(['webhook', 'send', url, '--scheme', 'stripe', '--data', payload], { env: ENV })).code).toBe(0);
      // Re-signed a second later: a new timestamp and signature, the same event.
      const later = String(Math.floor(Date.now() / 1000) + 1);
      const again = await runCli(['webhook', 'send', url, '--scheme', 'stripe', '--timestamp', later, '--data', payload, '--json'], { env: ENV });
      expect(again.code).toBe(5);
      expect(JSON.parse(again.stdout)).toMatchObject({ response: { status: 401 } });
      expect((await stripe.done).code).toBe(1);
      expect(stripe.records().map((r) => [r.status, r.reason, r.forwardStatus])).toEqual([
        [200, null, 204],
        [401, 'replay', undefined],
      ]);
      expect(forwarded).toEqual([payload]);

      const standardEnv = { WEBHOOK_SECRET: `whsec_${Buffer.from('replay test key for standard').toString('base64')}` };
      const standard = await startListenerCli(['--scheme', 'standard', '--max-events', '3'], standardEnv);
      const standardUrl = `http://127.0.0.1:${standard.port}/`;
      for (const id of ['msg_1', 'msg_1', 'msg_2']) await runCli(['webhook', 'send', standardUrl, '--scheme', 'standard', '--id', id, '--data', payload], { env: standardEnv });
      expect((await standard.done).code).toBe(1);
      expect(standard.records().map((r) => r.reason)).toEqual([null, 'replay', null]);
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  }, 60_000);
});
