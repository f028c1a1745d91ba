/**
 * A request whose credential is an OAuth2 access token. Order: get the token (engine/oauth2/token-provider.ts) →
 * send the request with `Authorization: Bearer <token>` (retries, redirects, rate limits as any request) → when
 * the API answers 401 to a token that did not come new from the token endpoint just now (the cache's, or one an
 * earlier request of the run got), exactly one new token and one more try of the request. A token that cannot
 * be had is the request's failure (nothing is sent to the API).
 */
import { InterruptedError, type ApitestError } from '../../errors.js';
import { Secret } from '../../redact/secret.js';
import { withAuthorization, type RequestSpec } from '../../model/request-spec.js';
import type { OAuth2Spec } from '../../model/oauth2-spec.js';
import type { RetryPolicy } from '../../retry/backoff.js';
import type { EngineDeps, ExecutedExchange } from '../execute.js';
import { EMPTY_TIMINGS, type Attempt } from '../types.js';
import type { TokenConnection } from './token-provider.js';

type Execute = (spec: RequestSpec, policy: RetryPolicy, deps: EngineDeps) => Promise<ExecutedExchange>;

export async function executeWithToken(spec: RequestSpec, oauth2: OAuth2Spec, policy: RetryPolicy, deps: EngineDeps, execute: Execute): Promise<ExecutedExchange> {
  const tokens = deps.tokens;
  if (tokens === undefined) throw new Error('an OAuth2 request needs the engine\'s token provider');
  const connection = tokenConnectionOf(spec);
  const obtained = await tokens.get(oauth2, connection);
  if (!obtained.ok) return unsent(spec, [], obtained.error);
  const first = await execute(bearer(spec, obtained.token.accessToken), policy, deps);
  const last = first.attempts[first.attempts.length - 1];
  const refused = last?.outcome.kind === 'response' && last.outcome.response.status === 401;
  if (!refused || obtained.source === 'endpoint' || deps.signal?.aborted === true) return { spec, attempts: first.attempts, retryAfterTooLong: first.retryAfterTooLong, retryRefusedAfterBytes: first.retryRefusedAfterBytes };
  deps.onTokenRefused?.(obtained.source);
  const renewed = await tokens.renew(oauth2, connection, obtained.token.accessToken);
  if (!renewed.ok) return unsent(spec, first.attempts, renewed.error);
  const second = await execute(bearer(spec, renewed.token.accessToken), policy, deps);
  return { spec, attempts: [...first.attempts, ...second.attempts], retryAfterTooLong: second.retryAfterTooLong, retryRefusedAfterBytes: second.retryRefusedAfterBytes };
}

/** How the token endpoint is reached for a request: its timeouts, TLS settings, proxy and client certificate. */
export function tokenConnectionOf(spec: RequestSpec): TokenConnection {
  return { timeoutMs: spec.timeoutMs, connectTimeoutMs: spec.connectTimeoutMs, insecure: spec.insecure, ca: spec.ca, proxy: spec.proxy, clientCert: spec.clientCert };
}

function bearer(spec: RequestSpec, accessToken: string): RequestSpec {
  return withAuthorization(spec, { kind: 'bearer', token: new Secret(accessToken) });
}

/** The token could not be had: the request was not sent; the failure is the token's. */
function unsent(spec: RequestSpec, before: readonly Attempt[], error: ApitestError): ExecutedExchange {
  const failure = error.kind === 'interrupted' ? new InterruptedError(error.message) : error;
  return { spec, attempts: [...before, { delayMs: 0, request: null, outcome: { kind: 'failure', error: failure }, redirects: [], timings: EMPTY_TIMINGS }], retryAfterTooLong: null, retryRefusedAfterBytes: null };
}
