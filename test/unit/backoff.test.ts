import { describe, expect, test } from '@jest/globals';
import { backoffDelay, DEFAULT_RETRY_ON } from '../../src/retry/backoff.js';

const policy = { baseDelayMs: 100, maxDelayMs: 2000, factor: 2 };

describe('backoffDelay (full jitter)', () => {
  test.each([
    // retryNumber, random, expected
    [1, 1, 100],
    [2, 1, 200],
    [3, 1, 400],
    [5, 1, 1600],
    [6, 1, 2000], // capped
    [50, 1, 2000],
    [2000, 1, 2000], // factor^n overflows to Infinity, still capped
    [3, 0.5, 200],
    [3, 0, 0],
    [1, 0.123, 12], // rounded
    [0, 1, 100], // below 1 counts as 1
  ])('retry %j with random %j -> %j ms', (retryNumber, r, expected) => {
    expect(backoffDelay(retryNumber, policy, () => r)).toBe(expected);
  });

  test.each([
    [{ baseDelayMs: 100, maxDelayMs: 5000, factor: 1 }, 4, 100],
    [{ baseDelayMs: 0, maxDelayMs: 5000, factor: 2 }, 4, 0],
    [{ baseDelayMs: 100, maxDelayMs: 50, factor: 2 }, 1, 50],
  ])('policy %j retry %j at random 1 -> %j', (p, n, expected) => {
    expect(backoffDelay(n, p, () => 1)).toBe(expected);
  });

  test('stays within [0, ceiling] for many random draws', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (let n = 1; n <= 10; n++) {
      const ceiling = Math.min(2000, 100 * 2 ** (n - 1));
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(n, policy, random);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  test('default statuses', () => {
    expect([...DEFAULT_RETRY_ON]).toEqual([408, 425, 429, 500, 502, 503, 504]);
  });
});
