/** The pure OAuth2 pieces: expiry skew and the use/refresh/fetch decision, the cache key, the token request and the reading of its answer. */
import { describe, expect, test } from '@jest/globals';
import { tokenCacheKey } from '../../src/auth/oauth2/token-cache-key.js';
import { readTokenAnswer, tokenRequest, type TokenAnswer } from '../../src/auth/oauth2/token-request.js';
import { decideToken, expirySkewMs, usableUntil, type CachedToken } from '../../src/auth/oauth2/token-state.js';
import type { OAuth2Spec } from '../../src/model/oauth2-spec.js';
import { Secret } from '../../src/redact/secret.js';

const T0 = 1_700_000_000_000;

function token(overrides: Partial<CachedToken> = {}): CachedToken {
  return { accessToken: 'at-1', tokenType: 'Bearer', refreshToken: null, scope: null, obtainedAt: T0, expiresAt: T0 + 3_600_000, ...overrides };
}

function spec(overrides: Partial<OAuth2Spec> = {}): OAuth2Spec {
  return { tokenUrl: 'https://auth.test/oauth/token', clientId: 'my app', clientSecret: new Secret('s3cr:t+/='), scope: null, audience: null, authMethod: 'basic', refreshToken: null, ...overrides };
}

describe('expiry skew: min(60 s, 10% of the lifetime)', () => {
  test.each([
    [3_600_000, 60_000],
    [600_000, 60_000],
    [300_000, 30_000],
    [10_000, 1_000],
    [1_000, 100],
    [0, 0],
    [-5, 0],
  ])('a lifetime of %i ms is renewed %i ms early', (lifetime, skew) => {
    expect(expirySkewMs(lifetime)).toBe(skew);
  });

  test('usableUntil is expiry minus the skew; no expiry: null', () => {
    expect(usableUntil(token())).toBe(T0 + 3_600_000 - 60_000);
    expect(usableUntil(token({ expiresAt: T0 + 10_000 }))).toBe(T0 + 9_000);
    expect(usableUntil(token({ expiresAt: null }))).toBeNull();
  });
});

describe('decideToken', () => {
  test.each<[string, CachedToken | null, number, string]>([
    ['no token', null, T0, 'fetch'],
    ['fresh', token(), T0 + 1000, 'use'],
    ['one ms before expiry minus skew', token(), T0 + 3_540_000 - 1, 'use'],
    ['at expiry minus skew, no refresh token', token(), T0 + 3_540_000, 'fetch'],
    ['at expiry minus skew, with a refresh token', token({ refreshToken: 'rt-1' }), T0 + 3_540_000, 'refresh'],
    ['long expired, with a refresh token', token({ refreshToken: 'rt-1' }), T0 + 99_999_999, 'refresh'],
    ['no expires_in: used', token({ expiresAt: null }), T0 + 99_999_999, 'use'],
    ['obtained "in the future" (clock set back)', token(), T0 - 1, 'fetch'],
  ])('%s → %s', (_name, cached, now, action) => {
    expect(decideToken(cached, now).action).toBe(action);
  });

  test('refresh carries the refresh token; fetch says why', () => {
    expect(decideToken(token({ refreshToken: 'rt-9' }), T0 + 4_000_000)).toEqual({ action: 'refresh', refreshToken: 'rt-9' });
    expect(decideToken(token(), T0 + 4_000_000)).toEqual({ action: 'fetch', reason: 'expired' });
    expect(decideToken(null, T0)).toEqual({ action: 'fetch', reason: 'none' });
  });
});

describe('tokenCacheKey', () => {
  test('a SHA-256 hex name that never contains the secret, and does not change with it', () => {
    const key = tokenCacheKey(spec());
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenCacheKey(spec({ clientSecret: new Secret('another') }))).toBe(key);
  });

  test('differs by token URL, client id, auth method, scope, audience and the given refresh token', () => {
    const base = tokenCacheKey(spec());
    const variants = [
      spec({ tokenUrl: 'https://auth.test/other' }),
      spec({ clientId: 'other' }),
      spec({ authMethod: 'post' }),
      spec({ scope: 'read' }),
      spec({ audience: 'api' }),
      spec({ refreshToken: new Secret('rt-a') }),
    ];
    const keys = variants.map(tokenCacheKey);
    expect(new Set([base, ...keys]).size).toBe(variants.length + 1);
    expect(tokenCacheKey(spec({ refreshToken: new Secret('rt-b') }))).not.toBe(tokenCacheKey(spec({ refreshToken: new Secret('rt-a') })));
  });

  test('fields cannot run into each other', () => {
    expect(tokenCacheKey(spec({ scope: 'ab', audience: 'c' }))).not.toBe(tokenCacheKey(spec({ scope: 'a', audience: 'bc' })));
  });
});

