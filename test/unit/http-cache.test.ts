/**
 * The HTTP cache's pure logic: the key and what it hides (cache-request.ts), the storing and freshness rules
 * (cache-rules.ts), explain's verdicts and advice, the flag checks, the expectation subjects — and the cached
 * execution (execute-cached.ts) with an in-memory store, a fake engine and an injected clock.
 */
import { describe, expect, test } from '@jest/globals';
import { cacheRequestOf, variantOf, varyNamesOf } from '../../src/engine/http-cache/cache-request.js';
import { decideStorable, freshnessLeft, isFresh, lifetimeOf, newPolicy, parseCacheControl, type StoreInput } from '../../src/engine/http-cache/cache-rules.js';
import type { CacheStore, HttpCacheRun, StoredEntry } from '../../src/engine/http-cache/cache-types.js';
import { executeCached } from '../../src/engine/http-cache/execute-cached.js';
import { explainResponse } from '../../src/engine/http-cache/explain.js';
import type { EngineDeps, ExecutedExchange } from '../../src/engine/execute.js';
import { EMPTY_TIMINGS, type ResponseData } from '../../src/engine/types.js';
import { parseExpectation } from '../../src/expect/parse-expression.js';
import { resolveSubject, type ResponseFacts } from '../../src/expect/subject-context.js';
import { createRequestSpec, NO_AUTH, type RequestInput, type RequestSpec } from '../../src/model/request-spec.js';
import { Secret } from '../../src/redact/secret.js';
import { parseCacheSettings } from '../../src/cli/parse/cache-settings.js';

const LABELS = { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'api key', apiKeyHeader: 'auth header', timeout: 'timeout', connectTimeout: 'connect timeout', maxRedirects: 'max redirects', maxBody: 'max body' };

