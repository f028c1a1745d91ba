import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { serializeList, Token, type Item } from 'structured-headers';
import { parseRateLimit } from '../../src/ratelimit/parse-rate-limit.js';
import { exhaustedWaitMs } from '../../src/ratelimit/rate-limit-info.js';
import { createServerGate } from '../../src/ratelimit/server-gate.js';
import type { Clock } from '../../src/util/clock.js';
import type { HeaderMap } from '../../src/util/header-map.js';
import { blank, checkProperty, HEADER_TEXT_MAX, hostileTextUpTo, mutated, outcome, PROPERTY_TIMEOUT_MS, PROTOTYPE_KEYS, timed, withLongRun } from './fuzz.js';

const PARSER = 'RateLimit headers';
const NOW = Date.UTC(2026, 4, 17, 12, 0, 0);
const SOURCES = ['x-ratelimit', 'ratelimit', 'ratelimit-structured', 'retry-after'];

/** A header map as the transport builds it: null prototype, lower-case names, a string or an array. */
function headerMap(entries: ReadonlyArray<readonly [string, string | string[]]>): HeaderMap {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of entries) out[name] = value;
  return out;
}

const count = fc.nat({ max: 1_000_000 });

/** `X-RateLimit-*` (or `X-Rate-Limit-*`, or draft `RateLimit-*`) with whole numbers; reset as seconds from now. */
const numbered = fc.record({
  prefix: fc.constantFrom('x-ratelimit-', 'x-rate-limit-', 'ratelimit-'),
  limit: count,
  remaining: count,
  reset: fc.nat({ max: 86_400 }),
  a: blank,
  b: blank,
});

/** Draft ≥ 08 `RateLimit` / `RateLimit-Policy`, written by structured-headers' own serializer. */
const POLICY_NAMES = ['default', 'burst', 'daily', ...PROTOTYPE_KEYS].filter((n) => /^[a-z_*][a-z0-9_\-.*]*$/i.test(n));
const structured = fc.record({
  limits: fc.array(fc.record({ name: fc.constantFrom(...POLICY_NAMES), r: count, t: fc.option(fc.nat({ max: 86_400 }), { nil: undefined }), quoted: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  policies: fc.array(fc.record({ name: fc.constantFrom(...POLICY_NAMES), q: count, w: fc.integer({ min: 1, max: 86_400 }) }), { maxLength: 4 }),
});

type StructuredSpec = typeof structured extends fc.Arbitrary<infer T> ? T : never;

function structuredHeaders(spec: StructuredSpec): HeaderMap {
  // A Token starts with a letter or `*` (RFC 9651): other names (`__proto__`) can only be written as strings.
  const limits: Item[] = spec.limits.map(({ name, r, t, quoted }) => [quoted || !/^[a-z*]/i.test(name) ? name : new Token(name), new Map<string, number>([['r', r], ...(t === undefined ? [] : ([['t', t]] as Array<[string, number]>))])]);
  const entries: Array<[string, string]> = [['ratelimit', serializeList(limits)]];
  if (spec.policies.length > 0) {
    entries.push(['ratelimit-policy', serializeList(spec.policies.map(({ name, q, w }): Item => [name, new Map([['q', q], ['w', w]])]))]);
  }
  return headerMap(entries);
}

/** RateLimit's rule: the limit with the fewest remaining (ties: the later reset); its quota from the policy of that name. */
function expectedStructured(spec: StructuredSpec): { remaining: number; reset: number | null; limit: number | null } {
  let best = spec.limits[0] as StructuredSpec['limits'][number];
  for (const l of spec.limits.slice(1)) if (l.r < best.r || (l.r === best.r && (l.t ?? -1) > (best.t ?? -1))) best = l;
  const policy = spec.policies.find((p) => p.name === best.name);
  return { remaining: best.r, reset: best.t ?? null, limit: policy?.q ?? null };
}

/** Any header map: the names parse-rate-limit reads (in any case), awkward names, any values, repeated fields. */
const FAMILY_NAMES = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-ratelimit-used',
  'x-rate-limit-limit',
  'x-rate-limit-remaining',
  'x-rate-limit-reset',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'X-RateLimit-Reset',
  'RateLimit',
  ...PROTOTYPE_KEYS,
];
const numberText = fc.oneof(
  count.map(String),
  fc.constantFrom('0', '1e3', '99999999999999999999', '9'.repeat(400), '1.5', '-1', '1700000000', '1700000000000', '8640000000000001', '100, 100;w=60', ' 42 '),
  fc.double({ noNaN: true }).map(String),
);
const valueText = fc.oneof(
  numberText,
  fc.constantFrom('"default";r=0;t=99999999999999', 'limit=100, remaining=0, reset=99999999999999999', '"a";r=1;t=1, "b";r=0;t=999999999999999', 'q=1;w=1', '"x";q=0', 'Sun, 06 Nov 1994 08:49:37 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', '9007199254740991'),
  mutated(fc.constantFrom('"default";r=50;t=30', '"default";q=100;w=60', 'limit=100, remaining=50, reset=5')),
  withLongRun(fc.constantFrom('"default";r=50;t=30', '100', 'limit=1, remaining=0'), HEADER_TEXT_MAX),
  hostileTextUpTo(HEADER_TEXT_MAX),
);
const anyHeaders = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FAMILY_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), fc.oneof(valueText, fc.array(valueText, { maxLength: 3 }))), { maxLength: 8 })
  .map((entries) => headerMap(entries));

