import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

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
