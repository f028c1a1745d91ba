/**
 * A request through the private HTTP cache (`--cache`). Order:
 *   1. not a GET, or the request says `Cache-Control: no-store`: BYPASS (sent as usual, nothing stored);
 *   2. look the request up (its key: method, URL, credentials; then the variant of its `Vary` header values);
 *   3. `--offline`: a stored response is served (HIT when fresh, STALE otherwise, unless it must be revalidated);
 *      none is a connection error (exit 3) — nothing is ever sent;
 *   4. a fresh stored response (and no `--no-cache`): HIT, nothing sent;
 *   5. a stored response that is stale (or `--no-cache`): sent with its validators (If-None-Match,
 *      If-Modified-Since); a 304 is merged into the stored response (REVALIDATED: the stored, decoded body, the
 *      new headers); a full response replaces it (MISS); no response at all serves it STALE when the RFC allows;
 *   6. nothing stored: sent (MISS), and stored when the rules allow (cache-rules.ts).
 * Bodies go through the cache whole: the final body is written to the body sink (-o, --format body) at the end.
 */
import { ApitestError, ConnectionError } from '../../errors.js';
import type { RequestSpec } from '../../model/request-spec.js';
import type { RetryPolicy } from '../../retry/backoff.js';
import type { EngineDeps, ExecutedExchange } from '../execute.js';
import { EMPTY_TIMINGS, type Attempt, type ResponseData } from '../types.js';
import { cacheRequestOf, policyRequest, variantOf, varyNamesOf, type CacheRequest } from './cache-request.js';
import {
  decideStorable,
  freshnessLeft,
  hasValidator,
  isFresh,
  lifetimeOf,
  mayServeStale,
  newPolicy,
  parseCacheControl,
  policyFromObject,
  policyHeaders,
  type Policy,
} from './cache-rules.js';
import type { CacheFacts, HttpCacheRun, StoredEntry, StoredVariant } from './cache-types.js';

/** Headers of a 304 that do not replace the stored ones (RFC 9111 §3.2: they describe the 304's own framing). */
const NOT_MERGED = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'content-range', 'age']);

/** The stored response's headers as received (not the served view, which adds Age and a new Date). */
function storedHeaders(policy: Policy): Record<string, string> {
  const resh = (policy.toObject() as unknown as { resh?: Record<string, string> }).resh;
  return resh ?? {};
}

/** At most this many variants (Vary) of one URL are kept; the oldest goes. */
const MAX_VARIANTS = 8;

type Execute = (spec: RequestSpec, policy: RetryPolicy, deps: EngineDeps) => Promise<ExecutedExchange>;

