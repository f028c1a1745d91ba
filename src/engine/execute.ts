import type { Limiter } from '../ratelimit/token-bucket.js';
import type { ServerGate } from '../ratelimit/server-gate.js';
import type { RetryPolicy } from '../retry/backoff.js';
import { decideRetry, IDEMPOTENT_METHODS, type AttemptOutcome, type RetryDecision } from '../retry/decide-retry.js';
import type { RequestSpec } from '../model/request-spec.js';
import { performAttempt, type AttemptDeps } from './perform-attempt.js';
import { EMPTY_TIMINGS, type Attempt, type Exchange } from './types.js';
import { InterruptedError } from '../errors.js';
import type { TokenProvider, TokenSource } from './oauth2/token-provider.js';
import type { CacheFacts, HttpCacheRun } from './http-cache/cache-types.js';

export interface EngineDeps extends AttemptDeps {
  random: () => number;
  /** Client-side pacing of request starts (`--rate`), shared by the whole run. */
  limiter: Limiter | null;
  /** Server rate-limit awareness (runs of more than one request). */
  gate: ServerGate | null;
  /** Aborted by Ctrl-C or SIGTERM: the request in flight stops, no further attempt starts. */
  signal?: AbortSignal;
  /** Told before each retry is slept. */
  onRetry?: (info: { attempt: number; delayMs: number; decision: RetryDecision & { retry: true }; failure: string }) => void;
  /** OAuth2 access tokens (engine/oauth2/), for requests whose auth is `oauth2`; set by the command when one is. */
  tokens?: TokenProvider;
  /** Told when the API answered 401 to a token that was not new: one new token is got and the request tried again. */
  onTokenRefused?: (source: TokenSource) => void;
  /** `--cache`, `--offline`: the private HTTP cache (engine/http-cache/). */
  httpCache?: HttpCacheRun;
}

export interface ExecutedExchange extends Exchange {
  /** Set when the server asked (Retry-After) to wait longer than --retry-max-delay: the run fails at once. */
  retryAfterTooLong: number | null;
  /** Set when a retry was due but not made: this many bytes of the body had already been written to stdout. */
  retryRefusedAfterBytes: number | null;
  /** What the HTTP cache did, when the run uses one. */
  cache?: CacheFacts;
}

/**
 * Runs one request with retries. Order per attempt: sleep the retry delay → wait for the server's
 * rate-limit reset (gate) → take a token from the client-side limiter → send (following redirects) →
 * tell the gate what the response said → decide whether to retry (pure `decideRetry`).
 */
export async function executeRequest(spec: RequestSpec, policy: RetryPolicy, deps: EngineDeps): Promise<ExecutedExchange> {
  if (deps.httpCache !== undefined) {
    // Loaded only with --cache/--offline. The cache sends through this function again, without the cache.
    const { executeCached } = await import('./http-cache/execute-cached.js');
    const { httpCache, ...inner } = deps;
    return executeCached(spec, policy, httpCache, inner, executeRequest);
  }
  const authorization = spec.auth.authorization;
  if (authorization?.kind === 'oauth2') {
    // Loaded only for an OAuth2 request: a plain request does not pay for it.
    const { executeWithToken } = await import('./oauth2/execute-with-token.js');
    return executeWithToken(spec, authorization.oauth2, policy, deps, executeRequest);
  }
  const attempts: Attempt[] = [];
  const hasIdempotencyKey = spec.headers.some(([n]) => n.toLowerCase() === 'idempotency-key');
  let delayMs = 0;
  for (;;) {
    if (delayMs > 0) await deps.clock.sleep(delayMs);
    if (deps.gate) await deps.gate.beforeRequest(spec.url);
    if (deps.limiter) await deps.limiter.acquire();
    if (deps.signal?.aborted === true) {
      attempts.push({ delayMs, request: null, outcome: { kind: 'failure', error: new InterruptedError() }, redirects: [], timings: EMPTY_TIMINGS });
      return { spec, attempts, retryAfterTooLong: null, retryRefusedAfterBytes: null };
    }
    const retriesSoFar = attempts.length;
    const mayRetry = (status: number): boolean =>
      retriesSoFar < policy.limit && policy.retryOn.includes(status) && (policy.allMethods || hasIdempotencyKey || IDEMPOTENT_METHODS.includes(spec.method.toUpperCase()));
    const attempt = await performAttempt(spec, deps, delayMs, mayRetry);
    attempts.push(attempt);
    if (attempt.outcome.kind === 'response' && deps.gate) deps.gate.observe(attempt.outcome.response.headers, attempt.outcome.response.retryAfterSeconds);
    const decision = decideRetry(
      { retriesSoFar: attempts.length - 1, method: spec.method, hasIdempotencyKey, outcome: outcomeOf(attempt) },
      policy,
      deps.random,
    );
    if (!decision.retry) {
      return {
        spec,
        attempts,
        retryAfterTooLong: decision.reason === 'retry-after-too-long' ? decision.waitSeconds : null,
        retryRefusedAfterBytes: decision.reason === 'body-already-written' ? decision.bytes : null,
      };
    }
    const failure = attempt.outcome.kind === 'response' ? `${attempt.outcome.response.status} ${attempt.outcome.response.statusText}`.trim() : attempt.outcome.error.code;
    deps.onRetry?.({ attempt: attempts.length, delayMs: decision.delayMs, decision, failure });
    delayMs = decision.delayMs;
  }
}

function outcomeOf(attempt: Attempt): AttemptOutcome {
  if (attempt.outcome.kind === 'response') {
    return { kind: 'response', status: attempt.outcome.response.status, retryAfterSeconds: attempt.outcome.response.retryAfterSeconds };
  }
  const { error } = attempt.outcome;
  const errorKind = error.kind === 'tls' || error.kind === 'timeout' || error.kind === 'connection' ? error.kind : 'usage';
  const failure: AttemptOutcome = { kind: 'failure', errorKind, code: error.code };
  if (attempt.outcome.bodyBytesOut !== undefined) failure.bodyBytesOut = attempt.outcome.bodyBytesOut;
  return failure;
}
