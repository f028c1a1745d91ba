import { describe, expect, test } from '@jest/globals';
import { createBatchGate } from '../../src/batch/batch-gate.js';
import { createConcurrencyWindow } from '../../src/batch/concurrency-window.js';
import type { Clock } from '../../src/util/clock.js';

function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async (ms) => void (now += Math.max(0, ms)), advance: (ms) => void (now += ms) };
}

describe('the batch gate', () => {
  test('a 429 with Retry-After pauses every row until then; the pause never shrinks; it ends by itself', async () => {
    const clock = fakeClock();
    const gate = createBatchGate(clock, 30_000, true);
    expect(gate.observe(200, { 'content-type': 'application/json' })).toBeNull();
    expect(gate.observe(429, { 'retry-after': '2' })).toMatchObject({ waitMs: 2000, reason: '429 with Retry-After' });
    expect(gate.observe(429, { 'retry-after': '1' })).toBeNull(); // shorter: the pause stays
    const start = clock.now();
    const waits = await Promise.all([gate.wait(clock.sleep, () => false), gate.wait(clock.sleep, () => false)]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeGreaterThan(0);
    expect(await gate.wait(clock.sleep, () => false)).toBe(0);
    expect(gate.stats.pauses).toBe(1);
  });

  test('no requests remain → wait for the reset, capped by --retry-max-delay; --no-respect-rate-limit ignores it', () => {
    const clock = fakeClock();
    const gate = createBatchGate(clock, 5_000, true);
    expect(gate.observe(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })).toMatchObject({ waitMs: 5000, reason: 'no requests remain' });
    expect(createBatchGate(clock, 5_000, false).observe(429, { 'retry-after': '3' })).toBeNull();
  });

  test('a cut-short wait (Ctrl-C) stops waiting', async () => {
    const clock = fakeClock();
    const gate = createBatchGate(clock, 30_000, true);
    gate.observe(503, { 'retry-after': '10' });
    expect(await gate.wait(async () => undefined, () => true)).toBe(0);
  });
});

describe('the concurrency window', () => {
  test('halves once per burst of push-backs, grows back by one per window of successes, stays within 1..max', () => {
    let now = 0;
    const w = createConcurrencyWindow(16, () => now);
    expect(w.current()).toBe(16);
    now = 10;
    w.pushBack(5);
    expect(w.current()).toBe(8);
    w.pushBack(6); // sent before the decrease: the same burst
    expect(w.current()).toBe(8);
    now = 20;
    w.pushBack(15);
    w.pushBack(30);
    expect(w.current()).toBe(2);
    for (let i = 0; i < 2; i++) w.success();
    expect(w.current()).toBe(3);
    for (let i = 0; i < 1000; i++) w.success();
    expect(w.current()).toBe(16);
    for (let t = 100; t < 200; t++) {
      now = t;
      w.pushBack(t);
    }
    expect(w.current()).toBe(1);
    expect(w.stats.lowest).toBe(1);
  });
});
