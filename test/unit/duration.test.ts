import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration, parseExactDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  test.each([
    ['250ms', 250],
    ['5s', 5000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['5', 5000],
    ['0.25', 250],
    ['300.4', 300_400],
    ['0', 0],
    ['0s', 0],
    ['.5s', 500],
    [' 5S ', 5000],
    ['2m 5s', 125_000],
    ['1m30s', 90_000],
    ['1h 2m 3s', 3_723_000],
    ['10sec', 10_000],
    ['2min', 120_000],
    ['1hr', 3_600_000],
  ])('%j -> %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', '   ', '-5s', '-300', 'abc', '5x', '5 s s', '1e3', 's', '5s garbage', '1m 30', '1..5s', 'NaN', 'Infinity', '5d'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  test('long digit runs do not blow up the regex', () => {
    const started = Date.now();
    expect(parseDuration(`${'1'.repeat(5000)}!`)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('parseExactDuration (thresholds: fractions of a millisecond kept)', () => {
  test.each([
    ['2.5ms', 2.5],
    ['0.4ms', 0.4],
    ['0.0004s', 0.4],
    ['0.0001ms', 0.0001],
    ['1m', 60_000],
    ['50 ms', 50],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1m30.25s', 90_250],
    ['2 m 5 s', 125_000],
    ['0.1s 0.2ms', 100.2],
    ['1.0005s', 1000.5],
    ['1.5H', 5_400_000],
    ['0', 0],
  ])('%j -> %j', (text, ms) => {
    expect(parseExactDuration(text)).toBe(ms);
  });

  test('a bare number is seconds, as parseDuration, unless the caller says milliseconds', () => {
    expect(parseExactDuration('2.5')).toBe(2500);
    expect(parseExactDuration('2.5', 'ms')).toBe(2.5);
    expect(parseExactDuration('0.0004', 's')).toBe(0.4);
  });

  test('the nearest double to the exact decimal value, not a product of floats', () => {
    // In floating point, 0.00003 * 1000 is 0.030000000000000002 and 0.00026 * 1000 is 0.25999999999999995.
    expect(parseExactDuration('0.00003s')).toBe(0.03);
    expect(parseExactDuration('0.00026s')).toBe(0.26);
    expect(parseExactDuration('0.1ms 0.2ms')).toBe(0.3);
  });

  test.each(['', '   ', '-5s', '-0.5ms', 'abc', '5x', '1e3', '1e-3s', 's', '5s garbage', '1m 30', '1..5s', 'NaN', 'Infinity', '5d', '250us', '1constructor', '2toString', '1s 1__proto__'])('rejects %j', (text) => {
    expect(parseExactDuration(text)).toBeUndefined();
    expect(parseExactDuration(text, 'ms')).toBeUndefined();
  });

  test('a value too large for a finite number is undefined; long digit runs stay fast', () => {
    expect(parseExactDuration(`${'9'.repeat(400)}h`)).toBeUndefined();
    const started = Date.now();
    expect(parseExactDuration(`${'1'.repeat(5000)}!`)).toBeUndefined();
    expect(parseExactDuration(`0.${'1'.repeat(5000)}s`)).toBeCloseTo(111.111, 3);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('parseDuration still rounds to whole milliseconds (timers): the two agree after rounding', () => {
    expect(parseDuration('2.5ms')).toBe(3);
    expect(parseDuration('0.4ms')).toBe(0);
    for (const text of ['250ms', '1.5s', '1m30s', '0.25', '2 m 5 s']) expect(parseDuration(text)).toBe(Math.round(parseExactDuration(text) as number));
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0 ms'],
    [2.5, '2.5 ms'],
    [0.844, '0.84 ms'],
    [9.99, '9.99 ms'],
    [12.34, '12.3 ms'],
    [250, '250 ms'],
    [999, '999 ms'],
    [1000, '1 s'],
    [1049, '1.05 s'],
    [12_345, '12.3 s'],
    [59_999, '1 m'],
    [125_000, '2 m 5 s'],
    [3_600_000, '1 h'],
    [3_723_000, '1 h 2 m'],
    [-1500, '-1.5 s'],
    [30_000, '30 s'],
  ])('%j -> %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each([250, 1500, 125_000, 3_720_000])('round-trips %j through parseDuration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
