import { describe, expect, test } from '@jest/globals';
import { createRedactor, SENSITIVE_HEADERS } from '../../src/redact/redactor.js';

const TOKEN = 'tok_0123456789abcdef_ab12';

describe('createRedactor', () => {
  test('the sensitive headers are masked by name, case-insensitively', () => {
    expect([...SENSITIVE_HEADERS].sort()).toEqual(['authorization', 'cookie', 'proxy-authorization', 'set-cookie', 'x-api-key']);
    const r = createRedactor();
    expect(r.header('Authorization', `Bearer ${TOKEN}`)).toBe('Bearer ****ab12');
    expect(r.header('PROXY-AUTHORIZATION', 'Basic dXNlcjpwYXNzd29yZA==')).toBe('Basic ****');
    expect(r.header('cookie', 'a=1')).toBe('****');
    expect(r.header('Set-Cookie', 'session=secret-session-value; HttpOnly')).toBe('****Only');
    expect(r.header('X-API-Key', TOKEN)).toBe('****ab12');
    expect(r.header('Content-Type', 'application/json')).toBe('application/json');
  });

  test('extra header names (the configured api-key header) are masked too', () => {
    const r = createRedactor({ headers: ['X-Token'] });
    expect(r.header('x-token', TOKEN)).toBe('****ab12');
  });

  test('known secrets are scrubbed from free text, in raw, JSON-escaped and URL-encoded forms', () => {
    const odd = 'p@ss "word"/with+chars';
    const r = createRedactor({ secrets: [TOKEN, odd] });
    expect(r.text(`token ${TOKEN} and again ${TOKEN}`)).toBe('token ****ab12 and again ****ab12');
    expect(r.text(JSON.stringify({ v: odd }))).not.toContain('word');
    expect(r.text(`?q=${encodeURIComponent(odd)}`)).not.toContain('word');
  });

  test('secrets shorter than 3 characters are not scrubbed from text (they would mask ordinary words)', () => {
    const r = createRedactor({ secrets: ['ab'] });
    expect(r.text('abc lab')).toBe('abc lab');
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
    const r = createRedactor({ secrets: ['pw-Distinctive-Password', b64] });
    expect(r.text(`Authorization: Basic ${b64}`)).toBe('Authorization: Basic ****');
  });

  test('url(): the api-key query parameter and a URL password are masked', () => {
    const r = createRedactor({ queryParams: ['key'], secrets: [TOKEN] });
    expect(r.url(`http://h.test/x?key=${TOKEN}&page=2`)).toBe('http://h.test/x?key=****ab12&page=2');
    expect(r.url('http://bob:hunter2-secret@h.test/x')).toBe('http://bob:****@h.test/x');
    expect(r.text('the password was hunter2-secret')).toBe('the password was ****cret');
    expect(r.url('not a url')).toBe('not a url');
  });

  test('--show-secrets masks nothing', () => {
    const r = createRedactor({ show: true, secrets: [TOKEN], queryParams: ['key'] });
    expect(r.enabled).toBe(false);
    expect(r.header('Authorization', `Bearer ${TOKEN}`)).toBe(`Bearer ${TOKEN}`);
    expect(r.text(TOKEN)).toBe(TOKEN);
    expect(r.url(`http://h.test/?key=${TOKEN}`)).toBe(`http://h.test/?key=${TOKEN}`);
  });
});
