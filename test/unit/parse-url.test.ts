import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { appendQuery, hidePassword, normaliseUrl } from '../../src/cli/parse/url-argument.js';

describe('normaliseUrl', () => {
  test.each([
    ['localhost:3000/users', 'http://localhost:3000/users'],
    ['example.com', 'http://example.com/'],
    [':3000/x', 'http://localhost:3000/x'],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['[::1]:3000/x', 'http://[::1]:3000/x'],
    ['https://api.example.com/v1?q=1', 'https://api.example.com/v1?q=1'],
    ['HTTP://Example.COM/A', 'http://example.com/A'],
    ['  http://h.test/x  ', 'http://h.test/x'],
    ['user:pw@h.test/x', 'http://user:pw@h.test/x'],
    ['http://h.test/a b', 'http://h.test/a%20b'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  test.each([
    ['', /empty URL/],
    ['ftp://h.test/x', /unsupported scheme "ftp"/],
    ['file:///etc/passwd', /unsupported scheme "file"/],
    ['mailto:someone', /unsupported scheme "mailto"/],
    ['javascript:alert(1)', /unsupported scheme "javascript"/],
    ['http:/h.test/x', /malformed URL/],
    ['https:h.test', /malformed URL/],
    ['http://[oops/x', /malformed URL/],
    ['http://h.test:99999/', /malformed URL/],
    ['http://', /malformed URL/],
    ['h.test/\nx', /control characters/],
  ])('%j is a usage error (%s)', (input, message) => {
    let caught: unknown;
    try {
      normaliseUrl(input, '--url');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as UsageError).message).toMatch(/^--url: /);
    expect((caught as UsageError).message).toMatch(message);
  });

  test('messages never show a URL password', () => {
    expect(() => normaliseUrl('ftp://bob:hunter2@h.test/')).toThrow(/bob:\*\*\*\*@h\.test/);
    expect(() => normaliseUrl('ftp://bob:hunter2@h.test/')).not.toThrow(/hunter2/);
  });
});

describe('hidePassword', () => {
  test.each([
    ['http://bob:secret@h/x', 'http://bob:****@h/x'],
    ['bob:secret@h/x', 'bob:****@h/x'],
    ['http://bob@h/x', 'http://bob@h/x'],
    ['http://h/x?a=b:c@d', 'http://h/x?a=b:c@d'],
  ])('%j → %j', (input, expected) => {
    expect(hidePassword(input)).toBe(expected);
  });
});

describe('appendQuery', () => {
  test('appends URL-encoded pairs after the existing query, repeats allowed', () => {
    expect(appendQuery('http://h.test/x?z=0', ['a=b c', 'sym=&?=/', 'a=2', 'empty='])).toBe('http://h.test/x?z=0&a=b+c&sym=%26%3F%3D%2F&a=2&empty=');
  });
  test('no pairs: the URL unchanged', () => {
    expect(appendQuery('http://h.test/x?b=1&a=2', [])).toBe('http://h.test/x?b=1&a=2');
  });
  test.each(['novalue', '=x'])('%j is a usage error', (pair) => {
    expect(() => appendQuery('http://h.test/', [pair])).toThrow(/-q\/--query: expected name=value/);
  });
});