function spec(over: Partial<RequestInput> = {}): RequestSpec {
  return createRequestSpec(
    { url: 'http://h.test/x', method: null, headers: [], body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 30_000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null, ...over },
    LABELS,
  );
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('cache key and request view', () => {
  test('method + URL + credentials make the key; no credential in clear anywhere', () => {
    const plain = cacheRequestOf(spec());
    const bearer = cacheRequestOf(spec({ auth: { authorization: { kind: 'bearer', token: new Secret('tok-SECRET') }, apiKey: null } }));
    const other = cacheRequestOf(spec({ auth: { authorization: { kind: 'bearer', token: new Secret('tok-OTHER') }, apiKey: null } }));
    const query = cacheRequestOf(spec({ auth: { authorization: null, apiKey: { key: new Secret('key-SECRET'), header: 'X-API-Key', query: 'api_key' } } }));
    expect(new Set([plain.key, bearer.key, other.key, query.key]).size).toBe(4);
    expect(plain.key).toMatch(/^[0-9a-f]{64}$/);
    expect(bearer.credentials).toEqual(['Authorization']);
    expect(query.credentials).toEqual(['API key']);
    expect(query.displayUrl).toBe('http://h.test/x');
    const all = JSON.stringify([bearer, query]);
    expect(all).not.toContain('tok-SECRET');
    expect(all).not.toContain('key-SECRET');
    expect(bearer.headers.authorization).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(cacheRequestOf(spec({ url: 'http://ann:pw@h.test/x#frag' })).displayUrl).toBe('http://ann:****@h.test/x');
    expect(cacheRequestOf(spec({ method: 'GET', headers: [['Cookie', 'sid=1']] })).credentials).toEqual(['Cookie']);
  });

  test('a variant is the values of the Vary headers', () => {
    const fr = cacheRequestOf(spec({ headers: [['Accept-Language', 'fr']] }));
    const en = cacheRequestOf(spec({ headers: [['Accept-Language', 'en']] }));
    expect(varyNamesOf('Accept-Language, accept-encoding ,')).toEqual(['accept-encoding', 'accept-language']);
    expect(variantOf(fr, ['accept-language'])).not.toBe(variantOf(en, ['accept-language']));
    expect(variantOf(fr, [])).toBe(variantOf(en, []));
  });
});

describe('storing rules', () => {
  const base: StoreInput = { method: 'GET', status: 200, headers: { 'cache-control': 'max-age=60' }, credentials: [], redirected: false, undecoded: [], requestNoStore: false, policyStorable: true };
  test.each<[string, Partial<StoreInput>, boolean, string]>([
    ['plain max-age', {}, true, 'storable'],
    ['POST', { method: 'POST' }, false, 'GET only'],
    ['no-store', { headers: { 'cache-control': 'no-store' } }, false, 'no-store'],
    ['request no-store', { requestNoStore: true }, false, 'request said'],
    ['private without credentials', { headers: { 'cache-control': 'private, max-age=60' } }, true, 'storable'],
    ['private with credentials', { headers: { 'cache-control': 'private, max-age=60' }, credentials: ['Authorization'] }, false, 'credentials (Authorization)'],
    ['public with credentials', { headers: { 'cache-control': 'public, max-age=60' }, credentials: ['Authorization'] }, true, 'storable'],
    ['must-revalidate with credentials', { headers: { 'cache-control': 'max-age=0, must-revalidate' }, credentials: ['API key'] }, true, 'storable'],
    ['s-maxage with credentials', { headers: { 's-maxage': '1', 'cache-control': 's-maxage=60' }, credentials: ['Cookie'] }, true, 'storable'],
    ['redirected', { redirected: true }, false, 'redirected'],
    ['undecoded body', { undecoded: ['zstd'] }, false, 'zstd'],
    ['status not cacheable by default', { status: 500, policyStorable: false }, false, 'status 500'],
  ])('%s', (_name, over, storable, reason) => {
    const decision = decideStorable({ ...base, ...over });
    expect(decision.storable).toBe(storable);
    expect(decision.reason).toContain(reason);
  });

  const policy = (headers: Record<string, string>, now = (): number => T0) => newPolicy(now, { method: 'GET', url: '/k', headers: { host: 'h.test' } }, { status: 200, headers: { date: new Date(T0).toUTCString(), ...headers } });

  test.each<[string, Record<string, string>, number | null, { seconds: number; source: string }]>([
    ['max-age', { 'cache-control': 'max-age=60' }, null, { seconds: 60, source: 'max-age' }],
    ['s-maxage is ignored by a private cache', { 'cache-control': 's-maxage=600, max-age=60' }, null, { seconds: 60, source: 'max-age' }],
    ['s-maxage alone gives nothing', { 'cache-control': 's-maxage=600' }, null, { seconds: 0, source: 'none' }],
    ['Expires', { expires: new Date(T0 + 120_000).toUTCString() }, null, { seconds: 120, source: 'Expires' }],
    ['heuristic from Last-Modified (10%)', { 'last-modified': new Date(T0 - 1000_000).toUTCString() }, null, { seconds: 100, source: 'heuristic' }],
    // httpbin's /cache: Last-Modified is the Date, so 10% of no time is 0 s — said as such, not as "no Last-Modified".
    ['heuristic from a Last-Modified of just now: 0 s', { 'last-modified': new Date(T0).toUTCString() }, null, { seconds: 0, source: 'heuristic' }],
    ['no-cache', { 'cache-control': 'no-cache', etag: '"a"' }, null, { seconds: 0, source: 'no-cache' }],
    ['nothing', {}, null, { seconds: 0, source: 'none' }],
    ['--cache-ttl wins', { 'cache-control': 'max-age=5' }, 300, { seconds: 300, source: 'cache-ttl' }],
  ])('lifetime: %s', (_name, headers, forced, expected) => {
    expect(lifetimeOf(policy(headers), headers, forced)).toMatchObject(expected);
  });

  test('freshness follows the clock; --cache-ttl replaces the lifetime', () => {
    let now = T0;
    const p = policy({ 'cache-control': 'max-age=60' }, () => now);
    expect(isFresh(p, null)).toBe(true);
    expect(freshnessLeft(p, null)).toBe(60);
    now = T0 + 59_000;
    expect(freshnessLeft(p, null)).toBe(1);
    now = T0 + 61_000;
    expect(isFresh(p, null)).toBe(false);
    expect(isFresh(p, 120)).toBe(true);
    expect(freshnessLeft(p, 120)).toBe(59);
  });

  test('Cache-Control parsing: lower-case names, quoted values, bare directives', () => {
    expect(parseCacheControl('Max-Age=60, private="set-cookie", no-cache')).toEqual({ 'max-age': '60', private: 'set-cookie', 'no-cache': true });
  });
});

function response(status: number, headers: Record<string, string>, body = ''): ResponseData {
  return { status, statusText: status === 304 ? 'Not Modified' : 'OK', httpVersion: '1.1', headers, rawHeaders: Object.entries(headers), body: new Uint8Array(Buffer.from(body)), size: body.length, bodyFile: null, undecoded: [], retryAfterSeconds: null };
}

describe('explain', () => {
  test('advice for a response without freshness or validators, and for credentials', () => {
    const e = explainResponse(cacheRequestOf(spec()), response(200, {}), false, () => T0);
    expect(e.lifetime.source).toBe('none');
    expect(e.advice.join('\n')).toMatch(/max-age=<seconds>[\s\S]*ETag/);
    const withToken = explainResponse(cacheRequestOf(spec({ auth: { authorization: { kind: 'bearer', token: new Secret('t') }, apiKey: null } })), response(200, { 'cache-control': 'private, max-age=60', etag: '"x"' }), false, () => T0);
    expect(withToken.storable).toBe(false);
    expect(withToken.shared).toContain('private');
    expect(withToken.advice.join('\n')).toContain('must-revalidate');
    const good = explainResponse(cacheRequestOf(spec()), response(200, { 'cache-control': 'max-age=60', etag: '"x"', vary: 'Accept' }), false, () => T0);
    expect(good).toMatchObject({ storable: true, advice: [], vary: ['accept'], validators: { etag: '"x"', lastModified: null } });
  });
});

describe('flags', () => {
  test.each<[object, string, string | null]>([
    [{ cacheTtl: '60' }, 'GET', '--cache-ttl needs --cache'],
    [{ offline: true, cacheRevalidate: true }, 'GET', 'cannot be used together'],
    [{ offline: true }, 'POST', 'GET requests only'],
    [{ cache: true, cacheTtl: 'soon' }, 'GET', 'invalid duration'],
    [{ cache: true, cacheTtl: '90' }, 'GET', null],
  ])('%j %s', (raw, method, error) => {
    if (error === null) expect(parseCacheSettings(raw, method)).toEqual({ dir: null, mode: 'use', ttlSeconds: 90 });
    else expect(() => parseCacheSettings(raw, method)).toThrow(error);
  });
  test('modes', () => {
    expect(parseCacheSettings({}, 'GET')).toBeNull();
    expect(parseCacheSettings({ cache: '/tmp/c', cacheRevalidate: true }, 'GET')).toEqual({ dir: '/tmp/c', mode: 'revalidate', ttlSeconds: null });
    expect(parseCacheSettings({ offline: true, cacheTtl: '1m' }, 'GET')).toEqual({ dir: null, mode: 'offline', ttlSeconds: 60 });
  });
});

describe('expectation subjects', () => {
  const facts: ResponseFacts = { status: 200, headers: {}, bodyText: '', json: undefined, durationMs: 0, sizeBytes: 0, cache: { status: 'HIT', storable: true, ttl: 42, age: 3 } };
  test.each<[string, unknown]>([
    ['cache == "HIT"', 'HIT'],
    ['cache storable == true', true],
    ['cache ttl >= 30', 42],
    ['cache age < 10', 3],
  ])('%s', (text, value) => {
    expect(resolveSubject(parseExpectation(text).subject, facts)).toEqual({ found: true, value });
  });
  test('without --cache', () => {
    const { cache: _unused, ...plain } = facts;
    expect(resolveSubject(parseExpectation('cache == "HIT"').subject, plain)).toEqual({ found: false, reason: 'the HTTP cache was not used (add --cache)' });
  });
});

describe('cached execution (fake engine, in-memory store, injected clock)', () => {
  function setup(mode: HttpCacheRun['mode'] = 'use', ttlSeconds: number | null = null) {
    const files = new Map<string, string>();
    const store: CacheStore = { location: 'mem', read: async (k) => (files.has(k) ? (JSON.parse(files.get(k) ?? '') as StoredEntry) : null), write: async (k, e) => void files.set(k, JSON.stringify(e)) };
    let now = T0;
    const sent: RequestSpec[] = [];
    const answers: ResponseData[] = [];
    const execute = async (s: RequestSpec): Promise<ExecutedExchange> => {
      sent.push(s);
      const next = answers.shift();
      if (next === undefined) throw new Error('unexpected request');
      return { spec: s, attempts: [{ delayMs: 0, request: null, outcome: { kind: 'response', response: next }, redirects: [], timings: EMPTY_TIMINGS }], retryAfterTooLong: null, retryRefusedAfterBytes: null };
    };
    const cache: HttpCacheRun = { store, mode, ttlSeconds, now: () => now };
    const run = (s = spec()) => executeCached(s, { limit: 0, retryOn: [], baseDelayMs: 0, maxDelayMs: 0, factor: 2, allMethods: false }, cache, {} as EngineDeps, execute);
    return { files, sent, answers, run, tick: (ms: number) => void (now += ms), setMode: (m: HttpCacheRun['mode']) => ((cache as { mode: HttpCacheRun['mode'] }).mode = m) };
  }
  const body = (x: ExecutedExchange): string => {
    const o = x.attempts[0]?.outcome;
    return o?.kind === 'response' ? Buffer.from(o.response.body ?? new Uint8Array()).toString() : '';
  };
  const date = new Date(T0).toUTCString();

  test('MISS then HIT while fresh, then revalidated once stale: the 304 merged, the body kept', async () => {
    const c = setup();
    c.answers.push(response(200, { date, 'cache-control': 'max-age=60', etag: '"v1"', 'x-a': '1', 'content-encoding': 'gzip' }, '{"v":1}'));
    expect((await c.run()).cache).toMatchObject({ status: 'MISS', ttl: 60, storable: true });
    c.tick(30_000);
    const hit = await c.run();
    expect(hit.cache).toMatchObject({ status: 'HIT', age: 30, ttl: 30 });
    expect(body(hit)).toBe('{"v":1}');
    c.tick(31_000);
    c.answers.push(response(304, { date: new Date(T0 + 61_000).toUTCString(), 'cache-control': 'max-age=60', etag: '"v1"', 'x-b': '2', 'content-encoding': 'br' }));
    const revalidated = await c.run();
    expect(revalidated.cache?.status).toBe('REVALIDATED');
    expect(c.sent.at(-1)?.headers).toContainEqual(['If-None-Match', '"v1"']);
    expect(body(revalidated)).toBe('{"v":1}');
    const o = revalidated.attempts[0]?.outcome;
    const headers = o?.kind === 'response' ? o.response.headers : {};
    expect(headers).toMatchObject({ 'x-a': '1', 'x-b': '2', etag: '"v1"' });
    expect(headers['content-encoding']).toBeUndefined();
    expect(c.sent).toHaveLength(2);
  });

  test('--offline: a stale response is served STALE; nothing stored is ECACHEMISS (exit 3)', async () => {
    const c = setup();
    c.answers.push(response(200, { date, 'cache-control': 'max-age=1', etag: '"v1"' }, 'old'));
    await c.run();
    c.tick(5_000);
    c.setMode('offline');
    expect((await c.run()).cache?.status).toBe('STALE');
    const mr = setup('offline');
    expect((await mr.run()).attempts[0]?.outcome).toMatchObject({ kind: 'failure', error: { code: 'ECACHEMISS' } });
  });

  test('--no-cache revalidates a fresh response and sends Cache-Control: no-cache', async () => {
    const c = setup();
    c.answers.push(response(200, { date, 'cache-control': 'max-age=600', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }, 'x'));
    await c.run();
    c.setMode('revalidate');
    c.answers.push(response(304, { date }));
    expect((await c.run()).cache?.status).toBe('REVALIDATED');
    expect(c.sent.at(-1)?.headers).toEqual(expect.arrayContaining([['Cache-Control', 'no-cache'], ['If-Modified-Since', 'Mon, 01 Jan 2024 00:00:00 GMT']]));
  });

  test('BYPASS for a POST; never stored', async () => {
    const c = setup();
    c.answers.push(response(200, { date, 'cache-control': 'max-age=60' }, 'x'));
    expect((await c.run(spec({ method: 'POST' }))).cache).toMatchObject({ status: 'BYPASS', storable: false });
    expect(c.files.size).toBe(0);
  });
});

describe('a cache that cannot be written', () => {
  test('the request succeeds; the reason says it was not written', async () => {
    const store: CacheStore = { location: 'mem', read: async () => null, write: async () => Promise.reject(Object.assign(new Error('full'), { code: 'ENOSPC' })) };
    const execute = async (s: RequestSpec): Promise<ExecutedExchange> => ({
      spec: s,
      attempts: [{ delayMs: 0, request: null, outcome: { kind: 'response', response: response(200, { date: new Date(T0).toUTCString(), 'cache-control': 'max-age=60' }, 'x') }, redirects: [], timings: EMPTY_TIMINGS }],
      retryAfterTooLong: null,
      retryRefusedAfterBytes: null,
    });
    const result = await executeCached(spec(), { limit: 0, retryOn: [], baseDelayMs: 0, maxDelayMs: 0, factor: 2, allMethods: false }, { store, mode: 'use', ttlSeconds: null, now: () => T0 }, {} as EngineDeps, execute);
    expect(result.cache).toEqual({ status: 'MISS', age: 0, ttl: null, storable: true, reason: 'storable, but not written to the cache: ENOSPC' });
  });
});

describe('a request that asks for revalidation', () => {
  test('-H "Cache-Control: no-cache" revalidates a fresh stored response', async () => {
    const files = new Map<string, string>();
    const store: CacheStore = { location: 'mem', read: async (k) => (files.has(k) ? (JSON.parse(files.get(k) ?? '') as StoredEntry) : null), write: async (k, e) => void files.set(k, JSON.stringify(e)) };
    const answers = [response(200, { date: new Date(T0).toUTCString(), 'cache-control': 'max-age=600', etag: '"e"' }, 'x'), response(304, { date: new Date(T0).toUTCString(), etag: '"e"' })];
    const sent: RequestSpec[] = [];
    const execute = async (s: RequestSpec): Promise<ExecutedExchange> => {
      sent.push(s);
      return { spec: s, attempts: [{ delayMs: 0, request: null, outcome: { kind: 'response', response: answers.shift() ?? response(500, {}) }, redirects: [], timings: EMPTY_TIMINGS }], retryAfterTooLong: null, retryRefusedAfterBytes: null };
    };
    const run = (s: RequestSpec) => executeCached(s, { limit: 0, retryOn: [], baseDelayMs: 0, maxDelayMs: 0, factor: 2, allMethods: false }, { store, mode: 'use', ttlSeconds: null, now: () => T0 }, {} as EngineDeps, execute);
    expect((await run(spec())).cache?.status).toBe('MISS');
    expect((await run(spec({ headers: [['Cache-Control', 'no-cache']] }))).cache?.status).toBe('REVALIDATED');
    expect(sent).toHaveLength(2);
  });
});

describe('a stored response replaced by one that may not be stored', () => {
  test('is removed', async () => {
    const files = new Map<string, string>();
    const store: CacheStore = { location: 'mem', read: async (k) => (files.has(k) ? (JSON.parse(files.get(k) ?? '') as StoredEntry) : null), write: async (k, e) => void files.set(k, JSON.stringify(e)) };
    const answers = [response(200, { date: new Date(T0).toUTCString(), 'cache-control': 'max-age=0', etag: '"e"' }, 'x'), response(200, { date: new Date(T0).toUTCString(), 'cache-control': 'no-store' }, 'y')];
    const execute = async (s: RequestSpec): Promise<ExecutedExchange> => ({ spec: s, attempts: [{ delayMs: 0, request: null, outcome: { kind: 'response', response: answers.shift() ?? response(500, {}) }, redirects: [], timings: EMPTY_TIMINGS }], retryAfterTooLong: null, retryRefusedAfterBytes: null });
    const run = () => executeCached(spec(), { limit: 0, retryOn: [], baseDelayMs: 0, maxDelayMs: 0, factor: 2, allMethods: false }, { store, mode: 'use', ttlSeconds: null, now: () => T0 }, {} as EngineDeps, execute);
    await run();
    expect([...files.values()].map((f) => (JSON.parse(f) as StoredEntry).variants.length)).toEqual([1]);
    expect((await run()).cache).toMatchObject({ status: 'MISS', storable: false, reason: 'changed on the server: not stored: the response says Cache-Control: no-store' });
    expect([...files.values()].map((f) => (JSON.parse(f) as StoredEntry).variants.length)).toEqual([0]);
  });
});
