import { describe, expect, test } from '@jest/globals';
import { createTokenBucket } from '../../src/ratelimit/token-bucket.js';
import type { Clock } from '../../src/util/clock.js';

/** A clock whose sleep only moves fake time forward; records each start time. */
function fakeClock(start = 1_000_000): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
  };
}

async function startTimes(n: number, rate: { count: number; perMs: number }, burst: number, concurrent: boolean): Promise<number[]> {
  const clock = fakeClock(0);
  const bucket = createTokenBucket(rate, burst, clock);
  const starts: number[] = [];
  if (concurrent) {
    await Promise.all(Array.from({ length: n }, () => bucket.acquire().then(() => starts.push(clock.now()))));
  } else {
    for (let i = 0; i < n; i++) {
      await bucket.acquire();
      starts.push(clock.now());
    }
  }
  return starts;
}

describe('createTokenBucket', () => {
  test('40 acquires at 20/s with burst 1 take at least 1950 ms of fake time', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ count: 20, perMs: 1000 }, 1, clock);
    const t0 = clock.now();
    for (let i = 0; i < 40; i++) await bucket.acquire();
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1950);
    expect(clock.now() - t0).toBeLessThan(2000);
  });

  test.each<[string, { count: number; perMs: number }, number, boolean, number[]]>([
    ['10/s burst 1, sequential', { count: 10, perMs: 1000 }, 1, false, [0, 100, 200, 300, 400]],
    ['10/s burst 1, concurrent', { count: 10, perMs: 1000 }, 1, true, [0, 100, 200, 300, 400]],
    ['10/s burst 5: five at once, then spaced', { count: 10, perMs: 1000 }, 5, false, [0, 0, 0, 0, 0, 100, 200, 300]],
    ['10/s burst 5, concurrent', { count: 10, perMs: 1000 }, 5, true, [0, 0, 0, 0, 0, 100, 200, 300]],
    ['burst 0 counts as 1', { count: 2, perMs: 1000 }, 0, false, [0, 500, 1000]],
    ['600/m', { count: 600, perMs: 60_000 }, 1, true, [0, 100, 200]],
  ])('%s', async (_name, rate, burst, concurrent, expected) => {
    expect(await startTimes(expected.length, rate, burst, concurrent)).toEqual(expected);
  });

  test('an uneven interval (3/s) does not drift through rounding', async () => {
    const starts = await startTimes(31, { count: 3, perMs: 1000 }, 1, false);
    expect(starts[30]).toBeGreaterThanOrEqual(10_000);
    expect(starts[30]).toBeLessThanOrEqual(10_001);
  });

  test('an idle bucket refills up to the burst, not beyond', async () => {
    const clock = fakeClock(0);
    const bucket = createTokenBucket({ count: 10, perMs: 1000 }, 3, clock);
    for (let i = 0; i < 3; i++) await bucket.acquire();
    await clock.sleep(10_000); // long idle: refill to 3, not 100
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.acquire();
      starts.push(clock.now() - 10_000);
    }
    expect(starts).toEqual([0, 0, 0, 100, 200]);
  });

  test('acquire resolves with the time waited, queueing included', async () => {
    const clock = fakeClock(0);
    const bucket = createTokenBucket({ count: 10, perMs: 1000 }, 1, clock);
    expect(await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire()])).toEqual([0, 100, 200]);
  });

  test('concurrent callers are served in call order', async () => {
    const clock = fakeClock(0);
    const bucket = createTokenBucket({ count: 10, perMs: 1000 }, 1, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  test('a failing sleep rejects that caller only; the queue goes on', async () => {
    const clock = fakeClock(0);
    let failNext = true;
    const flaky: Clock = {
      now: clock.now,
      sleep: async (ms) => {
        if (failNext) {
          failNext = false;
          throw new Error('aborted');
        }
        await clock.sleep(ms);
      },
    };
    const bucket = createTokenBucket({ count: 10, perMs: 1000 }, 1, flaky);
    const results = await Promise.allSettled([bucket.acquire(), bucket.acquire(), bucket.acquire()]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  test('rejects a nonsensical rate', () => {
    expect(() => createTokenBucket({ count: 0, perMs: 1000 }, 1, fakeClock())).toThrow(RangeError);
  });
});
