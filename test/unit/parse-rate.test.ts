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
});
