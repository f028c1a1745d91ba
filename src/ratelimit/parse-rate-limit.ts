/**
 * Reads rate-limit state from response headers. Families understood:
 *
 * - `x-ratelimit`: `X-RateLimit-Limit/Remaining/Reset` (GitHub, Envoy, many APIs) and
 *   `X-Rate-Limit-*` (Twitter/X, Okta). If Remaining is missing but `X-RateLimit-Used`
 *   is there, remaining = limit - used.
 * - `ratelimit`: IETF draft ≤ 06 `RateLimit-Limit/Remaining/Reset`. Limit may carry a
 *   policy list (`100, 100;w=60`): the first number is taken (Envoy does the same in
 *   `X-RateLimit-Limit`, so both families read it that way).
 * - `ratelimit-structured`: the `RateLimit` field, either the draft ≥ 08 list of named
 *   service limits (`"default";r=50;t=30`), matched by name with `RateLimit-Policy`
 *   (`"default";q=100;w=60`) for the limit — with several, the one with the smallest
 *   remaining wins (ties: the longer reset) — or the draft-07 dictionary
 *   (`limit=100, remaining=50, reset=5`, also seen with `;` separators). A lone
 *   `RateLimit-Policy` gives the first policy's quota as the limit.
 * - `retry-after`: `Retry-After` via parseRetryAfter.
 *
 * Reset values (x-ratelimit and ratelimit families): > 10^12 is epoch milliseconds,
 * > 10^9 epoch seconds, otherwise seconds from now. An epoch gives the whole seconds
 * left, rounded up, never below 0; a delta is kept as sent (it may be fractional).
 *
 * Which family is the `source`: the one that carries `remaining`, else `limit`
 * (ties broken in the order structured, ratelimit, x-ratelimit), else the first one
 * present with any usable field, else `retry-after` when Retry-After is there.
 * `retryAfterSeconds` always comes from Retry-After; when Retry-After is the source,
 * resetSeconds = retryAfterSeconds. Returns null when no such header is present.
 * A garbled value is null for its field, never NaN or a string.
 *
 * Structured fields are parsed with `structured-headers` (RFC 8941/9651); when the
 * whole field does not parse, each comma-separated member is tried on its own, so
 * one bad member does not hide the others.
 */
import { parseItem, parseList, Token, type BareItem, type Item } from 'structured-headers';
import { firstHeaderValue, allHeaderValues, type HeaderMap } from '../util/header-map.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { RateLimitInfo, RateLimitSource } from './rate-limit-info.js';

interface Reading {
  source: RateLimitSource;
  limit: number | null;
  remaining: number | null;
  resetSeconds: number | null;
}

const EPOCH_MS_THRESHOLD = 1e12;
const EPOCH_S_THRESHOLD = 1e9;
const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * `retryAfterSeconds`: the response's Retry-After as the engine already converted it when the response arrived
 * (ResponseData.retryAfterSeconds); when not given, it is converted here.
 */
export function parseRateLimit(headers: HeaderMap, nowMs: number, retryAfterSeconds: number | null = parseRetryAfter(firstHeaderValue(headers, 'retry-after'), nowMs)): RateLimitInfo | null {
  // Most responses carry none of these headers: said in one pass over the names (what the readers below would find).
  if (retryAfterSeconds === null && !namesRateLimitHeader(headers)) return null;
  const rawRetryAfter = firstHeaderValue(headers, 'retry-after');

  const readings = [
    readStructured(headers),
    readNumbered(headers, ['ratelimit-'], 'ratelimit', nowMs),
    readNumbered(headers, ['x-ratelimit-', 'x-rate-limit-'], 'x-ratelimit', nowMs),
  ].filter((r): r is Reading => r !== null);

  const chosen =
    readings.find((r) => r.remaining !== null) ??
    readings.find((r) => r.limit !== null) ??
    readings.find((r) => r.resetSeconds !== null) ??
    (retryAfterSeconds !== null || rawRetryAfter !== undefined
      ? { source: 'retry-after' as const, limit: null, remaining: null, resetSeconds: retryAfterSeconds }
      : readings[0]);
  if (chosen === undefined) return null;

  return {
    limit: chosen.limit,
    remaining: chosen.remaining,
    resetSeconds: chosen.resetSeconds,
    resetAt: resetAtIso(chosen.resetSeconds, nowMs),
    retryAfterSeconds,
    source: chosen.source,
  };
}

/**
 * Whether any header name is one the readers look at (any case): Retry-After, RateLimit*, X-RateLimit-*,
 * X-Rate-Limit-*. Only names that begin with an r or an x are lower-cased.
 */
function namesRateLimitHeader(headers: HeaderMap): boolean {
  for (const key of Object.keys(headers)) {
    const first = key.charCodeAt(0) | 0x20;
    if (first !== 0x72 && first !== 0x78) continue;
    const lower = key.toLowerCase();
    if (lower === 'retry-after' || lower.startsWith('ratelimit') || lower.startsWith('x-ratelimit-') || lower.startsWith('x-rate-limit-')) return true;
  }
  return false;
}

/** Latest time a Date holds (ECMA-262: ±8.64e15 ms from the epoch). */
const MAX_DATE_MS = 8.64e15;

/**
 * When the reset happens, as an ISO date; null when it is past what a date can hold (a reset of
 * `9007199254740991` read as epoch milliseconds, or `t=99999999999999`): `toISOString` would throw.
 */
