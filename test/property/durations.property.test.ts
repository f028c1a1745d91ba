import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { UsageError } from '../../src/errors.js';
import { durationFlag, parseFlags } from '../../src/cli/parse/flag-schemas.js';
import { parseLoadExpectation } from '../../src/expect/load-expectation.js';
import { formatDuration, MAX_DURATION_MS, parseDuration, parseExactDuration } from '../../src/util/duration.js';
import { blank, checkProperty, hostileText, mutated, outcome, PROPERTY_TIMEOUT_MS, timed, withLongRun } from './fuzz.js';

const PARSER = 'durations';
const UNITS = [
  ['ms', 1],
  ['s', 1000],
  ['sec', 1000],
  ['m', 60_000],
  ['min', 60_000],
  ['h', 3_600_000],
  ['hr', 3_600_000],
] as const;

/** A decimal as people write it: `5`, `0.25`, `.5`, `007`; `exact` is its value in thousandths. */
const decimal = fc
  .record({ whole: fc.nat({ max: 100_000 }), frac: fc.option(fc.nat({ max: 999 }), { nil: undefined }), leadingDot: fc.boolean(), zeros: fc.nat({ max: 2 }) })
  .map(({ whole, frac, leadingDot, zeros }) => {
    if (frac === undefined) return { text: '0'.repeat(zeros) + String(whole), thousandths: whole * 1000 };
    const digits = String(frac).padStart(3, '0');
    const intPart = leadingDot && whole === 0 ? '' : String(whole);
    return { text: `${intPart}.${digits}`, thousandths: whole * 1000 + frac };
  });

const unit = fc.constantFrom(...UNITS).chain(([name, ms]) => fc.mixedCase(fc.constant(name)).map((text) => ({ text, ms })));

/** `1m30s`, `2 m 5 s`, `0.5`, ` 5S `: the text and its value in milliseconds (before rounding, in thousandths). */
const validDuration = fc.oneof(
  fc.record({ n: decimal, before: blank, after: blank }).map(({ n, before, after }) => ({ text: `${before}${n.text}${after}`, exactThousandths: n.thousandths * 1000 })),
  fc.array(fc.record({ n: decimal, unit, gap: blank, sep: blank }), { minLength: 1, maxLength: 4 }).map((parts) => ({
    text: parts.map(({ n, unit: u, gap, sep }) => `${n.text}${gap}${u.text}${sep}`).join(''),
    exactThousandths: parts.reduce((sum, { n, unit: u }) => sum + n.thousandths * u.ms, 0),
  })),
);

const durationText = fc.oneof(validDuration.map((d) => d.text), mutated(validDuration.map((d) => d.text)), withLongRun(validDuration.map((d) => d.text)), hostileText);

const FlagSchema = z.object({ timeout: durationFlag('--timeout') });

describe('property: durations (parseDuration, parseExactDuration, formatDuration, duration flags, load SLO latencies)', () => {
  test(
    'a valid duration reads as its value in whole milliseconds',
    async () => {
      await checkProperty(
        PARSER,
        'valid text → value',
        validDuration, ({ text, exactThousandths }) => {
          const ms = timed('parseDuration', () => parseDuration(text));
          const exact = exactThousandths / 1000;
          if (!Number.isSafeInteger(Math.round(exact))) return;
          expect(ms).toBeDefined();
          // Binary floating point may put a value that ends in .5 either side of the rounding.
          expect(Math.abs((ms as number) - exact)).toBeLessThanOrEqual(0.5 + 1e-6 * exact);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: a safe whole number of milliseconds >= 0, or undefined; never a throw; fast',
    async () => {
      await checkProperty(
        PARSER,
        'any text → number or undefined',
        durationText, (text) => {
          const result = outcome('parseDuration', [], () => parseDuration(text));
          if (!result.ok) return;
          const ms = result.value;
          if (ms !== undefined) {
            expect(Number.isSafeInteger(ms)).toBe(true);
            expect(ms).toBeGreaterThanOrEqual(0);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'a duration flag: a whole number of ms in (0, 2^31-1], or a UsageError naming the flag',
    async () => {
      await checkProperty(
        PARSER,
        'flag → ms or UsageError',
        durationText, (text) => {
          const result = outcome('durationFlag', [UsageError], () => parseFlags(FlagSchema, { timeout: text }));
          if (result.ok) {
            expect(result.value.timeout).toBeGreaterThan(0);
            expect(result.value.timeout).toBeLessThanOrEqual(MAX_DURATION_MS);
            expect(result.value.timeout).toBe(parseDuration(text));
          } else {
            expect(result.error.message).toMatch(/^--timeout: /);
            expect((result.error as UsageError).exitCode).toBe(2);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'parseExactDuration: a valid duration reads as the double nearest its exact value, fractions of a ms kept',
    async () => {
      await checkProperty(
        PARSER,
        'valid text → exact value',
        validDuration, ({ text, exactThousandths }) => {
          const ms = timed('parseExactDuration', () => parseExactDuration(text));
          // exactThousandths is a safe integer (at most 4 parts of 100000.999 h), so this is one correct rounding.
          expect(ms).toBe(Number(`${exactThousandths}e-3`));
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: parseExactDuration gives a finite number >= 0 or undefined, never throws, and agrees with parseDuration after rounding',
    async () => {
      await checkProperty(
        PARSER,
        'any text → exact number or undefined',
        durationText, (text) => {
          const result = outcome('parseExactDuration', [], () => parseExactDuration(text));
          if (!result.ok) return;
          const exact = result.value;
          const rounded = parseDuration(text);
          if (exact === undefined) {
            expect(rounded).toBeUndefined();
            return;
          }
          expect(Number.isFinite(exact)).toBe(true);
          expect(exact).toBeGreaterThanOrEqual(0);
          // parseDuration multiplies floats before rounding: a value ending in .5 may land either side.
          if (rounded !== undefined) expect(Math.abs(rounded - exact)).toBeLessThanOrEqual(0.5 + 1e-9 * exact);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'a load SLO latency: the exact value in ms (a bare number is ms), or a UsageError; never rounded',
    async () => {
      await checkProperty(
        PARSER,
        'load SLO latency → exact ms or UsageError',
        durationText, (text) => {
          const result = outcome('parseLoadExpectation', [UsageError], () => parseLoadExpectation(`p99 < ${text}`));
          if (result.ok) {
            expect(result.value.value).toBe(parseExactDuration(text, 'ms'));
          } else {
            expect((result.error as UsageError).exitCode).toBe(2);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: what formatDuration prints reads back within its precision, and prints the same again',
    async () => {
      await checkProperty(
        PARSER,
        'formatDuration → parseDuration',
        fc.oneof(fc.nat({ max: 100_000 }), fc.nat({ max: MAX_DURATION_MS })), (ms) => {
          const printed = formatDuration(ms);
          const back = timed('parseDuration', () => parseDuration(printed));
          expect(back).toBeDefined();
          // Up to 3 significant digits below a minute; whole seconds below an hour; whole minutes above.
          const precision = ms < 1000 ? 0.5 : ms < 10_000 ? 5 : ms < 60_000 ? 50 : ms < 3_600_000 ? 500 : 60_000;
          expect(Math.abs((back as number) - ms)).toBeLessThanOrEqual(precision);
          expect(formatDuration(back as number)).toBe(printed);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
