/**
 * The token provider and an OAuth2 request through executeRequest, with a fake transport (a token endpoint and an
 * API in memory) and a fake clock: one token request for concurrent requests, the cache read and written, refresh
 * before fetch, the invalid_grant fallback, and exactly one new token and one retry on a 401 to a cached token.
 */
import { describe, expect, test } from '@jest/globals';
import type { CachedToken, TokenStore } from '../../src/auth/oauth2/token-state.js';
import { executeRequest, type EngineDeps } from '../../src/engine/execute.js';
import { createTokenProvider, type TokenConnection, type TokenProviderDeps } from '../../src/engine/oauth2/token-provider.js';
import type { ResponseHead, SendResult, Transport, WireRequest } from '../../src/engine/transport.js';
import { EMPTY_TIMINGS } from '../../src/engine/types.js';
import { createRequestSpec, type RequestSpec } from '../../src/model/request-spec.js';
import type { OAuth2Spec } from '../../src/model/oauth2-spec.js';
import { Secret } from '../../src/redact/secret.js';
import type { RetryPolicy } from '../../src/retry/backoff.js';
import type { Clock } from '../../src/util/clock.js';

const TOKEN_URL = 'https://auth.test/token';
const CONNECTION: TokenConnection = { timeoutMs: 1000, connectTimeoutMs: null, insecure: false, ca: null, proxy: null, clientCert: null };
const NO_RETRY: RetryPolicy = { limit: 0, retryOn: [503], baseDelayMs: 1, maxDelayMs: 1, factor: 2, allMethods: false };

function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async (ms) => void (now += Math.max(0, ms)), advance: (ms) => void (now += ms) };
}

interface FakeServer {
  transport: Transport;
  /** Token requests received, as their form fields. */
  tokenRequests: Array<Record<string, string>>;
  /** API requests received, as their Authorization header. */
  apiRequests: string[];
  /** Tokens the API accepts. */
  valid: Set<string>;
  /** The next answers of the token endpoint (else a new token). */
  tokenAnswers: Array<{ status: number; body: unknown }>;
  lifetime: number;
  issueRefresh: boolean;
}

function fakeServer(): FakeServer {
  let n = 0;
  const server: FakeServer = {
    tokenRequests: [],
    apiRequests: [],
    valid: new Set(),
    tokenAnswers: [],
    lifetime: 3600,
    issueRefresh: false,
    transport: {
      close: () => undefined,
      async send(request: WireRequest, _options, chooseTarget): Promise<SendResult> {
        // Answers asynchronously, as a network would: concurrent callers really overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const respond = (status: number, body: unknown): SendResult => {
          const head: ResponseHead = { status, statusText: status === 200 ? 'OK' : 'Error', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, rawHeaders: [] };
          chooseTarget(head);
          return { kind: 'response', head, body: Buffer.from(JSON.stringify(body)), size: 0, undecoded: [], sent: { method: request.method, url: request.url, httpVersion: '1.1', headers: request.headers, body: null }, timings: EMPTY_TIMINGS };
        };
        if (request.url === TOKEN_URL) {
          server.tokenRequests.push(Object.fromEntries(new URLSearchParams(Buffer.from(request.body as Uint8Array).toString('utf8'))));
          const scripted = server.tokenAnswers.shift();
          if (scripted !== undefined) return respond(scripted.status, scripted.body);
          n += 1;
          const accessToken = `at-${n}`;
          server.valid.add(accessToken);
          return respond(200, { access_token: accessToken, token_type: 'Bearer', expires_in: server.lifetime, ...(server.issueRefresh ? { refresh_token: `rt-${n}` } : {}) });
        }
        const auth = request.headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
        server.apiRequests.push(auth);
        return respond(server.valid.has(auth.replace('Bearer ', '')) ? 200 : 401, { ok: true });
      },
    },
  };
  return server;
}

function memoryStore(): TokenStore & { files: Map<string, CachedToken>; writes: number } {
  const files = new Map<string, CachedToken>();
  const store = {
    location: '/fake/tokens',
    files,
    writes: 0,
    read: async (key: string) => files.get(key) ?? null,
    write: async (key: string, token: CachedToken) => {
      store.writes += 1;
      files.set(key, token);
    },
  };
  return store;
}

const OAUTH2: OAuth2Spec = { tokenUrl: TOKEN_URL, clientId: 'app', clientSecret: new Secret('secret-value'), scope: 'read', audience: null, authMethod: 'basic', refreshToken: null };

