import { describe, expect, test } from '@jest/globals';
import { parseHttpDate, parseRetryAfter } from '../../src/retry/retry-after.js';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

describe('parseRetryAfter', () => {
  test.each([
    ['120', 120],
    ['0', 0],
    [' 5 ', 5],
    ['Sun, 06 Nov 1994 08:49:37 GMT', 37], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT', 37], // obsolete RFC 850
    ['Sun Nov  6 08:49:37 1994', 37], // obsolete asctime, read as UTC
    ['sun, 06 nov 1994 08:49:37 gmt', 37],
    ['Sun, 06 Nov 1994 08:49:00 GMT', 0],
    ['Sun, 06 Nov 1994 08:48:00 GMT', 0], // past -> 0
    ['Sun, 06 Nov 1994 08:49:00 GMT ', 0],
    ['Mon, 07 Nov 1994 08:49:00 GMT', 86_400],
  ])('%j -> %j', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  test('rounds a partial second up', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW + 500)).toBe(37);
  });

  test.each([undefined, '', '  ', '-5', '1.5', 'soon', '5s', '1e3', 'Sun, 06 Nov 1994 08:49:37', 'Sun, 31 Feb 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', '2024-01-01T00:00:00Z'])(
    'rejects %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeNull();
    },
  );
});

describe('parseHttpDate: RFC 850 two-digit years', () => {
  test.each([
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2026, 0, 1), 1994],
    ['Thursday, 01-Jan-26 00:00:00 GMT', Date.UTC(2026, 0, 1), 2026],
    ['Friday, 01-Jan-76 00:00:00 GMT', Date.UTC(2026, 0, 1), 2076],
    ['Saturday, 01-Jan-77 00:00:00 GMT', Date.UTC(2026, 0, 1), 1977],
  ])('%j seen in 2026 is year %j', (text, now, year) => {
    const ms = parseHttpDate(text, now);
    expect(ms).not.toBeNull();
    expect(new Date(ms ?? 0).getUTCFullYear()).toBe(year);
  });
});

// Found by the property tests (test/property/retry-after.property.test.ts).
describe('parseHttpDate: what the property tests found', () => {
  const now = Date.UTC(2026, 0, 1);

  test('four-digit years below 100 are those years (Date.UTC read 0099 as 1999)', () => {
    expect(parseHttpDate('Thu, 31 Dec 0099 23:59:59 GMT', now)).toBe(new Date(0).setUTCFullYear(99, 11, 31) + 86_399_000);
    expect(new Date(parseHttpDate('Sat, 01 Jan 0000 00:00:00 GMT', now) ?? 0).getUTCFullYear()).toBe(0);
    expect(new Date(parseHttpDate('Fri Jan  1 00:00:00 0050', now) ?? 0).getUTCFullYear()).toBe(50);
  });

  test('a day that does not exist is refused with a leap second too (30 Feb 12:00:60 was read as 2 March)', () => {
    expect(parseHttpDate('Mon, 30 Feb 1000 12:00:60 GMT', now)).toBeNull();
    expect(parseHttpDate('Mon, 31 Apr 2024 23:59:60 GMT', now)).toBeNull();
  });

  test('a leap second still rolls into the next minute', () => {
    expect(parseHttpDate('Tue, 31 Dec 2024 23:59:60 GMT', now)).toBe(Date.UTC(2025, 0, 1));
  });
});
