import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseHttpDate, parseRetryAfter } from '../../src/retry/retry-after.js';
import { blank, checkProperty, HEADER_TEXT_MAX, hostileTextUpTo, mutated, outcome, PROPERTY_TIMEOUT_MS, timed, withLongRun } from './fuzz.js';

const PARSER = 'Retry-After';
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The three HTTP-date forms of RFC 9110 §5.6.7, printed from a UTC date. */
const print = {
  imf: (d: Date): string => d.toUTCString(),
  rfc850: (d: Date): string =>
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`,
  asctime: (d: Date): string =>
    `${DAYS[d.getUTCDay()]?.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${pad(d.getUTCFullYear(), 4)}`,
};

const NOW = Date.UTC(2026, 4, 17, 12, 0, 0);
const YEAR_MS = 365.25 * 86_400_000;
/** Whole seconds in years 0 to 9999 (an HTTP-date has four year digits). */
const anyDate = fc.integer({ min: new Date(0).setUTCFullYear(0, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }).map((ms) => new Date(Math.floor(ms / 1000) * 1000));
/** RFC 850's two-digit year means the year within 50 years of now. */
const nearDate = fc.integer({ min: NOW - 49 * YEAR_MS, max: NOW + 49 * YEAR_MS }).map((ms) => new Date(Math.floor(ms / 1000) * 1000));

const validValue = fc.oneof(
  fc.record({ n: fc.oneof(fc.nat({ max: 3600 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), a: blank, b: blank }).map(({ n, a, b }) => `${a}${n}${b}`),
  anyDate.map(print.imf),
  nearDate.map(print.rfc850),
  anyDate.map(print.asctime),
);
const anyValue = fc.oneof(validValue, mutated(validValue), withLongRun(validValue, HEADER_TEXT_MAX), hostileTextUpTo(HEADER_TEXT_MAX));

/** Days that do not exist in their month, as an IMF-fixdate would write them. */
const impossibleDay = fc
  .record({ year: fc.integer({ min: 1000, max: 9999 }), month: fc.constantFrom(1, 3, 5, 8, 10), day: fc.constantFrom(30, 31), second: fc.constantFrom(0, 59, 60) })
  .filter(({ month, day }) => !(day === 30 && month !== 1))
  .map(({ year, month, day, second }) => `Mon, ${day} ${MONTHS[month]} ${year} 12:00:${pad(second)} GMT`);

describe('property: Retry-After (delay-seconds and the three HTTP-date forms)', () => {
  test(
    'delay-seconds read as themselves; an HTTP-date as the whole seconds from now (0 when past)',
    async () => {
      await checkProperty(PARSER, 'valid value → seconds', fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), anyDate, nearDate), (value) => {
        if (typeof value === 'number') {
          expect(timed('parseRetryAfter', () => parseRetryAfter(` ${value} `, NOW))).toBe(value);
          return;
        }
        const wait = Math.max(0, Math.ceil((value.getTime() - NOW) / 1000));
        expect(timed('parseRetryAfter', () => parseRetryAfter(print.imf(value), NOW))).toBe(wait);
        expect(timed('parseRetryAfter', () => parseRetryAfter(print.asctime(value), NOW))).toBe(wait);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: a date printed in each HTTP-date form parses back to the same instant',
    async () => {
      await checkProperty(PARSER, 'date → HTTP-date → date', fc.tuple(anyDate, nearDate), ([date, near]) => {
        expect(timed('parseHttpDate', () => parseHttpDate(print.imf(date), NOW))).toBe(date.getTime());
        expect(timed('parseHttpDate', () => parseHttpDate(print.asctime(date), NOW))).toBe(date.getTime());
        expect(timed('parseHttpDate', () => parseHttpDate(print.rfc850(near), NOW))).toBe(near.getTime());
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'a day that does not exist in its month is not a date',
    async () => {
      await checkProperty(PARSER, 'impossible day → null', impossibleDay, (text) => {
        expect(timed('parseHttpDate', () => parseHttpDate(text, NOW))).toBeNull();
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: a safe whole number of seconds >= 0, or null; never a throw; fast',
    async () => {
      await checkProperty(PARSER, 'any text → seconds or null', fc.tuple(anyValue, fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 8.64e15 }))), ([text, now]) => {
        const result = outcome('parseRetryAfter', [], () => parseRetryAfter(text, now));
        if (result.ok && result.value !== null) {
          expect(Number.isSafeInteger(result.value)).toBe(true);
          expect(result.value).toBeGreaterThanOrEqual(0);
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
