/**
 * Whether to retry an attempt, and after how long. Rules, checked in this order:
 *
 * 1. Outcome.
 *    - A response whose status is not in `policy.retryOn` is final:
 *      'success' when status < 400, else 'not-retryable-status'.
 *    - A failure of kind 'tls' or 'usage', or a 'connection' failure whose code is not
 *      one of ECONNRESET ECONNREFUSED ETIMEDOUT EAI_AGAIN EPIPE ENETUNREACH EHOSTUNREACH
 *      ECONNABORTED, is final: 'not-retryable-error'. A 'timeout' is retryable.
 * 2. Method. Only idempotent methods (GET HEAD OPTIONS PUT DELETE TRACE, any case) are
 *    retried, unless the request carries an Idempotency-Key or `policy.allMethods`:
 *    'non-idempotent-method'.
 * 3. Budget. retriesSoFar >= policy.limit: 'retries-exhausted' (so limit 0 never
 *    retries, yet a 200 is still 'success' by rule 1). Exhaustion is reported before
 *    rule 4: a long Retry-After on the last allowed attempt reads 'retries-exhausted'.
 *    A failure after part of the body was already written where a retry cannot take it
 *    back (stdout: `bodyBytesOut` > 0) is final too: 'body-already-written' — the data
 *    channel carries one response, never the start of one followed by another.
 * 4. Retry-After. On 429 and 503, a valid Retry-After (delay-seconds or HTTP-date, converted
 *    to seconds once, by the engine, when the response arrived) is authoritative and replaces backoff: longer than policy.maxDelayMs gives
 *    { retry: false, reason: 'retry-after-too-long', waitSeconds }; otherwise the delay
 *    is exactly that wait (source 'retry-after'). An invalid Retry-After is ignored.
 * 5. Backoff. Otherwise retry after backoffDelay(retriesSoFar + 1) (source 'backoff').
 *
 * The retry reason is 'status' for a response, 'timeout' for a timeout and
 * 'network-error' for a connection failure.
 */
import { backoffDelay, type RetryPolicy } from './backoff.js';

export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfterSeconds: number | null }
  | { kind: 'failure'; errorKind: 'connection' | 'tls' | 'timeout' | 'usage'; code: string; bodyBytesOut?: number };

export interface AttemptContext {
  retriesSoFar: number;
  method: string;
  hasIdempotencyKey: boolean;
  outcome: AttemptOutcome;
}

export type RetryDecision =
  | {
      retry: false;
      reason: 'success' | 'not-retryable-status' | 'not-retryable-error' | 'non-idempotent-method' | 'retries-exhausted';
    }
  | { retry: false; reason: 'retry-after-too-long'; waitSeconds: number }
  | { retry: false; reason: 'body-already-written'; bytes: number }
  | { retry: true; delayMs: number; reason: 'status' | 'network-error' | 'timeout'; source: 'backoff' | 'retry-after' };

export const RETRYABLE_CONNECTION_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
];

export const IDEMPOTENT_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];

const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

/** Rule 2 on its own: whether this request's method may be retried at all under the policy. */
export function mayRetryMethod(spec: { readonly method: string; readonly headers: ReadonlyArray<readonly [string, string]> }, policy: Pick<RetryPolicy, 'allMethods'>): boolean {
  return policy.allMethods || spec.headers.some(([n]) => n.toLowerCase() === 'idempotency-key') || IDEMPOTENT_METHODS.includes(spec.method.toUpperCase());
}

export function decideRetry(ctx: AttemptContext, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
  const { outcome } = ctx;

  // 1. outcome
  let reason: 'status' | 'network-error' | 'timeout';
  if (outcome.kind === 'response') {
    if (!policy.retryOn.includes(outcome.status)) {
      return { retry: false, reason: outcome.status < 400 ? 'success' : 'not-retryable-status' };
    }
    reason = 'status';
  } else if (outcome.errorKind === 'timeout') {
    reason = 'timeout';
  } else if (outcome.errorKind === 'connection' && RETRYABLE_CONNECTION_CODES.includes(outcome.code.toUpperCase())) {
    reason = 'network-error';
  } else {
    return { retry: false, reason: 'not-retryable-error' };
  }

  // 2. method
  if (!policy.allMethods && !ctx.hasIdempotencyKey && !IDEMPOTENT_METHODS.includes(ctx.method.toUpperCase())) {
    return { retry: false, reason: 'non-idempotent-method' };
  }

  // 3. budget
  if (ctx.retriesSoFar >= policy.limit) return { retry: false, reason: 'retries-exhausted' };
  if (outcome.kind === 'failure' && (outcome.bodyBytesOut ?? 0) > 0) return { retry: false, reason: 'body-already-written', bytes: outcome.bodyBytesOut ?? 0 };

  // 4. Retry-After
  if (outcome.kind === 'response' && RETRY_AFTER_STATUSES.includes(outcome.status)) {
    const waitSeconds = outcome.retryAfterSeconds;
    if (waitSeconds !== null) {
      const delayMs = waitSeconds * 1000;
      if (delayMs > policy.maxDelayMs) return { retry: false, reason: 'retry-after-too-long', waitSeconds };
      return { retry: true, delayMs, reason, source: 'retry-after' };
    }
  }

  // 5. backoff
  return { retry: true, delayMs: backoffDelay(ctx.retriesSoFar + 1, policy, random), reason, source: 'backoff' };
}