function resetAtIso(resetSeconds: number | null, nowMs: number): string | null {
  if (resetSeconds === null) return null;
  const at = nowMs + resetSeconds * 1000;
  return Number.isFinite(at) && Math.abs(at) <= MAX_DATE_MS ? new Date(at).toISOString() : null;
}

/** `X-RateLimit-*`-style families; null when none of their headers is present. */
function readNumbered(
  headers: HeaderMap,
  prefixes: readonly string[],
  source: RateLimitSource,
  nowMs: number,
): Reading | null {
  const pick = (suffix: string): string | undefined => {
    for (const prefix of prefixes) {
      const value = firstHeaderValue(headers, prefix + suffix);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const rawLimit = pick('limit');
  const rawRemaining = pick('remaining');
  const rawReset = pick('reset');
  const rawUsed = source === 'x-ratelimit' ? pick('used') : undefined;
  if (rawLimit === undefined && rawRemaining === undefined && rawReset === undefined) return null;

  const limit = firstNumber(rawLimit);
  let remaining = firstNumber(rawRemaining);
  const used = firstNumber(rawUsed);
  if (remaining === null && limit !== null && used !== null) remaining = Math.max(0, limit - used);
  return { source, limit, remaining, resetSeconds: resetToSeconds(firstNumber(rawReset), nowMs) };
}

/** `RateLimit` / `RateLimit-Policy`; null when neither is present. */
function readStructured(headers: HeaderMap): Reading | null {
  const limitLines = allHeaderValues(headers, 'ratelimit');
  const policyLines = allHeaderValues(headers, 'ratelimit-policy');
  if (limitLines.length === 0 && policyLines.length === 0) return null;

  const policies = new Map<string, number>();
  let firstQuota: number | null = null;
  for (const [bare, params] of tolerantList(policyLines.join(', '))) {
    // Drafts 06/07 wrote a policy as `100;w=60`: the item itself is the quota.
    const quota = nonNegative(params.get('q')) ?? nonNegative(bare);
    if (quota === null) continue;
    firstQuota ??= quota;
    const name = itemName(bare);
    if (name !== null && !policies.has(name)) policies.set(name, quota);
  }

  const rateLimitText = limitLines.join(', ');
  let best: { name: string | null; remaining: number; reset: number | null } | null = null;
  for (const [bare, params] of tolerantList(rateLimitText)) {
    const remaining = nonNegative(params.get('r'));
    if (remaining === null) continue;
    const reset = nonNegative(params.get('t'));
    const moreRestrictive =
      best === null ||
      remaining < best.remaining ||
      (remaining === best.remaining && (reset ?? -1) > (best.reset ?? -1));
    if (moreRestrictive) best = { name: itemName(bare), remaining, reset };
  }
  if (best !== null) {
    const limit = best.name === null ? null : (policies.get(best.name) ?? null);
    return { source: 'ratelimit-structured', limit, remaining: best.remaining, resetSeconds: best.reset };
  }

  const dictionary = readDraft07Dictionary(rateLimitText);
  if (dictionary !== null) return dictionary;

  return { source: 'ratelimit-structured', limit: firstQuota, remaining: null, resetSeconds: null };
}

/** Draft-07 `RateLimit: limit=100, remaining=50, reset=5` (tolerating `;` and spaces). */
function readDraft07Dictionary(text: string): Reading | null {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/(?:^|[\s,;])(limit|remaining|reset)\s*=\s*([^\s,;]*)/gi)) {
    const key = (m[1] ?? '').toLowerCase();
    if (!found.has(key)) found.set(key, m[2] ?? '');
  }
  if (found.size === 0) return null;
  return {
    source: 'ratelimit-structured',
    limit: firstNumber(found.get('limit')),
    remaining: firstNumber(found.get('remaining')),
    resetSeconds: firstNumber(found.get('reset')),
  };
}

/** A structured List, member by member when the whole does not parse. Never throws. */
function tolerantList(text: string): Item[] {
  if (text.trim() === '') return [];
  try {
    return parseList(text).filter((member): member is Item => !Array.isArray(member[0]));
  } catch {
    const items: Item[] = [];
    for (const part of splitOutsideQuotes(text)) {
      try {
        items.push(parseItem(part));
      } catch {
        // a malformed member is skipped
      }
    }
    return items;
  }
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quoted && ch === '\\') {
      current += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function itemName(bare: BareItem): string | null {
  if (typeof bare === 'string') return bare;
  if (bare instanceof Token) return bare.toString();
  return null;
}

function nonNegative(value: BareItem | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** The leading number of `100`, `100, 100;w=60` or ` 42 `; null for anything else. */
function firstNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const head = (raw.split(',')[0] ?? '').split(';')[0]?.trim() ?? '';
  if (!NUMBER.test(head)) return null;
  const n = Number(head);
  return Number.isFinite(n) ? n : null;
}

function resetToSeconds(value: number | null, nowMs: number): number | null {
  if (value === null) return null;
  if (value > EPOCH_MS_THRESHOLD) return Math.max(0, Math.ceil((value - nowMs) / 1000));
  if (value > EPOCH_S_THRESHOLD) return Math.max(0, Math.ceil((value * 1000 - nowMs) / 1000));
  return value;
}
