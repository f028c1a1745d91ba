import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.js';
import { parseRetrySettings } from '../../src/cli/parse/retry-settings.js';
import { parseRate } from '../../src/ratelimit/parse-rate.js';
import { blank, checkProperty, hostileText, mutated, outcome, PROPERTY_TIMEOUT_MS, timed, withLongRun } from './fuzz.js';

const PARSER = 'rates';
const PERIODS: ReadonlyArray<readonly [string, number]> = [
  ['s', 1000],
  ['sec', 1000],
  ['m', 60_000],
  ['min', 60_000],
  ['h', 3_600_000],
  ['hr', 3_600_000],
  ['ms', 1],
];

/** `10/s`, `2.5 / min`, `100/15m`, `5/500ms`, `10/60`: the text, the count and the period in ms. */
const validRate = fc
  .record({
    count: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }).map((n) => ({ text: String(n), value: n })), fc.integer({ min: 1, max: 9999 }).map((n) => ({ text: `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`, value: n / 100 }))),
    period: fc.oneof(
      fc.constantFrom(...PERIODS).chain(([unit, ms]) => fc.mixedCase(fc.constant(unit)).map((text) => ({ text, ms }))),
      fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(...PERIODS)).map(([n, [unit, ms]]) => ({ text: `${n}${unit}`, ms: n * ms })),
      fc.integer({ min: 1, max: 86_400 }).map((n) => ({ text: String(n), ms: n * 1000 })),
    ),
    spaces: fc.tuple(blank, blank, blank, blank),
  })
  .map(({ count, period, spaces: [a, b, c, d] }) => ({ text: `${a}${count.text}${b}/${c}${period.text}${d}`, count: count.value, perMs: period.ms }));

const rateText = fc.oneof(validRate.map((r) => r.text), mutated(validRate.map((r) => r.text)), withLongRun(validRate.map((r) => r.text)), hostileText);

describe('property: rates (parseRate: --rate, suite defaults.rate)', () => {
  test(
    'a valid rate reads as its count and period',
    async () => {
      await checkProperty(
        PARSER,
        'valid text → rate',
        validRate, ({ text, count, perMs }) => {
          const rate = timed('parseRate', () => parseRate(text));
          expect(rate).toBeDefined();
          expect(rate?.perMs).toBe(perMs);
          expect(rate?.count).toBeCloseTo(count, 9);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: a positive finite count per a positive whole number of ms, or undefined; never a throw; fast',
    async () => {
      await checkProperty(
        PARSER,
        'any text → rate or undefined',
        rateText, (text) => {
          const result = outcome('parseRate', [], () => parseRate(text));
          if (result.ok && result.value !== undefined) {
            expect(result.value.count).toBeGreaterThan(0);
            expect(Number.isFinite(result.value.count)).toBe(true);
            expect(Number.isSafeInteger(result.value.perMs)).toBe(true);
            expect(result.value.perMs).toBeGreaterThan(0);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '--rate: the rate, or a UsageError (exit 2) naming --rate',
    async () => {
      await checkProperty(
        PARSER,
        '--rate → rate or UsageError',
        rateText, (text) => {
          const result = outcome('parseRetrySettings', [UsageError], () => parseRetrySettings({ rate: text, respectRateLimit: true }));
          if (result.ok) expect(result.value.rate).toEqual(parseRate(text));
          else {
            expect(result.error.message).toMatch(/^--rate: /);
            expect((result.error as UsageError).exitCode).toBe(2);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