function checkInfo(headers: HeaderMap, now: number): void {
  const result = outcome('parseRateLimit', [], () => parseRateLimit(headers, now));
  if (!result.ok || result.value === null) return;
  const info = result.value;
  expect(SOURCES).toContain(info.source);
  for (const field of [info.limit, info.remaining, info.resetSeconds, info.retryAfterSeconds]) {
    if (field !== null) {
      expect(Number.isFinite(field)).toBe(true);
      expect(field).toBeGreaterThanOrEqual(0);
    }
  }
  if (info.resetAt !== null) expect(new Date(info.resetAt).toISOString()).toBe(info.resetAt);
  const wait = timed('exhaustedWaitMs', () => exhaustedWaitMs(info));
  if (wait !== null) {
    expect(Number.isFinite(wait)).toBe(true);
    expect(wait).toBeGreaterThanOrEqual(0);
  }
}

describe('property: the RateLimit headers (X-RateLimit-*, RateLimit-*, RateLimit/RateLimit-Policy, Retry-After)', () => {
  test(
    'X-RateLimit-* / RateLimit-* with whole numbers: limit, remaining and reset as sent',
    async () => {
      await checkProperty(PARSER, 'numbered family → values', numbered, ({ prefix, limit, remaining, reset, a, b }) => {
        const headers = headerMap([
          [`${prefix}limit`, `${a}${limit}${b}`],
          [`${prefix}remaining`, `${a}${remaining}${b}`],
          [`${prefix}reset`, `${a}${reset}${b}`],
        ]);
        const info = timed('parseRateLimit', () => parseRateLimit(headers, NOW));
        expect(info).toEqual({
          limit,
          remaining,
          resetSeconds: reset,
          resetAt: new Date(NOW + reset * 1000).toISOString(),
          retryAfterSeconds: null,
          source: prefix === 'ratelimit-' ? 'ratelimit' : 'x-ratelimit',
        });
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: RateLimit and RateLimit-Policy written by a structured-field serializer read back',
    async () => {
      await checkProperty(PARSER, 'structured fields → values', structured, (spec) => {
        const info = timed('parseRateLimit', () => parseRateLimit(structuredHeaders(spec), NOW));
        const want = expectedStructured(spec);
        expect(info?.source).toBe('ratelimit-structured');
        expect(info?.remaining).toBe(want.remaining);
        expect(info?.resetSeconds).toBe(want.reset);
        expect(info?.limit).toBe(want.limit);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any headers: numbers finite and >= 0 or null, a valid resetAt or null, a known source; never a throw; fast',
    async () => {
      await checkProperty(PARSER, 'any headers → info or null', fc.tuple(anyHeaders, fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 8.64e15 }))), ([headers, now]) => {
        checkInfo(headers, now);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'the server gate waits at most its cap, whatever the headers say',
    async () => {
      await checkProperty(PARSER, 'any headers → bounded wait', anyHeaders, async (headers) => {
        let slept = 0;
        const clock: Clock = { now: () => NOW, sleep: async (ms) => void (slept += ms) };
        const gate = createServerGate(clock, 30_000);
        const observed = outcome('ServerGate.observe', [], () => gate.observe(headers));
        if (!observed.ok) return;
        const waited = await gate.beforeRequest('http://127.0.0.1:1/next');
        expect(waited).toBeGreaterThanOrEqual(0);
        expect(waited).toBeLessThanOrEqual(30_000);
        expect(slept).toBe(waited);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