function requestSpec(oauth2: OAuth2Spec = OAUTH2): RequestSpec {
  return createRequestSpec(
    { url: 'https://api.test/me', method: 'GET', headers: [], body: { kind: 'none' }, auth: { authorization: { kind: 'oauth2', oauth2 }, apiKey: null }, timeoutMs: 1000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 0, insecure: false, ca: null, maxBodyBytes: null },
    { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'apiKey', apiKeyHeader: 'header', timeout: 'timeout', connectTimeout: 'connect', maxRedirects: 'max', maxBody: 'maxBody' },
  );
}

function setup(more: Partial<TokenProviderDeps> = {}) {
  const server = fakeServer();
  const clock = fakeClock();
  const store = memoryStore();
  const tokens = createTokenProvider({ transport: server.transport, clock, store, ...more });
  const deps: EngineDeps = { transport: server.transport, clock, random: () => 0, limiter: null, gate: null, tokens };
  return { server, clock, store, tokens, deps };
}

describe('token provider', () => {
  test('concurrent requests share one token request; later ones use the token the run holds', async () => {
    const { server, tokens, store } = setup();
    const got = await Promise.all(Array.from({ length: 8 }, () => tokens.get(OAUTH2, CONNECTION)));
    expect(server.tokenRequests).toHaveLength(1);
    expect(new Set(got.map((g) => g.ok && g.token.accessToken))).toEqual(new Set(['at-1']));
    expect(store.writes).toBe(1);
    const again = await tokens.get(OAUTH2, CONNECTION);
    expect(again.ok && again.source).toBe('run');
    expect(server.tokenRequests).toHaveLength(1);
  });

  test('a second run reads the cache: no token request, source cache', async () => {
    const first = setup();
    await first.tokens.get(OAUTH2, CONNECTION);
    const second = createTokenProvider({ transport: first.server.transport, clock: first.clock, store: first.store });
    const got = await second.get(OAUTH2, CONNECTION);
    expect(got.ok && got.source).toBe('cache');
    expect(first.server.tokenRequests).toHaveLength(1);
  });

  test('expired: a new token (client credentials) when no refresh token was issued', async () => {
    const { server, clock, tokens } = setup();
    server.lifetime = 10;
    await tokens.get(OAUTH2, CONNECTION);
    clock.advance(8_999);
    expect((await tokens.get(OAUTH2, CONNECTION)).ok).toBe(true);
    expect(server.tokenRequests).toHaveLength(1);
    clock.advance(1); // 10 s lifetime − 1 s skew
    const renewed = await tokens.get(OAUTH2, CONNECTION);
    expect(renewed.ok && renewed.token.accessToken).toBe('at-2');
    expect(server.tokenRequests.map((r) => r.grant_type)).toEqual(['client_credentials', 'client_credentials']);
  });

  test('expired with a refresh token: the refresh grant; refused (invalid_grant): client credentials once', async () => {
    const { server, clock, tokens } = setup();
    server.lifetime = 60;
    server.issueRefresh = true;
    await tokens.get(OAUTH2, CONNECTION);
    clock.advance(60_000);
    const refreshed = await tokens.get(OAUTH2, CONNECTION);
    expect(refreshed.ok && refreshed.token.refreshToken).toBe('rt-2');
    expect(server.tokenRequests[1]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    clock.advance(60_000);
    server.tokenAnswers.push({ status: 400, body: { error: 'invalid_grant', error_description: 'used' } });
    const fetched = await tokens.get(OAUTH2, CONNECTION);
    expect(fetched.ok).toBe(true);
    expect(server.tokenRequests.slice(2).map((r) => r.grant_type)).toEqual(['refresh_token', 'client_credentials']);
  });

  test('a refresh token the user gave: the refresh grant, and a refused one is the error (no fallback)', async () => {
    const { server, tokens } = setup();
    server.tokenAnswers.push({ status: 400, body: { error: 'invalid_grant' } });
    const got = await tokens.get({ ...OAUTH2, clientSecret: null, refreshToken: new Secret('user-rt') }, CONNECTION);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.error.message).toMatch(/^token request failed \(refresh grant\): 400 .*invalid_grant/);
    expect(server.tokenRequests).toEqual([{ grant_type: 'refresh_token', refresh_token: 'user-rt', scope: 'read', client_id: 'app' }]);
  });

  test('renew: one new token for concurrent refusals of the same token', async () => {
    const { server, tokens } = setup();
    const first = await tokens.get(OAUTH2, CONNECTION);
    const rejected = first.ok ? first.token.accessToken : '';
    const renewed = await Promise.all([tokens.renew(OAUTH2, CONNECTION, rejected), tokens.renew(OAUTH2, CONNECTION, rejected), tokens.renew(OAUTH2, CONNECTION, rejected)]);
    expect(server.tokenRequests).toHaveLength(2);
    expect(new Set(renewed.map((r) => r.ok && r.token.accessToken))).toEqual(new Set(['at-2']));
  });

  test('every token is told as a secret; the secret is never in the store', async () => {
    const learned: string[] = [];
    const { server, tokens, store } = setup({ onSecrets: (values) => learned.push(...values) });
    server.issueRefresh = true;
    await tokens.get(OAUTH2, CONNECTION);
    expect(learned).toEqual(expect.arrayContaining(['at-1', 'rt-1']));
    expect(JSON.stringify([...store.files.values()])).not.toContain('secret-value');
  });
});

