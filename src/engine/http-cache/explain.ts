/**
 * `apitest cache explain`: what a private cache (and a shared one) would do with a response, and what to change
 * to make it cacheable — a linter for API authors. Pure but for the policy's clock.
 */
import type { CacheRequest } from './cache-request.js';
import { policyRequest, varyNamesOf } from './cache-request.js';
import { decideStorable, hasValidator, lifetimeOf, newPolicy, parseCacheControl, policyHeaders, type LifetimeSource } from './cache-rules.js';
import type { ResponseData } from '../types.js';

export interface CacheExplanation {
  readonly storable: boolean;
  /** Why it is (or is not) storable. */
  readonly reason: string;
  readonly lifetime: { readonly seconds: number; readonly source: LifetimeSource; readonly detail: string };
  readonly validators: { readonly etag: string | null; readonly lastModified: string | null };
  readonly vary: readonly string[];
  /** The response's Cache-Control as received; null without one. */
  readonly cacheControl: string | null;
  /** What a shared cache (a CDN, a proxy) would do differently, when it would. */
  readonly shared: string | null;
  /** What to change, one line each; empty when nothing needs to. */
  readonly advice: readonly string[];
}

export function explainResponse(request: CacheRequest, response: ResponseData, redirected: boolean, now: () => number): CacheExplanation {
  const headers = policyHeaders(response.headers);
  const vary = varyNamesOf(headers.vary);
  const policy = newPolicy(now, policyRequest(request, vary), { status: response.status, headers });
  const cc = parseCacheControl(headers['cache-control']);
  const decision = decideStorable({
    method: request.method,
    status: response.status,
    headers,
    credentials: request.credentials,
    redirected,
    undecoded: response.undecoded,
    requestNoStore: parseCacheControl(request.headers['cache-control'])['no-store'] !== undefined,
    policyStorable: policy.storable(),
  });
  const lifetime = lifetimeOf(policy, headers, null);
  const advice: string[] = [];
  const etag = headers.etag ?? null;
  const lastModified = headers['last-modified'] ?? null;
  if (request.method !== 'GET') advice.push('only GET responses are cached: a read-only resource should be served to GET');
  if (cc['no-store'] !== undefined) advice.push('drop no-store if the response may be kept (use private for per-user data, no-cache to force revalidation)');
  if (decision.storable || cc['no-store'] === undefined) {
    if (lifetime.source === 'none') advice.push('say how long it stays fresh: Cache-Control: max-age=<seconds>');
    if (lifetime.source === 'heuristic') advice.push('the freshness is only a heuristic (10% of the time since Last-Modified): give an explicit Cache-Control: max-age');
    if (lifetime.source === 'Expires') advice.push('prefer Cache-Control: max-age to Expires (no clock skew)');
    if (!hasValidator(headers)) advice.push('add an ETag (or Last-Modified) so a stale response can be revalidated with a 304 instead of sent again');
  }
  if (request.credentials.length > 0 && !decision.storable && cc['no-store'] === undefined && cc.public === undefined && cc['must-revalidate'] === undefined && cc['s-maxage'] === undefined) {
    advice.push('the request carries credentials: add Cache-Control: private, must-revalidate (or public, if it is the same for everyone) to let it be cached');
  }
  if (vary.includes('*')) advice.push('Vary: * makes every stored response unusable: name the request headers it depends on');
  if (vary.includes('user-agent')) advice.push('Vary: User-Agent splits the cache per client version: vary on fewer headers if you can');
  if (cc['s-maxage'] !== undefined) advice.push('s-maxage applies to shared caches only: a private cache (this one) uses max-age');
  if (response.status >= 500) advice.push(`a ${response.status} is not a response to cache: check the server`);
  let shared: string | null = null;
  if (cc.private !== undefined) shared = 'a shared cache (CDN, proxy) would not store it: private';
  else if (cc['s-maxage'] !== undefined) shared = `a shared cache would keep it fresh for ${String(cc['s-maxage'])}s (s-maxage)`;
  else if (request.credentials.length > 0 && decision.storable) shared = 'a shared cache may store this response to a request with credentials (public, s-maxage or must-revalidate)';
  return {
    storable: decision.storable,
    reason: decision.reason,
    lifetime,
    validators: { etag, lastModified },
    vary,
    cacheControl: headers['cache-control'] ?? null,
    shared,
    advice,
  };
}
