import { describe, expect, test } from '@jest/globals';
import { createRedactor, MIN_SCRUB_LENGTH, SENSITIVE_HEADERS } from '../../src/redact/redactor.js';

const TOKEN = 'tok_0123456789abcdef_ab12';

describe('createRedactor: structural masking', () => {
  test('the sensitive headers are masked by name, case-insensitively, whatever their length', () => {
    expect([...SENSITIVE_HEADERS].sort()).toEqual(['authorization', 'cookie', 'proxy-authorization', 'set-cookie', 'x-api-key']);
    const r = createRedactor();
    expect(r.header('Authorization', `Bearer ${TOKEN}`)).toBe('Bearer ****ab12');
    expect(r.header('Authorization', 'Bearer abc')).toBe('Bearer ****');
    expect(r.header('PROXY-AUTHORIZATION', 'Basic dXNlcjpwYXNzd29yZA==')).toBe('Basic ****');
    expect(r.header('X-API-Key', TOKEN)).toBe('****ab12');
    expect(r.header('Content-Type', 'application/json')).toBe('application/json');
  });

  test('cookies: names and attributes kept, values masked', () => {
    const r = createRedactor();
    expect(r.header('cookie', 'a=1; session=abcdefghijklmnop')).toBe('a=****; session=****mnop');
    expect(r.header('Set-Cookie', 'session=secret-session-value; Path=/; HttpOnly')).toBe('session=****alue; Path=/; HttpOnly');
  });

  test('extra header names (the configured api-key header) are masked too', () => {
    expect(createRedactor({ headers: ['X-Token'] }).header('x-token', TOKEN)).toBe('****ab12');
  });

  test('url(): the api-key query parameter and a URL password are masked, whatever their length', () => {
    const r = createRedactor({ queryParams: ['key'] });
    expect(r.url(`http://h.test/x?key=${TOKEN}&page=2`)).toBe('http://h.test/x?key=****ab12&page=2');
    expect(r.url('http://h.test/x?key=abc')).toBe('http://h.test/x?key=****');
    expect(r.url('http://bob:hunter2-secret@h.test/x')).toBe('http://bob:****@h.test/x');
    expect(r.url('http://bob:pw@h.test/x')).toBe('http://bob:****@h.test/x');
    expect(r.text('the password was hunter2-secret')).toBe('the password was ****cret');
    expect(r.url('not a url')).toBe('not a url');
  });
});

describe('createRedactor: secrets in free text, as whole tokens', () => {
  test('known secrets are scrubbed in raw, base64, JSON-escaped and URL-encoded forms', () => {
    const odd = 'p@ss "word"/with+chars';
    const r = createRedactor({ secrets: [TOKEN, odd] });
    expect(r.text(`token ${TOKEN} and again ${TOKEN}`)).toBe('token ****ab12 and again ****ab12');
    expect(r.text(`b64 ${Buffer.from(TOKEN).toString('base64')}`)).toBe('b64 ****ab12');
    expect(r.text(JSON.stringify({ v: odd }))).not.toContain('word');
    expect(r.text(`?q=${encodeURIComponent(odd)}`)).not.toContain('word');
  });

  test('only whole tokens: a secret inside a longer word is left alone', () => {
    const r = createRedactor({ secrets: ['abcdef'] });
    expect(r.text('{"x":"abcdef"}')).toBe('{"x":"****"}');
    expect(r.text('{"x":"abcdefg"}')).toBe('{"x":"abcdefg"}');
    expect(r.text('xabcdef abcdef.com my-abcdef abcdef_1')).toBe('xabcdef abcdef.com my-abcdef abcdef_1');
    expect(r.text('(abcdef) /abcdef/ "abcdef"')).toBe('(****) /****/ "****"');
  });

  test(`secrets shorter than ${MIN_SCRUB_LENGTH} characters are masked only in structured places, never searched for in text`, () => {
    const r = createRedactor({ secrets: ['abc', 'test'] });
    expect(r.text('/anything/latest abc test')).toBe('/anything/latest abc test');
    expect(r.scrubs()).toBe(false);
  });

  test('a credential seen in a header is scrubbed from later text (an echoed -H Authorization)', () => {
    const r = createRedactor();
    expect(r.text(`"authorization":"Bearer ${TOKEN}"`)).toContain(TOKEN);
    r.header('Authorization', `Bearer ${TOKEN}`);
    expect(r.text(`"authorization":"Bearer ${TOKEN}"`)).toBe('"authorization":"Bearer ****ab12"');
    expect(r.text(`just ${TOKEN}`)).toBe('just ****ab12');
  });

  test('cookie values seen in a header are scrubbed from later text', () => {
    const r = createRedactor();
    r.header('Cookie', 'session=abcdefghijkl; theme=dark-mode');
    expect(r.text('it was abcdefghijkl')).toBe('it was ****ijkl');
    expect(r.text('dark-mode')).toBe('****');
  });

  test('basic credentials in text never keep a tail', () => {
    const b64 = Buffer.from('bob:pw-Distinctive-Password').toString('base64');
    const r = createRedactor({ secrets: ['pw-Distinctive-Password', { value: b64, keepTail: false }] });
    expect(r.text(`Authorization: Basic ${b64}`)).toBe('Authorization: Basic ****');
  });
});

test('--show-secrets masks nothing', () => {
  const r = createRedactor({ show: true, secrets: [TOKEN], queryParams: ['key'] });
  expect(r.enabled).toBe(false);
  expect(r.header('Authorization', `Bearer ${TOKEN}`)).toBe(`Bearer ${TOKEN}`);
  expect(r.text(TOKEN)).toBe(TOKEN);
  expect(r.url(`http://h.test/?key=${TOKEN}`)).toBe(`http://h.test/?key=${TOKEN}`);
});
