import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.js';
import { parseRetrySettings } from '../../src/cli/parse/retry-settings.js';
import { DEFAULT_RETRY_ON } from '../../src/retry/backoff.js';
import { blank, checkProperty, hostileText, mutated, outcome, PROPERTY_TIMEOUT_MS, timed, withLongRun } from './fuzz.js';

const PARSER = '--retry-on';

const status = fc.integer({ min: 100, max: 599 });
/** `429,503`, ` 500 , 502,,`: the text and the statuses it names, in order. */
const validRetryOn = fc
  .array(fc.record({ code: fc.option(status, { nil: undefined, freq: 6 }), before: blank, after: blank }), { minLength: 1, maxLength: 10 })
  .map((items) => ({
    text: items.map(({ code, before, after }) => `${before}${code ?? ''}${after}`).join(','),
    codes: items.flatMap(({ code }) => (code === undefined ? [] : [code])),
  }));

const anyRetryOn = fc.oneof(validRetryOn.map((r) => r.text), mutated(validRetryOn.map((r) => r.text)), withLongRun(validRetryOn.map((r) => r.text)), hostileText);

describe('property: --retry-on (and the other retry flags)', () => {
  test(
    'a list of statuses reads as those statuses, in order (empty items are skipped; no item at all: no status is retried)',
    async () => {
      await checkProperty(PARSER, 'valid list → statuses', validRetryOn, ({ text, codes }) => {
        const settings = timed('parseRetrySettings', () => parseRetrySettings({ retryOn: text, respectRateLimit: true }));
        expect(settings.policy.retryOn).toEqual(codes);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: the statuses written back with commas read as the same statuses',
    async () => {
      await checkProperty(PARSER, 'statuses → text → statuses', fc.array(status, { maxLength: 12 }), (codes) => {
        const text = codes.length === 0 ? DEFAULT_RETRY_ON.join(',') : codes.join(',');
        const once = timed('parseRetrySettings', () => parseRetrySettings({ retryOn: text, respectRateLimit: true })).policy.retryOn;
        const twice = timed('parseRetrySettings', () => parseRetrySettings({ retryOn: once.join(','), respectRateLimit: true })).policy.retryOn;
        expect(twice).toEqual(once);
        expect(once).toEqual(codes.length === 0 ? [...DEFAULT_RETRY_ON] : codes);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '--retry-on with any text: statuses from 100 to 599, or a UsageError (exit 2) naming --retry-on',
    async () => {
      await checkProperty(PARSER, 'any text → statuses or UsageError', anyRetryOn, (text) => {
        const result = outcome('parseRetrySettings', [UsageError], () => parseRetrySettings({ retryOn: text, respectRateLimit: true }));
        if (result.ok) {
          for (const code of result.value.policy.retryOn) {
            expect(Number.isInteger(code)).toBe(true);
            expect(code).toBeGreaterThanOrEqual(100);
            expect(code).toBeLessThanOrEqual(599);
          }
        } else {
          expect((result.error as UsageError).exitCode).toBe(2);
          expect(result.error.message).toMatch(/^--retry-on: /);
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'every retry flag with any text at once: settings, or one UsageError (exit 2) naming a flag',
    async () => {
      const flagText = fc.oneof(fc.integer({ min: -5, max: 20_000 }).map(String), fc.constantFrom('0', '1', '3', '100', '101', '500ms', '2s', '30s', '597h'), hostileText);
      const raw = fc.record(
        { retry: flagText, retryOn: anyRetryOn, retryDelay: flagText, retryMaxDelay: flagText, burst: flagText, rate: fc.oneof(fc.constantFrom('10/s', '5/500ms'), hostileText), retryAllMethods: fc.boolean() },
        { requiredKeys: [] },
      );
      await checkProperty(PARSER, 'all retry flags → settings or UsageError', raw, (flags) => {
        const result = outcome('parseRetrySettings', [UsageError], () => parseRetrySettings({ ...flags, respectRateLimit: false }));
        if (result.ok) {
          const { policy, burst } = result.value;
          expect(Number.isSafeInteger(policy.limit) && policy.limit >= 0 && policy.limit <= 100).toBe(true);
          expect(policy.baseDelayMs).toBeGreaterThan(0);
          expect(policy.maxDelayMs).toBeGreaterThan(0);
          expect(burst).toBeGreaterThanOrEqual(1);
        } else {
          expect((result.error as UsageError).exitCode).toBe(2);
          expect(result.error.message).toMatch(/^--(retry|retry-on|retry-delay|retry-max-delay|burst|rate): /);
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