describe('tokenRequest', () => {
  const text = (body: Uint8Array): string => Buffer.from(body).toString('utf8');

  test('basic: form-encoded id and secret in HTTP Basic (RFC 6749 §2.3.1), the grant in the body', () => {
    const request = tokenRequest(spec({ scope: 'read write', audience: 'https://api' }), { kind: 'client_credentials' });
    const auth = request.headers.find(([n]) => n === 'Authorization')?.[1] ?? '';
    expect(Buffer.from(auth.replace('Basic ', ''), 'base64').toString('utf8')).toBe('my+app:s3cr%3At%2B%2F%3D');
    expect(new URLSearchParams(text(request.body))).toEqual(new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', audience: 'https://api' }));
    expect(request.headers).toContainEqual(['Content-Type', 'application/x-www-form-urlencoded']);
  });

  test('post: client_id and client_secret in the body, no Authorization', () => {
    const request = tokenRequest(spec({ authMethod: 'post' }), { kind: 'refresh_token', refreshToken: 'rt x' });
    expect(request.headers.some(([n]) => n === 'Authorization')).toBe(false);
    expect(Object.fromEntries(new URLSearchParams(text(request.body)))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt x', client_id: 'my app', client_secret: 's3cr:t+/=' });
  });

  test('a public client (no secret) sends its client_id in the body', () => {
    const request = tokenRequest(spec({ clientSecret: null, refreshToken: new Secret('rt') }), { kind: 'refresh_token', refreshToken: 'rt' });
    expect(request.headers.some(([n]) => n === 'Authorization')).toBe(false);
    expect(new URLSearchParams(text(request.body)).get('client_id')).toBe('my app');
  });
});

describe('readTokenAnswer', () => {
  const answer = (status: number, body: unknown, more: Partial<TokenAnswer> = {}): TokenAnswer => ({
    status,
    statusText: status === 200 ? 'OK' : status === 401 ? 'Unauthorized' : 'Bad Request',
    contentType: 'application/json',
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    location: null,
    ...more,
  });
  const read = (a: TokenAnswer, previous: string | null = null) => readTokenAnswer(a, 'https://auth.test/token', { kind: 'client_credentials' }, T0, previous);

  test('a token with its expiry, scope and refresh token', () => {
    expect(read(answer(200, { access_token: 'at', token_type: 'bearer', expires_in: 60, scope: 'read', refresh_token: 'rt' }))).toEqual({
      ok: true,
      token: { accessToken: 'at', tokenType: 'bearer', refreshToken: 'rt', scope: 'read', obtainedAt: T0, expiresAt: T0 + 60_000 },
    });
  });

  test('expires_in as a string; none given; a refresh without a new refresh token keeps the old one', () => {
    const got = read(answer(200, { access_token: 'at', token_type: 'Bearer', expires_in: '30' }), 'rt-old');
    expect(got.ok && got.token).toMatchObject({ expiresAt: T0 + 30_000, refreshToken: 'rt-old' });
    const none = read(answer(200, { access_token: 'at' }));
    expect(none.ok && none.token).toMatchObject({ expiresAt: null, tokenType: 'Bearer' });
  });

  test('an OAuth2 error: kind http with the status, the error and its description', () => {
    const got = read(answer(401, { error: 'invalid_client', error_description: 'bad\u001b[31m secret' }));
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error.kind).toBe('http');
    expect(got.error.exitCode).toBe(5);
    expect(got.error.message).toBe('token request failed: 401 Unauthorized from https://auth.test/token: invalid_client: bad [31m secret');
    expect(got.error.hint).toMatch(/client id and secret/);
    expect(got.oauthError).toBe('invalid_client');
  });

  test.each([
    ['no access_token', answer(200, { token_type: 'Bearer' }), 'OAUTH2_NO_ACCESS_TOKEN'],
    ['not JSON', answer(200, '<html>', { contentType: 'text/html' }), 'OAUTH2_BAD_RESPONSE'],
    ['a JSON array', answer(200, [1]), 'OAUTH2_BAD_RESPONSE'],
    ['not a bearer token', answer(200, { access_token: 'at', token_type: 'mac' }), 'OAUTH2_TOKEN_TYPE'],
    ['a token with a newline', answer(200, { access_token: 'a\nb' }), 'OAUTH2_BAD_RESPONSE'],
    ['a redirect', answer(302, '', { location: 'https://elsewhere/token' }), 'OAUTH2_REDIRECT'],
  ])('%s: kind token, exit 3', (_name, a, code) => {
    const got = read(a);
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect({ kind: got.error.kind, exit: got.error.exitCode, code: got.error.code }).toEqual({ kind: 'token', exit: 3, code });
  });
});
