import { describe, expect, test } from '@jest/globals';
import { applyAuth, authHeaderNames, authSecrets } from '../../src/auth/apply-auth.js';
import { Secret } from '../../src/redact/secret.js';
import { NO_AUTH, type AuthSpec } from '../../src/model/request-spec.js';

const url = 'http://api.test/items?page=1';
const bearer = (token: string): AuthSpec => ({ authorization: { kind: 'bearer', token: new Secret(token) }, apiKey: null });
const apiKey = (key: string, header: string, query: string | null): AuthSpec => ({ authorization: null, apiKey: { key: new Secret(key), header, query } });

describe('applyAuth', () => {
  test('none: nothing added', () => {
    expect(applyAuth(NO_AUTH, url, [['Accept', '*/*']])).toEqual({ url, headers: [['Accept', '*/*']] });
  });

  test('bearer: Authorization: Bearer <token>', () => {
    const applied = applyAuth(bearer('t0k'), url, [['Accept', '*/*']]);
    expect(applied.headers).toEqual([['Accept', '*/*'], ['Authorization', 'Bearer t0k']]);
    expect(applied.url).toBe(url);
  });

  test('basic: base64 of user:password (the password may contain colons)', () => {
    const applied = applyAuth({ authorization: { kind: 'basic', user: 'bob', password: new Secret('a:b') }, apiKey: null }, url, []);
    expect(applied.headers).toEqual([['Authorization', `Basic ${Buffer.from('bob:a:b').toString('base64')}`]]);
  });

  test('api-key in a header (default X-API-Key, or the configured one)', () => {
    expect(applyAuth(apiKey('k1', 'X-API-Key', null), url, []).headers).toEqual([['X-API-Key', 'k1']]);
    expect(applyAuth(apiKey('k1', 'X-Token', null), url, []).headers).toEqual([['X-Token', 'k1']]);
  });

  test('api-key in the query: URL-encoded, replacing a parameter of that name, no header', () => {
    const applied = applyAuth(apiKey('a b&c', 'X-API-Key', 'key'), `${url}&key=old`, []);
    expect(new URL(applied.url).searchParams.getAll('key')).toEqual(['a b&c']);
    expect(new URL(applied.url).searchParams.get('page')).toBe('1');
    expect(applied.headers).toEqual([]);
  });

  test('an API key and a bearer token are sent together', () => {
    const both: AuthSpec = { authorization: { kind: 'bearer', token: new Secret('tok') }, apiKey: { key: new Secret('k1'), header: 'X-API-Key', query: null } };
    expect(applyAuth(both, url, []).headers).toEqual([['Authorization', 'Bearer tok'], ['X-API-Key', 'k1']]);
  });
});

describe('authSecrets and authHeaderNames', () => {
  const b64 = Buffer.from('u:pw').toString('base64');
  const cases: Array<[string, AuthSpec, Array<{ value: string; keepTail: boolean }>, string[]]> = [
    ['none', NO_AUTH, [], []],
    ['bearer', bearer('tok'), [{ value: 'tok', keepTail: true }], ['authorization']],
    ['basic', { authorization: { kind: 'basic', user: 'u', password: new Secret('pw') }, apiKey: null }, [{ value: 'pw', keepTail: true }, { value: b64, keepTail: false }], ['authorization']],
    ['api-key header', apiKey('k', 'X-Token', null), [{ value: 'k', keepTail: true }], ['x-token']],
    ['api-key query', apiKey('k', 'X-API-Key', 'key'), [{ value: 'k', keepTail: true }], []],
  ];
  test.each(cases)('%s', (_name, auth, secrets, headers) => {
    expect(authSecrets(auth)).toEqual(secrets);
    expect(authHeaderNames(auth)).toEqual(headers);
  });
});
