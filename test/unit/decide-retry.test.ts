import { describe, expect, test } from '@jest/globals';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../../src/retry/backoff.js';
import { parseRetryAfter } from '../../src/retry/retry-after.js';
import { decideRetry, type AttemptContext, type AttemptOutcome, type RetryDecision } from '../../src/retry/decide-retry.js';

const NOW = Date.UTC(2024, 0, 1, 0, 0, 0);
const policy: RetryPolicy = {
  limit: 3,
  retryOn: DEFAULT_RETRY_ON,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  allMethods: false,
};
const half = (): number => 0.5;

/** A response as the engine hands it over: its Retry-After already converted (at NOW). */
const response = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({ kind: 'response', status, retryAfterSeconds: parseRetryAfter(headers['retry-after'], NOW) });
const failure = (errorKind: 'connection' | 'tls' | 'timeout' | 'usage', code: string): AttemptOutcome => ({ kind: 'failure', errorKind, code });

const ctx = (outcome: AttemptOutcome, over: Partial<AttemptContext> = {}): AttemptContext => ({
  retriesSoFar: 0,
  method: 'GET',
  hasIdempotencyKey: false,
  outcome,
  ...over,
});

describe('decideRetry', () => {
  test.each<[string, AttemptContext, Partial<RetryPolicy>, RetryDecision]>([
    // 1. outcome
    ['200 is success', ctx(response(200)), {}, { retry: false, reason: 'success' }],
    ['304 is success', ctx(response(304)), {}, { retry: false, reason: 'success' }],
    ['200 is success even with limit 0', ctx(response(200)), { limit: 0 }, { retry: false, reason: 'success' }],
    ['404 is final', ctx(response(404)), {}, { retry: false, reason: 'not-retryable-status' }],
    ['501 is not in the default list', ctx(response(501)), {}, { retry: false, reason: 'not-retryable-status' }],
    ['a custom list: 404 retried', ctx(response(404)), { retryOn: [404] }, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['a custom list: 503 not retried', ctx(response(503)), { retryOn: [500] }, { retry: false, reason: 'not-retryable-status' }],
    ['500 retried with backoff', ctx(response(500)), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['502 on the third retry', ctx(response(502), { retriesSoFar: 2 }), {}, { retry: true, delayMs: 200, reason: 'status', source: 'backoff' }],
    ['408', ctx(response(408)), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['425', ctx(response(425)), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['ECONNRESET', ctx(failure('connection', 'ECONNRESET')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['ECONNREFUSED', ctx(failure('connection', 'ECONNREFUSED')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['ETIMEDOUT', ctx(failure('connection', 'ETIMEDOUT')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['EAI_AGAIN', ctx(failure('connection', 'EAI_AGAIN')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['EPIPE', ctx(failure('connection', 'EPIPE')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['ENETUNREACH', ctx(failure('connection', 'ENETUNREACH')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['EHOSTUNREACH', ctx(failure('connection', 'EHOSTUNREACH')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['ECONNABORTED', ctx(failure('connection', 'ECONNABORTED')), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['ENOTFOUND is final', ctx(failure('connection', 'ENOTFOUND')), {}, { retry: false, reason: 'not-retryable-error' }],
    ['timeout', ctx(failure('timeout', 'ETIMEDOUT')), {}, { retry: true, delayMs: 50, reason: 'timeout', source: 'backoff' }],
    ['tls is final', ctx(failure('tls', 'CERT_HAS_EXPIRED')), {}, { retry: false, reason: 'not-retryable-error' }],
    ['usage is final', ctx(failure('usage', 'EUSAGE')), {}, { retry: false, reason: 'not-retryable-error' }],
    // 2. method
    ['POST is not retried', ctx(response(503), { method: 'POST' }), {}, { retry: false, reason: 'non-idempotent-method' }],
    ['PATCH is not retried', ctx(failure('connection', 'ECONNRESET'), { method: 'PATCH' }), {}, { retry: false, reason: 'non-idempotent-method' }],
    ['POST with an Idempotency-Key is', ctx(response(503), { method: 'POST', hasIdempotencyKey: true }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['POST with allMethods is', ctx(response(503), { method: 'post' }), { allMethods: true }, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['lower-case put is idempotent', ctx(response(500), { method: 'put' }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['DELETE', ctx(response(500), { method: 'DELETE' }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['HEAD', ctx(response(500), { method: 'HEAD' }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['OPTIONS', ctx(response(500), { method: 'OPTIONS' }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['TRACE', ctx(response(500), { method: 'TRACE' }), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['a final status beats the method rule', ctx(response(400), { method: 'POST' }), {}, { retry: false, reason: 'not-retryable-status' }],
    // 3. budget
    ['limit 0 never retries', ctx(response(503)), { limit: 0 }, { retry: false, reason: 'retries-exhausted' }],
    ['limit reached', ctx(response(500), { retriesSoFar: 3 }), {}, { retry: false, reason: 'retries-exhausted' }],
    ['past the limit', ctx(response(500), { retriesSoFar: 7 }), {}, { retry: false, reason: 'retries-exhausted' }],
    ['the method rule is checked before the budget', ctx(response(500), { method: 'POST', retriesSoFar: 3 }), {}, { retry: false, reason: 'non-idempotent-method' }],
    ['exhaustion beats a long Retry-After', ctx(response(429, { 'retry-after': '3600' }), { retriesSoFar: 3 }), {}, { retry: false, reason: 'retries-exhausted' }],
    // a body cut off after some of it reached stdout: a retry cannot take those bytes back
    ['a reset after 8 bytes on stdout', ctx({ kind: 'failure', errorKind: 'connection', code: 'ECONNRESET', bodyBytesOut: 8 }), {}, { retry: false, reason: 'body-already-written', bytes: 8 }],
    ['a timeout after bytes on stdout', ctx({ kind: 'failure', errorKind: 'timeout', code: 'ETIMEDOUT', bodyBytesOut: 1 }), {}, { retry: false, reason: 'body-already-written', bytes: 1 }],
    ['no byte on stdout yet: retried', ctx({ kind: 'failure', errorKind: 'connection', code: 'ECONNRESET', bodyBytesOut: 0 }), {}, { retry: true, delayMs: 50, reason: 'network-error', source: 'backoff' }],
    ['exhaustion is said before the bytes on stdout', ctx({ kind: 'failure', errorKind: 'connection', code: 'ECONNRESET', bodyBytesOut: 8 }, { retriesSoFar: 3 }), {}, { retry: false, reason: 'retries-exhausted' }],
    // 4. Retry-After
    ['429 + Retry-After seconds', ctx(response(429, { 'retry-after': '3' })), {}, { retry: true, delayMs: 3000, reason: 'status', source: 'retry-after' }],
    ['503 + Retry-After seconds', ctx(response(503, { 'retry-after': '0' })), {}, { retry: true, delayMs: 0, reason: 'status', source: 'retry-after' }],
    ['429 + Retry-After HTTP-date', ctx(response(429, { 'retry-after': 'Mon, 01 Jan 2024 00:00:07 GMT' })), {}, { retry: true, delayMs: 7000, reason: 'status', source: 'retry-after' }],
    ['429 + Retry-After date in the past', ctx(response(429, { 'retry-after': 'Sun, 31 Dec 2023 23:00:00 GMT' })), {}, { retry: true, delayMs: 0, reason: 'status', source: 'retry-after' }],
    ['Retry-After equal to maxDelayMs is accepted', ctx(response(429, { 'retry-after': '10' })), {}, { retry: true, delayMs: 10_000, reason: 'status', source: 'retry-after' }],
    ['Retry-After longer than maxDelayMs', ctx(response(429, { 'retry-after': '11' })), {}, { retry: false, reason: 'retry-after-too-long', waitSeconds: 11 }],
    ['a far HTTP-date', ctx(response(503, { 'retry-after': 'Mon, 01 Jan 2024 01:00:00 GMT' })), {}, { retry: false, reason: 'retry-after-too-long', waitSeconds: 3600 }],
    ['garbage Retry-After falls back to backoff', ctx(response(429, { 'retry-after': 'soon' })), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['Retry-After on 500 is not used', ctx(response(500, { 'retry-after': '3' })), {}, { retry: true, delayMs: 50, reason: 'status', source: 'backoff' }],
    ['Retry-After on a final 404 changes nothing', ctx(response(404, { 'retry-after': '3' })), {}, { retry: false, reason: 'not-retryable-status' }],
    // 5. backoff grows and is capped
    ['backoff is capped by maxDelayMs', ctx(response(500), { retriesSoFar: 20 }), { limit: 100, maxDelayMs: 1000 }, { retry: true, delayMs: 500, reason: 'status', source: 'backoff' }],
  ])('%s', (_name, context, overrides, expected) => {
    expect(decideRetry(context, { ...policy, ...overrides }, half)).toEqual(expected);
  });

  test('uses Math.random when no random is given', () => {
    const decision = decideRetry(ctx(response(500)), policy);
    expect(decision.retry).toBe(true);
    if (decision.retry) {
      expect(decision.delayMs).toBeGreaterThanOrEqual(0);
      expect(decision.delayMs).toBeLessThanOrEqual(100);
    }
  });
});
