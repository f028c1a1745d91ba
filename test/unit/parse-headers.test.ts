import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { hasHeader, parseHeaderFlags, parseHeadersJson } from '../../src/cli/parse/header-flags.js';

describe('parseHeaderFlags (-H)', () => {
  test('Name: value pairs, trimmed, in order, naming their flag; the value may contain colons', () => {
    expect(parseHeaderFlags(['Accept: application/json', 'X-Time:  12:30:00 ', 'X-Empty:'], '-H/--header')).toEqual([
      ['Accept', 'application/json', '-H/--header'],
      ['X-Time', '12:30:00', '-H/--header'],
      ['X-Empty', '', '-H/--header'],
    ]);
  });

  test.each(['Accept application/json', ': value'])('%j (no "Name:") is a usage error naming -H', (flag) => {
    expect(() => parseHeaderFlags([flag], '-H/--header')).toThrow(UsageError);
    expect(() => parseHeaderFlags([flag], '-H/--header')).toThrow(/^-H\/--header: expected "Name: value"/);
  });

  test('a flag without colon is echoed only up to its first space and 20 characters; a credential name is masked after it', () => {
    expect(() => parseHeaderFlags(['Authorization Bearer sk_live_123'], '-H/--header')).toThrow('got "Authorization****"');
    expect(() => parseHeaderFlags(['Authorization Bearer sk_live_123'], '-H/--header')).not.toThrow(/sk_live_123/);
    expect(() => parseHeaderFlags(['AuthorizationSECRETVALUE'], '-H/--header')).toThrow('got "Authorization****"');
    expect(() => parseHeaderFlags(['X-TokenSECRETVALUE'], '-H/--header')).toThrow('got "X-Token****"');
    expect(() => parseHeaderFlags(['Accept application/json'], '-H/--header')).toThrow('got "Accept …"');
    expect(() => parseHeaderFlags(['Accept-application/json-and-more'], '-H/--header')).toThrow('got "Accept-application/j …"');
    expect(() => parseHeaderFlags(['Accept'], '-H/--header')).toThrow('got "Accept"');
  });
});

describe('parseHeadersJson (--headers)', () => {
  test('a JSON object of strings', () => {
    expect(parseHeadersJson('{"Accept": "text/html", "X-A": ""}')).toEqual([
      ['Accept', 'text/html', '--headers'],
      ['X-A', '', '--headers'],
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
  ])('%j is a usage error naming --headers', (text, message) => {
    expect(() => parseHeadersJson(text)).toThrow(/^--headers: /);
    expect(() => parseHeadersJson(text)).toThrow(message);
  });
});

test('hasHeader is case-insensitive', () => {
  expect(hasHeader([['content-type', 'x']], 'Content-Type')).toBe(true);
  expect(hasHeader([['Accept', 'x']], 'content-type')).toBe(false);
});
