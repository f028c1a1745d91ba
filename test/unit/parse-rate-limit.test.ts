import { describe, expect, test } from '@jest/globals';
import { parseRateLimit } from '../../src/ratelimit/parse-rate-limit.js';
import { exhaustedWaitMs, type RateLimitInfo } from '../../src/ratelimit/rate-limit-info.js';
import type { HeaderMap } from '../../src/util/header-map.js';

const NOW = 1_372_700_000_000; // 2013-07-01T17:33:20Z, 873 s before GitHub's documented reset

type Expected = Omit<RateLimitInfo, 'resetAt'>;

describe('parseRateLimit: real header shapes', () => {
  test.each<[string, HeaderMap, Expected]>([
    [
      'GitHub REST',
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': '1372700873',
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
      },
      { limit: 5000, remaining: 4999, resetSeconds: 873, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'GitHub secondary limit (403 + retry-after)',
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1372700873',
        'x-ratelimit-used': '5000',
        'x-ratelimit-resource': 'core',
        'retry-after': '60',
      },
      { limit: 5000, remaining: 0, resetSeconds: 873, retryAfterSeconds: 60, source: 'x-ratelimit' },
    ],
    [
      'GitHub without remaining: derived from used',
      { 'x-ratelimit-limit': '60', 'x-ratelimit-used': '59', 'x-ratelimit-reset': '1372700873' },
      { limit: 60, remaining: 1, resetSeconds: 873, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'Twitter/X v2',
      { 'x-rate-limit-limit': '900', 'x-rate-limit-remaining': '899', 'x-rate-limit-reset': '1372700900' },
      { limit: 900, remaining: 899, resetSeconds: 900, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'Okta (epoch seconds, mixed-case names as some clients keep them)',
      { 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '1372700060' },
      { limit: 600, remaining: 0, resetSeconds: 60, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'Envoy (policy list in the limit, delta reset)',
      { 'x-ratelimit-limit': '10, 10;w=1', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': '1' },
      { limit: 10, remaining: 9, resetSeconds: 1, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'reset in epoch milliseconds',
      { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '1372700010500' },
      { limit: 100, remaining: 5, resetSeconds: 11, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'reset epoch already past',
      { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '1372699000' },
      { limit: 100, remaining: 5, resetSeconds: 0, retryAfterSeconds: null, source: 'x-ratelimit' },
    ],
    [
      'Stripe-like 429 with only Retry-After',
      { 'retry-after': '2', 'request-id': 'req_123' },
      { limit: null, remaining: null, resetSeconds: 2, retryAfterSeconds: 2, source: 'retry-after' },
    ],
    [
      '503 with an HTTP-date Retry-After',
      { 'retry-after': 'Mon, 01 Jul 2013 17:34:20 GMT' },
      { limit: null, remaining: null, resetSeconds: 60, retryAfterSeconds: 60, source: 'retry-after' },
    ],
    [
      'IETF draft ≤ 06 triple',
      { 'ratelimit-limit': '100', 'ratelimit-remaining': '50', 'ratelimit-reset': '50' },
      { limit: 100, remaining: 50, resetSeconds: 50, retryAfterSeconds: null, source: 'ratelimit' },
    ],
    [
      'IETF draft ≤ 06 with quota policies in RateLimit-Limit',
      { 'ratelimit-limit': '10, 10;w=1, 50;w=60, 1000;w=3600, 5000;w=86400', 'ratelimit-remaining': '9', 'ratelimit-reset': '1' },
      { limit: 10, remaining: 9, resetSeconds: 1, retryAfterSeconds: null, source: 'ratelimit' },
    ],
    [
      'IETF draft 06 with a separate RateLimit-Policy',
      { 'ratelimit-limit': '100', 'ratelimit-remaining': '1', 'ratelimit-reset': '7', 'ratelimit-policy': '100;w=60' },
      { limit: 100, remaining: 1, resetSeconds: 7, retryAfterSeconds: null, source: 'ratelimit' },
    ],
    [
      'IETF draft 10: RateLimit + RateLimit-Policy',
      { ratelimit: '"default";r=50;t=30', 'ratelimit-policy': '"default";q=100;w=60' },
      { limit: 100, remaining: 50, resetSeconds: 30, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 10: several policies, smallest remaining wins',
      {
        ratelimit: '"permin";r=3;t=20, "perhr";r=900;t=1800',
        'ratelimit-policy': '"permin";q=50;w=60,"perhr";q=1000;w=3600',
      },
      { limit: 50, remaining: 3, resetSeconds: 20, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 10: split over several field lines, the daily one is exhausted',
      {
        ratelimit: ['"burst";r=40;t=5', '"daily";r=0;t=3600'],
        'ratelimit-policy': ['"burst";q=100;w=60', '"daily";q=1000;w=86400'],
        'retry-after': '3600',
      },
      { limit: 1000, remaining: 0, resetSeconds: 3600, retryAfterSeconds: 3600, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 10: partition key, no reset, no policy',
      { ratelimit: '"default";r=999;pk=:dHJpYWwxMjEzMjM=:' },
      { limit: null, remaining: 999, resetSeconds: null, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 10: token names and a quota unit',
      { ratelimit: 'peruser;r=0;t=10', 'ratelimit-policy': 'peruser;q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:' },
      { limit: 65535, remaining: 0, resetSeconds: 10, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 10: policy only',
      { 'ratelimit-policy': '"burst";q=100;w=60,"daily";q=1000;w=86400' },
      { limit: 100, remaining: null, resetSeconds: null, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'IETF draft 07 dictionary (Close)',
      { ratelimit: 'limit=100, remaining=50, reset=5', 'ratelimit-policy': '100;w=60' },
      { limit: 100, remaining: 50, resetSeconds: 5, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'draft 07 dictionary with ; separators and a decimal reset (Close, live)',
      { ratelimit: 'limit=100; remaining=100; reset=1.5', 'ratelimit-limit': '100', 'ratelimit-remaining': '99', 'ratelimit-reset': '1' },
      { limit: 100, remaining: 100, resetSeconds: 1.5, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'one malformed structured member does not hide the others',
      { ratelimit: '"a";r=5;t=1, "b";r=@@, "c";r=2;t=9', 'ratelimit-policy': '"c";q=10' },
      { limit: 10, remaining: 2, resetSeconds: 9, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
    [
      'equal remaining: the longer reset is the more restrictive',
      { ratelimit: '"a";r=0;t=1, "b";r=0;t=60' },
      { limit: null, remaining: 0, resetSeconds: 60, retryAfterSeconds: null, source: 'ratelimit-structured' },
    ],
  ])('%s', (_name, headers, expected) => {
    const info = parseRateLimit(headers, NOW);
    expect(info).toEqual({
      ...expected,
      resetAt: expected.resetSeconds === null ? null : new Date(NOW + expected.resetSeconds * 1000).toISOString(),
    });
  });
});

describe('parseRateLimit: precedence and garbage', () => {
  test.each<[string, HeaderMap, Partial<RateLimitInfo>]>([
    ['no headers at all', {}, {}],
    ['unrelated headers', { 'content-type': 'text/plain', 'x-request-id': 'abc' }, {}],
  ])('%s -> null', (_name, headers) => {
    expect(parseRateLimit(headers, NOW)).toBeNull();
  });

  test.each<[string, HeaderMap, Partial<RateLimitInfo>]>([
    [
      'garbage numbers become null, never NaN',
      { 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '-1', 'x-ratelimit-reset': 'soon' },
      { limit: null, remaining: null, resetSeconds: null, resetAt: null, source: 'x-ratelimit' },
    ],
    [
      'garbage Retry-After alone is reported with nulls',
      { 'retry-after': 'later' },
      { limit: null, remaining: null, resetSeconds: null, retryAfterSeconds: null, source: 'retry-after' },
    ],
    [
      'the family with limit/remaining beats one with only a reset',
      { 'x-ratelimit-reset': '10', 'ratelimit-limit': '20', 'ratelimit-remaining': '3' },
      { limit: 20, remaining: 3, resetSeconds: null, source: 'ratelimit' },
    ],
    [
      'a family with remaining beats a policy-only structured field',
      { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '7', 'ratelimit-policy': '"d";q=100' },
      { limit: 60, remaining: 7, source: 'x-ratelimit' },
    ],
    [
      'a reset-only family beats Retry-After as the source; Retry-After still filled',
      { 'x-ratelimit-reset': '10', 'retry-after': '20' },
      { limit: null, remaining: null, resetSeconds: 10, retryAfterSeconds: 20, source: 'x-ratelimit' },
    ],
    [
      'Node-style array values: the first line counts',
      { 'x-ratelimit-limit': ['100', '200'], 'x-ratelimit-remaining': ['5'] },
      { limit: 100, remaining: 5, source: 'x-ratelimit' },
    ],
  ])('%s', (_name, headers, expected) => {
    expect(parseRateLimit(headers, NOW)).toMatchObject(expected);
  });

  test('resetAt is an ISO instant nowMs + resetSeconds', () => {
    expect(parseRateLimit({ 'ratelimit-remaining': '0', 'ratelimit-reset': '90' }, NOW)?.resetAt).toBe('2013-07-01T17:34:50.000Z');
  });

  test('values are numbers, not strings', () => {
    const info = parseRateLimit({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' }, NOW);
    expect(typeof info?.limit).toBe('number');
    expect(typeof info?.remaining).toBe('number');
  });
});

describe('exhaustedWaitMs', () => {
  const base: RateLimitInfo = {
    limit: 100,
    remaining: 0,
    resetSeconds: null,
    resetAt: null,
    retryAfterSeconds: null,
    source: 'x-ratelimit',
  };
  test.each<[string, RateLimitInfo | null, number | null]>([
    ['null info', null, null],
    ['remaining > 0', { ...base, remaining: 3, resetSeconds: 10 }, null],
    ['remaining unknown', { ...base, remaining: null, resetSeconds: 10 }, null],
    ['exhausted, reset known', { ...base, resetSeconds: 30 }, 30_000],
    ['exhausted, fractional reset', { ...base, resetSeconds: 1.5 }, 1500],
    ['exhausted, only Retry-After', { ...base, retryAfterSeconds: 12 }, 12_000],
    ['exhausted, both: the longer', { ...base, resetSeconds: 5, retryAfterSeconds: 12 }, 12_000],
    ['exhausted, nothing known', base, null],
    ['exhausted, reset passed', { ...base, resetSeconds: 0 }, 0],
  ])('%s -> %j', (_name, info, ms) => {
    expect(exhaustedWaitMs(info)).toBe(ms);
  });

  test('with a parsed GitHub 403', () => {
    const info = parseRateLimit(
      { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1372700873' },
      NOW,
    );
    expect(exhaustedWaitMs(info)).toBe(873_000);
  });
});

describe('parseRateLimit: resets past what a date can hold (found by the property tests)', () => {
  test.each<[string, HeaderMap]>([
    ['X-Rate-Limit-Reset as epoch milliseconds past year 275760', { 'x-rate-limit-reset': '9007199254740991' }],
    ['X-RateLimit-Reset just past the last date, with remaining 0', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '8640000000000001' }],
    ['RateLimit t= of 10^14 seconds', { ratelimit: '"default";r=0;t=99999999999999' }],
  ])('%s: the seconds as read, resetAt null, no RangeError', (_name, headers) => {
    const info = parseRateLimit(headers, NOW);
    expect(info).not.toBeNull();
    expect(Number.isFinite(info?.resetSeconds)).toBe(true);
    expect(info?.resetSeconds).toBeGreaterThan(1e12);
    expect(info?.resetAt).toBeNull();
  });

  test('a reset a date can hold still gets its resetAt', () => {
    expect(parseRateLimit({ 'x-ratelimit-reset': '60' }, NOW)?.resetAt).toBe(new Date(NOW + 60_000).toISOString());
  });
});
