import { describe, expect, test } from '@jest/globals';
import { maskHeaderValue, maskValue } from '../../src/redact/mask.js';
import { Secret } from '../../src/redact/secret.js';
import { inspect } from 'node:util';

describe('maskValue', () => {
  test.each([
    ['', '****'],
    ['abc', '****'],
    ['elevenchars', '****'],
    ['twelve-chars', '****hars'],
    ['tok_0123456789abcdef_ab12', '****ab12'],
  ])('%j → %j (12 characters and more keep their last four)', (value, masked) => {
    expect(maskValue(value)).toBe(masked);
  });
});

describe('maskHeaderValue', () => {
  test.each([
    ['Bearer tok_0123456789abcdef_ab12', 'Bearer ****ab12'],
    ['bearer short', 'bearer ****'],
    ['Token abcdefghijklmnop', 'Token ****mnop'],
    ['Basic Ym9iOnB3LURpc3RpbmN0aXZl', 'Basic ****'],
    ['basic Ym9iOnB3', 'basic ****'],
    ['session=abcdefghijklmnop; Path=/', '****th=/'],
    ['sk_live_abcdefghijklmnop', '****mnop'],
    ['Unknown-scheme abcdefghijklmnop', '****mnop'],
  ])('%j → %j', (value, masked) => {
    expect(maskHeaderValue(value)).toBe(masked);
  });
});

describe('Secret', () => {
  const secret = new Secret('tok_0123456789abcdef_ab12');
  test('reveal() gives the value; every other way of printing it gives the mask', () => {
    expect(secret.reveal()).toBe('tok_0123456789abcdef_ab12');
    expect(String(secret)).toBe('****ab12');
    expect(`${secret}`).toBe('****ab12');
    expect(JSON.stringify({ secret })).toBe('{"secret":"****ab12"}');
    expect(inspect({ secret })).not.toContain('0123456789');
  });
});
