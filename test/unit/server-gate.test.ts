import { describe, expect, test } from '@jest/globals';
import { createServerGate } from '../../src/ratelimit/server-gate.js';
import type { Clock } from '../../src/util/clock.js';

function fakeClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('server rate-limit gate', () => {
  test('no wait while requests remain', async () => {
    const clock = fakeClock();
    const gate = createServerGate(clock, 30_000);
    gate.observe({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '10' });
    expect(await gate.beforeRequest('http://h/2')).toBe(0);
    expect(clock.slept).toEqual([]);
  });
  test.each([
    ['X-RateLimit (seconds)', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' }, 2000],
    ['X-RateLimit (epoch seconds)', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(1_700_000_000 + 3) }, 3000],
    ['IETF RateLimit-*', { 'ratelimit-remaining': '0', 'ratelimit-reset': '4' }, 4000],
    ['IETF structured', { ratelimit: '"default";r=0;t=5', 'ratelimit-policy': '"default";q=10;w=60' }, 5000],
  ])('waits for the reset after %s says none remain', async (_n, headers, expected) => {
    const clock = fakeClock(1_700_000_000_000);
    const waits: number[] = [];
    const gate = createServerGate(clock, 30_000, (w) => waits.push(w.waitMs));
    gate.observe(headers);
    expect(await gate.beforeRequest('http://h/next')).toBe(expected);
    expect(gate.waits).toEqual([{ beforeUrl: 'http://h/next', waitMs: expected }]);
    expect(waits).toEqual([expected]);
    expect(await gate.beforeRequest('http://h/again')).toBe(0);
  });
  test('the wait is capped by --retry-max-delay', async () => {
    const clock = fakeClock();
    const gate = createServerGate(clock, 1500);
    gate.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '600' });
    expect(await gate.beforeRequest('http://h/x')).toBe(1500);
  });
});
