import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';
import { startWebhookListener, type Listener } from '../../src/webhook/listener/start-listener.js';

const FIXED = '2026-01-01T10:00:00.120Z';

async function waitForEvents(events: DeliveryEvent[], count: number): Promise<void> {
  for (let i = 0; i < 500 && events.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('webhook listener: the injected clock stamps every delivery', () => {
  const events: DeliveryEvent[] = [];
  let listener: Listener;

  beforeAll(async () => {
    listener = await startWebhookListener(
      { host: '127.0.0.1', port: 0, path: '/hook', maxBodyBytes: 1024, verify: () => ({ ok: true, event: 'push', id: null }), now: () => new Date(FIXED) },
      (e) => events.push(e),
    );
  });
  afterAll(async () => {
    await listener.close();
  });

  test('a delivery and a request that is not HTTP', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: listener.port, path: '/hook', method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{}');
    });
    const socket = net.connect(listener.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GARBAGE\r\n\r\n');
    await waitForEvents(events, 2);
    socket.destroy();
    expect(events.map((e) => [e.time, e.method, e.status])).toEqual([
      [FIXED, 'POST', 200],
      [FIXED, '-', 400],
    ]);
  });
});