export async function executeCached(spec: RequestSpec, retry: RetryPolicy, cache: HttpCacheRun, deps: EngineDeps, execute: Execute): Promise<ExecutedExchange> {
  const { openBodySink, ...inner } = deps;
  const finish = async (exchange: ExecutedExchange, facts: CacheFacts): Promise<ExecutedExchange> => {
    exchange.cache = facts;
    if (openBodySink !== undefined) await deliverBody(exchange, openBodySink, deps.keepStreamedBody === true);
    return exchange;
  };
  const userCc = parseCacheControl(headerOf(spec, 'cache-control'));
  if (spec.method.toUpperCase() !== 'GET' || userCc['no-store'] !== undefined) {
    const reason = spec.method.toUpperCase() !== 'GET' ? `${spec.method.toUpperCase()} requests are not cached (GET only)` : 'the request says Cache-Control: no-store';
    if (cache.mode === 'offline') return offlineMiss(spec, reason);

    return finish(await execute(spec, retry, inner), { status: 'BYPASS', age: null, ttl: null, storable: false, reason });
  }
  const cookieHeader = deps.cookies === undefined ? null : await deps.cookies.cookieHeader(spec.url);
  const request = cacheRequestOf(spec, cookieHeader);
  const entry = await readEntry(cache, request.key);
  const found = entry === null ? null : findVariant(entry, request, cache.now);
  const forced = cache.ttlSeconds;

  if (cache.mode === 'offline') {
    if (found === null) return offlineMiss(spec, null);
    const headers = policyHeaders(found.policy.responseHeaders());
    if (isFresh(found.policy, forced)) return finish(servedExchange(spec, found), facts('HIT', found.policy, forced, true, `fresh (--offline): ${describeFresh(found.policy, forced)}`));
    if (forced === null && !mayServeStale(headers)) return offlineMiss(spec, 'it is stale and says it must be revalidated (must-revalidate or no-cache)');
    return finish(servedExchange(spec, found), facts('STALE', found.policy, forced, true, '--offline: served stale, not revalidated'));
  }

  // A request that says Cache-Control: no-cache (or max-age=0, or Pragma: no-cache) is revalidated, fresh or not.
  const requestRevalidates = userCc['no-cache'] !== undefined || userCc['max-age'] === '0' || /no-cache/i.test(headerOf(spec, 'pragma') ?? '');
  if (found !== null && cache.mode === 'use' && !requestRevalidates && isFresh(found.policy, forced)) {
    return finish(servedExchange(spec, found), facts('HIT', found.policy, forced, true, describeFresh(found.policy, forced)));
  }

  // Revalidate what is stored, or ask afresh.
  const extra: Array<readonly [string, string]> = [];
  if (cache.mode === 'revalidate' && userCc['no-cache'] === undefined) extra.push(['Cache-Control', 'no-cache']);
  if (found !== null) {
    const conditionals = found.policy.revalidationHeaders(policyRequest(request, found.vary));
    const etag = joined(conditionals['if-none-match']);
    const since = joined(conditionals['if-modified-since']);
    if (etag !== undefined && headerOf(spec, 'if-none-match') === undefined) extra.push(['If-None-Match', etag]);
    if (since !== undefined && headerOf(spec, 'if-modified-since') === undefined) extra.push(['If-Modified-Since', since]);
  }
  const sent: RequestSpec = extra.length === 0 ? spec : { ...spec, headers: [...spec.headers, ...extra] };
  const exchange = await execute(sent, retry, inner);
  const last = exchange.attempts[exchange.attempts.length - 1];
  const outcome = last?.outcome;

  if (outcome === undefined || outcome.kind === 'failure') {
    if (found !== null && outcome?.kind === 'failure' && ['connection', 'timeout', 'tls'].includes(outcome.error.kind) && (forced !== null || mayServeStale(policyHeaders(found.policy.responseHeaders())))) {
      const served = servedExchange(spec, found);
      return finish(served, facts('STALE', found.policy, forced, true, `the server could not be reached (${outcome.error.code}): served stale`));
    }
    return finish(exchange, { status: 'MISS', age: null, ttl: null, storable: false, reason: 'no response' });
  }
  const response = outcome.response;
  const now = cache.now;

  if (found !== null && response.status === 304) {
    const notModified = policyHeaders(response.headers);
    const revalidated = found.policy.revalidatedPolicy(policyRequest(request, found.vary), { status: 304, headers: notModified });
    if (!revalidated.modified) {
      // RFC 9111 §3.2: every header of the 304 is added to the stored ones, replacing those of the same name
      // (http-cache-semantics replaces only the names already stored); the body's framing headers are kept.
      const merged = Object.assign(Object.create(null) as Record<string, string>, storedHeaders(found.policy));
      for (const [name, value] of Object.entries(notModified)) if (!NOT_MERGED.has(name)) merged[name] = value;
      const policy = revalidated.matches ? newPolicy(now, policyRequest(request, found.vary), { status: found.variant.status, headers: merged }) : revalidated.policy;
      const variant = variantRecord(found.variant.variant, policy, found.variant.status, found.variant.statusText, found.variant.httpVersion, Buffer.from(found.variant.body, 'base64'), found.variant.decodedFrom, now());
      const unwritten = await writeEntry(cache, request, entry, variant);
      outcome.response = servedResponse({ policy, variant, vary: found.vary }, response.httpVersion);
      return finish(exchange, facts('REVALIDATED', policy, forced, true, `304 Not Modified: the stored body was kept, its headers updated; ${describeFresh(policy, forced)}${unwritten}`));
    }
  }

  // A full response (or a 304 we cannot use): judged on its own, stored when it may be.
  const resHeaders = policyHeaders(response.headers);
  const vary = varyNamesOf(resHeaders.vary);
  const policy = newPolicy(now, policyRequest(request, vary), { status: response.status, headers: resHeaders });
  const decision = decideStorable({
    method: request.method,
    status: response.status,
    headers: resHeaders,
    credentials: request.credentials,
    redirected: (last?.redirects.length ?? 0) > 0,
    undecoded: response.undecoded,
    requestNoStore: false,
    policyStorable: policy.storable() && response.status !== 304,
  });
  const changed = found === null ? '' : hasValidator(storedHeaders(found.policy)) ? 'changed on the server: ' : 'fetched again (the stored response has no validator): ';
  // The stored response was replaced by one that is not kept: it goes (it would otherwise be revalidated forever).
  if (found !== null && entry !== null && (!decision.storable || vary.includes('*'))) await dropVariant(cache, request, entry, found.variant.variant);
  if (!decision.storable) return finish(exchange, { status: 'MISS', age: ageOf(policy), ttl: null, storable: false, reason: `${changed}not stored: ${decision.reason}` });
  if (vary.includes('*')) return finish(exchange, { status: 'MISS', age: ageOf(policy), ttl: null, storable: false, reason: `${changed}not stored: Vary: * (no stored response could ever match)` });
  const lifetime = lifetimeOf(policy, resHeaders, forced);
  if (lifetime.seconds <= 0 && !hasValidator(resHeaders)) {
    return finish(exchange, { status: 'MISS', age: ageOf(policy), ttl: 0, storable: true, reason: `${changed}not kept: stale at once (${lifetime.detail}) and no ETag or Last-Modified to revalidate with` });
  }
  if (response.body === null) return finish(exchange, { status: 'MISS', age: ageOf(policy), ttl: null, storable: true, reason: `${changed}not kept: the body was not read` });
  const variant = variantRecord(variantOf(request, vary), policy, response.status, response.statusText, response.httpVersion, response.body, decodedFrom(response), now());
  const unwritten = await writeEntry(cache, request, entry, variant);
  if (unwritten !== '') return finish(exchange, { status: 'MISS', age: ageOf(policy), ttl: null, storable: true, reason: `${changed}storable, but${unwritten.slice(1)}` });
  return finish(exchange, facts('MISS', policy, forced, true, `${changed}stored: ${lifetime.seconds > 0 ? `fresh for ${lifetime.seconds}s (${lifetime.detail})` : `revalidated on every use (${lifetime.detail})`}`));
}

