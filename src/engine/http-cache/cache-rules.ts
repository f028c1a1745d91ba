/**
 * The rules of apitest's private cache on top of http-cache-semantics (pure but for the policy's clock):
 * what is stored, how long it is fresh, and why — in words the reports show.
 *
 * - `shared: false`: a private cache — `private` responses may be stored, `s-maxage` is ignored.
 * - A request with credentials (Authorization, an API key, cookies, OAuth2): the response is stored only when it
 *   says it may be — `public`, `s-maxage` or `must-revalidate` (RFC 9111 §3.5) — even in a private cache.
 * - Only GET responses without redirects, whose body was decoded, are stored; a response that is stale at once
 *   and has no validator is not kept (it could never be used).
 * - `--cache-ttl` replaces the freshness lifetime (max-age, Expires, heuristics, no-cache and must-revalidate
 *   alike); it does not make a `no-store` response, or one refused by the credential rule, storable.
 */
import CachePolicy from 'http-cache-semantics';
import type { ResponseData } from '../types.js';

/** Response headers the cache does not keep: the body is stored decoded, and cookies are not replayed. */
const NOT_KEPT = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'set-cookie']);

export type Policy = CachePolicy;

/** A CachePolicy class whose clock is `now` (http-cache-semantics reads time through `now()`). */
export function policyClass(now: () => number): typeof CachePolicy {
  return class ClockedPolicy extends CachePolicy {
    now(): number {
      return now();
    }
  };
}

export function newPolicy(now: () => number, req: CachePolicy.Request, res: CachePolicy.Response): Policy {
  const Clocked = policyClass(now);
  return new Clocked(req, res, { shared: false });
}

export function policyFromObject(now: () => number, object: Record<string, unknown>): Policy {
  return policyClass(now).fromObject(object as unknown as CachePolicy.CachePolicyObject);
}

/** The response's headers as the policy reads them: one string each (repeats joined), minus those not kept. */
export function policyHeaders(headers: ResponseData['headers']): Record<string, string> {
  // Names come from the server: an object without a prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || NOT_KEPT.has(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Cache-Control directives, lower-case names; a directive without a value is `true`. */
export function parseCacheControl(value: string | undefined): Record<string, string | true> {
  const out = Object.create(null) as Record<string, string | true>;
  if (value === undefined) return out;
  for (const part of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*(?:=\s*(?:"([^"]*)"|([^\s,]*)))?\s*$/.exec(part);
    if (match === null) continue;
    const name = (match[1] ?? '').toLowerCase();
    out[name] = match[2] ?? match[3] ?? true;
  }
  return out;
}

export interface Storability {
  readonly storable: boolean;
  /** Why not, or what makes it storable. */
  readonly reason: string;
}

export interface StoreInput {
  readonly method: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The credentials the request carried (names), empty when none. */
  readonly credentials: readonly string[];
  readonly redirected: boolean;
  readonly undecoded: readonly string[];
  /** Whether the request said `Cache-Control: no-store`. */
  readonly requestNoStore: boolean;
  readonly policyStorable: boolean;
}

/** Whether a response may be stored, with the first rule that decided it. */
export function decideStorable(input: StoreInput): Storability {
  const cc = parseCacheControl(input.headers['cache-control']);
  if (input.method !== 'GET') return { storable: false, reason: `${input.method} responses are not cached (GET only)` };
  if (input.requestNoStore) return { storable: false, reason: 'the request said Cache-Control: no-store' };
  if (cc['no-store'] !== undefined) return { storable: false, reason: 'the response says Cache-Control: no-store' };
  if (input.redirected) return { storable: false, reason: 'the request was redirected (only a direct response is kept)' };
  if (input.undecoded.length > 0) return { storable: false, reason: `the body could not be decoded (${input.undecoded.join(', ')})` };
  if (input.credentials.length > 0 && cc.public === undefined && cc['s-maxage'] === undefined && cc['must-revalidate'] === undefined) {
    return {
      storable: false,
      reason: `the request carries credentials (${input.credentials.join(', ')}) and the response does not say public, s-maxage or must-revalidate`,
    };
  }
  if (!input.policyStorable) return { storable: false, reason: `status ${input.status} is not cacheable without explicit freshness (max-age or Expires)` };
  return { storable: true, reason: 'storable' };
}

export type LifetimeSource = 'max-age' | 'Expires' | 'heuristic' | 'none' | 'no-cache' | 'cache-ttl';

export interface Lifetime {
  /** Seconds, whole. */
  readonly seconds: number;
  readonly source: LifetimeSource;
  /** E.g. `max-age=60`, `Expires: ...`, `10% of the time since Last-Modified`. */
  readonly detail: string;
}

/** The freshness lifetime a private cache gives the response, and where it comes from (RFC 9111 §4.2.1, §4.2.2). */
export function lifetimeOf(policy: Policy, headers: Readonly<Record<string, string>>, forcedTtl: number | null): Lifetime {
  if (forcedTtl !== null) return { seconds: forcedTtl, source: 'cache-ttl', detail: `--cache-ttl ${forcedTtl}s` };
  const cc = parseCacheControl(headers['cache-control']);
  const seconds = Math.max(0, Math.floor(policy.maxAge()));
  if (cc['no-cache'] !== undefined) return { seconds: 0, source: 'no-cache', detail: 'no-cache: every use is revalidated' };
  if (typeof cc['max-age'] === 'string') return { seconds, source: 'max-age', detail: `max-age=${cc['max-age']}${cc['s-maxage'] !== undefined ? ' (s-maxage ignored: a private cache)' : ''}` };
  if (headers.expires !== undefined) return { seconds, source: 'Expires', detail: `Expires: ${headers.expires}` };
  if (headers['last-modified'] !== undefined && seconds > 0) return { seconds, source: 'heuristic', detail: '10% of the time since Last-Modified (heuristic freshness)' };
  if (headers['last-modified'] !== undefined) {
    return { seconds: 0, source: 'heuristic', detail: 'no max-age or Expires; 10% of the time since Last-Modified (heuristic freshness) is under a second' };
  }
  return { seconds: 0, source: 'none', detail: 'no max-age, Expires or Last-Modified' };
}

/** Whether a stored response is fresh now: within the forced lifetime, or the policy's. */
export function isFresh(policy: Policy, forcedTtl: number | null): boolean {
  return forcedTtl === null ? !policy.stale() : policy.age() < forcedTtl;
}

/** Seconds of freshness left (whole, >= 0). */
export function freshnessLeft(policy: Policy, forcedTtl: number | null): number {
  const lifetime = forcedTtl ?? policy.maxAge();
  return Math.max(0, Math.ceil(lifetime - policy.age()));
}

export function hasValidator(headers: Readonly<Record<string, string>>): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined;
}

/** Whether a stale response may be served when the server cannot be reached (RFC 9111 §4.2.4). */
export function mayServeStale(headers: Readonly<Record<string, string>>): boolean {
  const cc = parseCacheControl(headers['cache-control']);
  return cc['must-revalidate'] === undefined && cc['no-cache'] === undefined && cc['proxy-revalidate'] === undefined;
}