describe('an OAuth2 request (executeRequest)', () => {
  test('sends the token as a bearer token', async () => {
    const { server, deps } = setup();
    const exchange = await executeRequest(requestSpec(), NO_RETRY, deps);
    expect(server.apiRequests).toEqual(['Bearer at-1']);
    expect(exchange.attempts).toHaveLength(1);
    expect(exchange.spec.auth.authorization?.kind).toBe('oauth2');
  });

  test('a 401 to a cached token: exactly one new token and one retry', async () => {
    const { server, store, clock } = setup();
    const cachedRun = createTokenProvider({ transport: server.transport, clock, store });
    await cachedRun.get(OAUTH2, CONNECTION);
    server.valid.clear(); // the server revoked it
    const refused: string[] = [];
    const deps: EngineDeps = { transport: server.transport, clock, random: () => 0, limiter: null, gate: null, tokens: createTokenProvider({ transport: server.transport, clock, store }), onTokenRefused: (source) => refused.push(source) };
    const exchange = await executeRequest(requestSpec(), NO_RETRY, deps);
    expect(server.apiRequests).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(server.tokenRequests).toHaveLength(2);
    expect(refused).toEqual(['cache']);
    const last = exchange.attempts[exchange.attempts.length - 1];
    expect(last?.outcome.kind === 'response' && last.outcome.response.status).toBe(200);
  });

  test('a 401 to a new token is the answer: no second token, no retry', async () => {
    const { server, deps } = setup();
    server.valid.add('never');
    const originalSend = server.transport.send;
    server.transport.send = async (request, options, choose) => {
      const result = await originalSend(request, options, choose);
      if (request.url === TOKEN_URL) server.valid.clear();
      return result;
    };
    const exchange = await executeRequest(requestSpec(), NO_RETRY, deps);
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1);
    const last = exchange.attempts[exchange.attempts.length - 1];
    expect(last?.outcome.kind === 'response' && last.outcome.response.status).toBe(401);
  });

  test('still 401 after the one retry: no third attempt', async () => {
    const { server, store, clock } = setup();
    await createTokenProvider({ transport: server.transport, clock, store }).get(OAUTH2, CONNECTION);
    server.valid.clear();
    const originalSend = server.transport.send;
    server.transport.send = async (request, options, choose) => {
      const result = await originalSend(request, options, choose);
      if (request.url === TOKEN_URL) server.valid.clear(); // the API accepts no token
      return result;
    };
    const deps: EngineDeps = { transport: server.transport, clock, random: () => 0, limiter: null, gate: null, tokens: createTokenProvider({ transport: server.transport, clock, store }) };
    const exchange = await executeRequest(requestSpec(), NO_RETRY, deps);
    expect(server.apiRequests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(2);
    expect(exchange.attempts).toHaveLength(2);
  });

  test('a failed token request: the request is not sent, the failure is the token endpoint\'s', async () => {
    const { server, deps } = setup();
    server.tokenAnswers.push({ status: 401, body: { error: 'invalid_client', error_description: 'nope' } });
    const exchange = await executeRequest(requestSpec(), NO_RETRY, deps);
    expect(server.apiRequests).toHaveLength(0);
    const only = exchange.attempts[0];
    expect(exchange.attempts).toHaveLength(1);
    expect(only?.request).toBeNull();
    expect(only?.outcome.kind === 'failure' && [only.outcome.error.kind, only.outcome.error.message]).toEqual(['http', `token request failed: 401 Error from ${TOKEN_URL}: invalid_client: nope`]);
  });
});