interface Found {
  readonly policy: Policy;
  readonly variant: StoredVariant;
  readonly vary: readonly string[];
}

function findVariant(entry: StoredEntry, request: CacheRequest, now: () => number): Found | null {
  for (const variant of entry.variants) {
    let policy: Policy;
    try {
      policy = policyFromObject(now, variant.policy);
    } catch {
      continue;
    }
    const vary = varyNamesOf(policyHeaders(policy.responseHeaders()).vary);
    if (vary.includes('*')) continue;
    if (variantOf(request, vary) === variant.variant) return { policy, variant, vary };
  }
  return null;
}

function variantRecord(variant: string, policy: Policy, status: number, statusText: string, httpVersion: string, body: Uint8Array, from: readonly string[], storedAt: number): StoredVariant {
  return {
    variant,
    policy: policy.toObject() as unknown as Record<string, unknown>,
    status,
    statusText,
    httpVersion,
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    decodedFrom: from,
    storedAt,
  };
}

async function readEntry(cache: HttpCacheRun, key: string): Promise<StoredEntry | null> {
  try {
    return await cache.store.read(key);
  } catch {
    return null;
  }
}

/**
 * Stores the variant (first, the others after it, at most MAX_VARIANTS). A cache that cannot be written (disk full)
 * does not fail the request: the result is '' when written, else `; not written to the cache: <why>` for the reason.
 */
async function writeEntry(cache: HttpCacheRun, request: CacheRequest, entry: StoredEntry | null, variant: StoredVariant): Promise<string> {
  const others = (entry?.variants ?? []).filter((v) => v.variant !== variant.variant);
  const variants = [variant, ...others].slice(0, MAX_VARIANTS);
  try {
    await cache.store.write(request.key, { method: request.method, url: request.displayUrl, variants });
    return '';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `; not written to the cache: ${code ?? (error instanceof Error ? error.message : String(error))}`;
  }
}

