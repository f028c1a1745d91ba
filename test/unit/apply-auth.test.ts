import { describe, expect, test } from '@jest/globals';
import { applyAuth, authHeaderNames, authSecrets } from '../../src/auth/apply-auth.js';
import { Secret } from '../../src/redact/secret.js';
import type { AuthSpec } from '../../src/model/request-spec.js';

const url = 'http://api.test/items?page=1';

describe('applyAuth', () => {
  test('none: nothing added', () => {
    expect(applyAuth({ kind: 'none' }, url, [['Accept', '*/*']])).toEqual({ url, headers: [['Accept', '*/*']] });
  });

  test('bearer: Authorization: Bearer <token>, replacing one given with -H (any case)', () => {
    const applied = applyAuth({ kind: 'bearer', token: new Secret('t0k') }, url, [['authorization', 'old'], ['Accept', '*/*']]);
    expect(applied.headers).toEqual([['Accept', '*/*'], ['Authorization', 'Bearer t0k']]);
    expect(applied.url).toBe(url);
  });

  test('basic: base64 of user:password (the password may contain colons)', () => {
    const applied = applyAuth({ kind: 'basic', user: 'bob', password: new Secret('a:b') }, url, []);
    expect(applied.headers).toEqual([['Authorization', `Basic ${Buffer.from('bob:a:b').toString('base64')}`]]);
  });

  test('api-key in a header (default X-API-Key, or the configured one)', () => {
    expect(applyAuth({ kind: 'api-key', key: new Secret('k1'), header: 'X-API-Key', query: null }, url, []).headers).toEqual([['X-API-Key', 'k1']]);
    expect(applyAuth({ kind: 'api-key', key: new Secret('k1'), header: 'X-Token', query: null }, url, []).headers).toEqual([['X-Token', 'k1']]);
  });

  test('api-key in the query: URL-encoded, replacing a parameter of that name, no header', () => {
    const applied = applyAuth({ kind: 'api-key', key: new Secret('a b&c'), header: 'X-API-Key', query: 'key' }, `${url}&key=old`, []);
    expect(new URL(applied.url).searchParams.getAll('key')).toEqual(['a b&c']);
    expect(new URL(applied.url).searchParams.get('page')).toBe('1');
    expect(applied.headers).toEqual([]);
  });
});

describe('authSecrets and authHeaderNames', () => {
  const cases: Array<[string, AuthSpec, string[], string[]]> = [
    ['none', { kind: 'none' }, [], []],
    ['bearer', { kind: 'bearer', token: new Secret('tok') }, ['tok'], ['authorization']],
    ['basic', { kind: 'basic', user: 'u', password: new Secret('pw') }, ['pw', Buffer.from('u:pw').toString('base64')], ['authorization']],
    ['api-key header', { kind: 'api-key', key: new Secret('k'), header: 'X-Token', query: null }, ['k'], ['x-token']],
    ['api-key query', { kind: 'api-key', key: new Secret('k'), header: 'X-API-Key', query: 'key' }, ['k'], []],
  ];
  test.each(cases)('%s', (_name, auth, secrets, headers) => {
    expect(authSecrets(auth)).toEqual(secrets);
    expect(authHeaderNames(auth)).toEqual(headers);
  });
});
