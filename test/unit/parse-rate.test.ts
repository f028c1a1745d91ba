import { describe, expect, test } from '@jest/globals';
import { parseRate } from '../../src/ratelimit/parse-rate.js';

describe('parseRate', () => {
  test.each([
    ['10/s', { count: 10, perMs: 1000 }],
    ['600/m', { count: 600, perMs: 60_000 }],
    ['3600/h', { count: 3600, perMs: 3_600_000 }],
    ['2.5/s', { count: 2.5, perMs: 1000 }],
    [' 5 / sec ', { count: 5, perMs: 1000 }],
    ['100/15m', { count: 100, perMs: 900_000 }],
    ['5/500ms', { count: 5, perMs: 500 }],
    ['1/2s', { count: 1, perMs: 2000 }],
    ['10/60', { count: 10, perMs: 60_000 }],
  ])('%j -> %j', (text, rate) => {
    expect(parseRate(text)).toEqual(rate);
  });

  test.each(['', '10', '/s', '0/s', '-1/s', '10/', '10/0s', '10/0', 'ten/s', '10/x', '10/s/s', '10 per s', '1e3/s'])('rejects %j', (text) => {
    expect(parseRate(text)).toBeUndefined();
  });

  test.each([' 10 / s ', '10/\ts', '10/s\n'])('blank space around the parts is ignored: %j', (text) => {
    expect(parseRate(text)).toEqual({ count: 10, perMs: 1000 });
  });

  test.each(['10/1s\n2s', '10/1s\r2s', '10/1s\u20282s', '10/ \n '])('a line break inside the period is refused: %j', (text) => {
    expect(parseRate(text)).toBeUndefined();
  });

  // Found by the property tests (test/property/rates.property.test.ts): the lazy `\s*(.+?)\s*$` over the period
  // backtracked polynomially: 2,000 blanks before `a\nb` took 5 s (cubic), 100,000 blanks before a stray character
  // took seconds.
  test('long runs of blanks in the period are refused at once', () => {
    const started = performance.now();
    expect(parseRate(`1/${' '.repeat(2_000)}a\nb`)).toBeUndefined(); // cubic before: 5 s for 2,000
    expect(parseRate(`1/a${' '.repeat(100_000)}b`)).toBeUndefined();
    expect(parseRate(`\t10  /9 o${' '.repeat(100_000)}9   `)).toBeUndefined();
    expect(parseRate(`10/${' '.repeat(100_000)}s${' '.repeat(100_000)}`)).toEqual({ count: 10, perMs: 1000 });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