async function dropVariant(cache: HttpCacheRun, request: CacheRequest, entry: StoredEntry, variant: string): Promise<void> {
  try {
    await cache.store.write(request.key, { method: entry.method, url: entry.url, variants: entry.variants.filter((v) => v.variant !== variant) });
  } catch {
    // Not removed: the next run revalidates it again.
  }
}

/** The codings the body had on the wire (it reached the cache decoded). */
function decodedFrom(response: ResponseData): string[] {
  const value = response.headers['content-encoding'];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

function servedResponse(found: Found, httpVersion?: string): ResponseData {
  const headers = found.policy.responseHeaders() as Record<string, string>;
  const body = Buffer.from(found.variant.body, 'base64');
  const rawHeaders = Object.entries(headers).map(([n, v]) => [n, v] as const);
  return {
    status: found.variant.status,
    statusText: found.variant.statusText,
    httpVersion: httpVersion ?? found.variant.httpVersion,
    headers,
    rawHeaders,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    // Nothing came over the network: the size is that of the stored (decoded) body.
    size: body.byteLength,
    bodyFile: null,
    undecoded: [],
    retryAfterSeconds: null,
  };
}

function servedExchange(spec: RequestSpec, found: Found): ExecutedExchange {
  const attempt: Attempt = { delayMs: 0, request: null, outcome: { kind: 'response', response: servedResponse(found) }, redirects: [], timings: EMPTY_TIMINGS };
  return { spec, attempts: [attempt], retryAfterTooLong: null, retryRefusedAfterBytes: null };
}

/** `--offline` and no usable stored response: `why` null when none is stored. */
function offlineMiss(spec: RequestSpec, why: string | null): ExecutedExchange {
  const url = new URL(spec.url);
  const what = `${spec.method.toUpperCase()} ${url.origin}${url.pathname}`;
  const error = new ConnectionError(why === null ? `--offline: ${what} is not in the cache` : `--offline: the cached ${what} cannot be used: ${why}`, {
    code: 'ECACHEMISS',
    hint: why === null ? 'run it once with --cache, without --offline, to store it' : 'run it without --offline to revalidate it',
  });
  const attempt: Attempt = { delayMs: 0, request: null, outcome: { kind: 'failure', error }, redirects: [], timings: EMPTY_TIMINGS };
  return { spec, attempts: [attempt], retryAfterTooLong: null, retryRefusedAfterBytes: null, cache: { status: 'MISS', age: null, ttl: null, storable: false, reason: `--offline: ${why ?? 'not in the cache'}` } };
}

function facts(status: CacheFacts['status'], policy: Policy, forced: number | null, storable: boolean, reason: string): CacheFacts {
  return { status, age: ageOf(policy), ttl: freshnessLeft(policy, forced), storable, reason };
}

function ageOf(policy: Policy): number {
  return Math.max(0, Math.floor(policy.age()));
}

function describeFresh(policy: Policy, forced: number | null): string {
  const left = freshnessLeft(policy, forced);
  const lifetime = lifetimeOf(policy, policyHeaders(policy.responseHeaders()), forced);
  if (left > 0) return `fresh for ${left}s more (${lifetime.detail})`;
  return lifetime.seconds <= 0 ? `revalidated on every use (${lifetime.detail})` : `stale (${lifetime.detail})`;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function headerOf(spec: RequestSpec, name: string): string | undefined {
  return spec.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Writes the final body to the sink (-o, --format body), as the transport would have streamed it. */
async function deliverBody(exchange: ExecutedExchange, openBodySink: NonNullable<EngineDeps['openBodySink']>, keep: boolean): Promise<void> {
  const last = exchange.attempts[exchange.attempts.length - 1];
  if (last?.outcome.kind !== 'response') return;
  const response = last.outcome.response;
  if (response.body === null) return;
  const sink = openBodySink();
  const bytes = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  try {
    await new Promise<void>((resolve, reject) => {
      sink.stream.once('error', reject);
      sink.stream.end(bytes, (error?: Error | null) => (error ? reject(error) : resolve()));
    });
  } catch (error) {
    // The body's destination failed (-o on a full disk): the response is kept in the record, as the transport does.
    if (!(error instanceof ApitestError)) throw error;
    last.outcome = { kind: 'failure', error, response: { ...response, body: null, bodyFile: null } };
    return;
  }
  last.outcome.response = { ...response, body: keep ? response.body : null, bodyFile: 'stream' };
}
