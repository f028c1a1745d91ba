import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { hasHeader, parseHeaderFlags, parseHeadersJson } from '../../src/cli/parse/header-flags.js';

describe('parseHeaderFlags (-H)', () => {
  test('Name: value pairs, trimmed, in order; the value may contain colons', () => {
    expect(parseHeaderFlags(['Accept: application/json', 'X-Time:  12:30:00 ', 'X-Empty:'])).toEqual([
      ['Accept', 'application/json'],
      ['X-Time', '12:30:00'],
      ['X-Empty', ''],
    ]);
  });

  test.each([
    ['Accept application/json', /expected "Name: value"/],
    [': value', /expected "Name: value"/],
    ['X A: 1', /invalid header name "X A"/],
    ['X-(: 1', /invalid header name/],
    ['X-A: 1\r\nX-B: 2', /CR, LF or NUL/],
    ['X-A: 1\nX-B: 2', /CR, LF or NUL/],
    ['X-A: a\u0000b', /CR, LF or NUL/],
  ])('%j is a usage error naming -H', (flag, message) => {
    expect(() => parseHeaderFlags([flag])).toThrow(UsageError);
    expect(() => parseHeaderFlags([flag])).toThrow(/^-H\/--header: /);
    expect(() => parseHeaderFlags([flag])).toThrow(message);
  });

  test('a flag without colon is echoed only up to its first space (the rest may be a credential)', () => {
    expect(() => parseHeaderFlags(['Authorization Bearer sk_live_123'])).toThrow('got "Authorization …"');
    expect(() => parseHeaderFlags(['Authorization Bearer sk_live_123'])).not.toThrow(/sk_live_123/);
  });
});

describe('parseHeadersJson (--headers)', () => {
  test('a JSON object of strings', () => {
    expect(parseHeadersJson('{"Accept": "text/html", "X-A": ""}')).toEqual([
      ['Accept', 'text/html'],
      ['X-A', ''],
    ]);
  });

  test.each([
    ['{nope', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['"text"', /expected a JSON object/],
    ['{"X-A": 1}', /the value of "X-A" must be a string, got number/],
    ['{"X-A": null}', /got null/],
    ['{"X-A": ["a"]}', /got object/],
    ['{"bad name": "x"}', /invalid header name/],
    ['{"X-A": "a\\r\\nb"}', /CR, LF or NUL/],
  ])('%j is a usage error naming --headers', (text, message) => {
    expect(() => parseHeadersJson(text)).toThrow(/^--headers: /);
    expect(() => parseHeadersJson(text)).toThrow(message);
  });
});

test('hasHeader is case-insensitive', () => {
  expect(hasHeader([['content-type', 'x']], 'Content-Type')).toBe(true);
  expect(hasHeader([['Accept', 'x']], 'content-type')).toBe(false);
});
