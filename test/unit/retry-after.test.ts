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
