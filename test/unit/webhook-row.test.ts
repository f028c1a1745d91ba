import { describe, expect, test } from '@jest/globals';
import { createTheme } from '../../src/render/theme.js';
import { renderExposedHostWarning, renderListenBanner } from '../../src/render/webhook-listen-banner.js';
import { renderEventLine, renderEventRow } from '../../src/render/webhook-row.js';
import { eventDocument } from '../../src/webhook/listener/delivery-document.js';
import type { DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';

const plain = createTheme(0);
const verified: DeliveryEvent = { time: '2026-01-01T11:36:03.120Z', method: 'POST', path: '/', event: 'push', size: 25, verified: true, reason: null, status: 200 };
const rejected: DeliveryEvent = { ...verified, event: 'ping', verified: false, reason: 'X-Hub-Signature-256 does not match the body', status: 401 };
const malformed: DeliveryEvent = { time: '2026-01-01T11:36:04.000Z', method: '-', path: '-', event: null, size: 0, verified: false, reason: 'malformed HTTP request', status: 400 };

describe('renderEventRow (one delivery in the listener report)', () => {
  test('the rows of docs/webhooks.md', () => {
    expect(renderEventRow({ ...verified, forwardStatus: 204 }, true, plain)).toBe('11:36:03  POST   /            push                  25 B  200 verified  → app 204\n');
    expect(renderEventRow(rejected, false, plain)).toBe('11:36:03  POST   /            ping                  25 B  401 rejected: X-Hub-Signature-256 does not match the body\n');
    expect(renderEventRow(malformed, false, plain)).toBe('11:36:04  -      -            -                      0 B  400 rejected: malformed HTTP request\n');
  });

  test('forwarding: the app is shown only for verified deliveries, with why it failed', () => {
    expect(renderEventRow(rejected, true, plain)).not.toContain('→ app');
    expect(renderEventRow({ ...verified, forwardStatus: null, forwardError: 'ECONNREFUSED: connect' }, true, plain)).toMatch(/200 verified {2}→ app failed: ECONNREFUSED: connect\n$/);
    expect(renderEventRow({ ...verified, forwardStatus: null }, true, plain)).toMatch(/→ app failed: no answer\n$/);
    expect(renderEventRow({ ...verified, forwardStatus: 500 }, true, plain)).toMatch(/→ app 500\n$/);
  });

  test('without --forward no app column, even when the event has one', () => {
    expect(renderEventRow({ ...verified, forwardStatus: 204 }, false, plain)).toMatch(/200 verified\n$/);
  });

  test('a time that is not an ISO timestamp is shown whole; a missing reason says so', () => {
    expect(renderEventRow({ ...rejected, time: 'soon', reason: null }, false, plain)).toMatch(/^soon {2}.*401 rejected: unknown reason\n$/);
  });

  test('colours: green verified, red rejected, yellow app status >= 400', () => {
    const colour = createTheme(1);
    expect(renderEventRow(verified, false, colour)).toContain('\u001b[32m200 verified\u001b[39m');
    expect(renderEventRow(rejected, false, colour)).toContain('\u001b[31m401 rejected:');
    expect(renderEventRow({ ...verified, forwardStatus: 502 }, true, colour)).toContain('→ app \u001b[33m502\u001b[39m');
  });
});

describe('eventDocument and renderEventLine (the --json NDJSON line)', () => {
  test('the documented keys, in order; no forward fields without --forward', () => {
    expect(renderEventLine(eventDocument({ ...verified, forwardStatus: 204 }, false))).toBe(
      '{"time":"2026-01-01T11:36:03.120Z","method":"POST","path":"/","event":"push","size":25,"verified":true,"reason":null,"status":200}\n',
    );
  });

  test('with --forward: forwardStatus on verified deliveries (null when the app was not reached), forwardError when there is one', () => {
    expect(eventDocument({ ...verified, forwardStatus: 204 }, true)).toEqual({ ...verified, forwardStatus: 204 });
    expect(eventDocument(verified, true)).toEqual({ ...verified, forwardStatus: null });
    expect(eventDocument({ ...verified, forwardStatus: null, forwardError: 'no answer within 10ms' }, true)).toEqual({ ...verified, forwardStatus: null, forwardError: 'no answer within 10ms' });
    expect(eventDocument(rejected, true)).toEqual(rejected);
  });
});

describe('listen banner', () => {
  test('names the URL, scheme, forward target and --max-events', () => {
    expect(renderListenBanner('http://127.0.0.1:9000/', 'standard', 'http://localhost:3000/webhooks', null)).toBe(
      'apitest: listening on http://127.0.0.1:9000/ (scheme standard, forwarding to http://localhost:3000/webhooks; Ctrl-C to stop)\n',
    );
    expect(renderListenBanner('http://127.0.0.1:9000/', 'github', undefined, 1)).toBe('apitest: listening on http://127.0.0.1:9000/ (scheme github, exits after 1 delivery; Ctrl-C to stop)\n');
    expect(renderListenBanner('http://127.0.0.1:9000/', 'github', undefined, 3)).toContain('exits after 3 deliveries;');
  });

  test('warns about an address other machines can reach', () => {
    expect(renderExposedHostWarning('0.0.0.0')).toBe('apitest: warning: listening on 0.0.0.0: other machines can reach this receiver\n');
  });
});
