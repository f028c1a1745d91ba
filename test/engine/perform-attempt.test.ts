/**
 * In-process engine tests: performAttempt / executeRequest with the real got transport, nock intercepting
 * (nock 14 intercepts got 14 on Node 20: got uses http.request, which nock's interceptor patches).
 * Every test ends with scope.isDone(), so an expected request that never happened fails the test.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { executeRequest } from '../../src/engine/execute.js';
import { performAttempt } from '../../src/engine/perform-attempt.js';
import { createGotTransport, type Transport } from '../../src/engine/transport.js';
import type { Attempt, ResponseData } from '../../src/engine/types.js';
import { Secret } from '../../src/redact/secret.js';
import type { RetryPolicy } from '../../src/retry/backoff.js';
import { createRequestSpec, NO_AUTH, type RequestInput, type RequestSpec } from '../../src/model/request-spec.js';
import { systemClock, type Clock } from '../../src/util/clock.js';

const TOKEN = 'tok_engine_test_0123456789';

const LABELS = { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'api key', apiKeyHeader: 'auth header', timeout: 'timeout', connectTimeout: 'connect timeout', maxRedirects: 'max redirects', maxBody: 'max body' };

function spec(overrides: Partial<RequestInput> = {}): RequestSpec {
  return createRequestSpec({
    url: 'http://api.test/items',
    method: 'GET',
    headers: [],
    body: { kind: 'none' },
    auth: NO_AUTH,
    timeoutMs: 2000,
    connectTimeoutMs: null,
    followRedirects: false,
    maxRedirects: 10,
    insecure: false,
    ca: null,
    maxBodyBytes: null,
    ...overrides,
  }, LABELS);
}

function responseOf(attempt: Attempt): ResponseData {
  if (attempt.outcome.kind !== 'response') throw new Error(`expected a response, got ${attempt.outcome.error.message}`);
  return attempt.outcome.response;
}

function text(response: ResponseData): string {
  return Buffer.from(response.body ?? new Uint8Array()).toString('utf8');
}

let transport: Transport;
beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  transport?.close();
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function deps() {
  transport = createGotTransport();
  return { transport, clock: systemClock };
}

describe('performAttempt', () => {
  test('a GET: status, headers, decoded body, size, timings, and the request as sent', async () => {
    const scope = nock('http://api.test')
      .get('/items')
      .matchHeader('user-agent', /^apitest\//)
      .matchHeader('accept-encoding', 'gzip, deflate, br')
      .reply(200, { items: [1, 2] }, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '9' });
    const attempt = await performAttempt(spec(), deps(), 0);
    const response = responseOf(attempt);
    expect(response.status).toBe(200);
    expect(response.headers['x-ratelimit-remaining']).toBe('9');
    expect(JSON.parse(text(response))).toEqual({ items: [1, 2] });
    expect(response.size).toBe(text(response).length);
    expect(attempt.request?.method).toBe('GET');
    expect(attempt.request?.headers.filter(([n]) => n.toLowerCase() === 'host')).toEqual([['Host', 'api.test']]);
    expect(typeof attempt.timings.total).toBe('number');
    expect(attempt.redirects).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  test('--bearer adds Authorization', async () => {
    const scope = nock('http://api.test').get('/items').matchHeader('authorization', `Bearer ${TOKEN}`).reply(204);
    const attempt = await performAttempt(spec({ auth: { authorization: { kind: 'bearer', token: new Secret(TOKEN) }, apiKey: null } }), deps(), 0);
    expect(responseOf(attempt).status).toBe(204);
    expect(scope.isDone()).toBe(true);
  });

  test('--api-key --api-key-query puts the key in the query, not in a header', async () => {
    const scope = nock('http://api.test', { badheaders: ['x-api-key'] }).get('/items').query({ page: '2', key: TOKEN }).reply(200, 'ok');
    const attempt = await performAttempt(
      spec({ url: 'http://api.test/items?page=2', auth: { authorization: null, apiKey: { key: new Secret(TOKEN), header: 'X-API-Key', query: 'key' } } }),
      deps(),
      0,
    );
    expect(responseOf(attempt).status).toBe(200);
    expect(scope.isDone()).toBe(true);
  });

  test('--basic sends base64(user:password)', async () => {
    const scope = nock('http://api.test').get('/items').basicAuth({ user: 'bob', pass: 'pw:with:colons' }).reply(200);
    const attempt = await performAttempt(spec({ auth: { authorization: { kind: 'basic', user: 'bob', password: new Secret('pw:with:colons') }, apiKey: null } }), deps(), 0);
    expect(responseOf(attempt).status).toBe(200);
    expect(scope.isDone()).toBe(true);
  });

  test.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s without a body completes (got does not wait for a body)', async (method) => {
    const scope = nock('http://api.test').intercept('/items', method).reply(202, 'accepted');
    const attempt = await performAttempt(spec({ method }), deps(), 0);
    expect(responseOf(attempt).status).toBe(202);
    expect(scope.isDone()).toBe(true);
  });

  test('a byte body is sent with its headers', async () => {
    const scope = nock('http://api.test').post('/items', { name: 'Ann' }).matchHeader('content-type', 'application/json').reply(201, { id: 4 });
    const attempt = await performAttempt(
      spec({ method: 'POST', headers: [['Content-Type', 'application/json']], body: { kind: 'bytes', data: Buffer.from('{"name":"Ann"}') } }),
      deps(),
      0,
    );
    expect(responseOf(attempt).status).toBe(201);
    expect(Buffer.from(attempt.request?.body ?? []).toString()).toBe('{"name":"Ann"}');
    expect(scope.isDone()).toBe(true);
  });

  test('gzip bodies are decoded; size is the compressed size', async () => {
    const gz = gzipSync(JSON.stringify({ zipped: true }));
    const scope = nock('http://api.test').get('/items').reply(200, gz, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
    const response = responseOf(await performAttempt(spec(), deps(), 0));
    expect(JSON.parse(text(response))).toEqual({ zipped: true });
    expect(response.size).toBe(gz.length);
    expect(scope.isDone()).toBe(true);
  });

  test('repeated response headers are arrays, single ones strings', async () => {
    const scope = nock('http://api.test').get('/items').reply(200, 'x', ['X-Multi', 'a', 'X-Multi', 'b, c', 'Set-Cookie', 's=1']);
    const response = responseOf(await performAttempt(spec(), deps(), 0));
    expect(response.headers['x-multi']).toEqual(['a', 'b, c']);
    expect(response.headers['set-cookie']).toEqual(['s=1']);
    expect(scope.isDone()).toBe(true);
  });

  test('the body goes to the sink when one is given (-o)', async () => {
    const scope = nock('http://api.test').get('/items').reply(200, 'streamed body');
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    const response = responseOf(await performAttempt(spec(), { ...deps(), openBodySink: () => ({ stream: sink, delivered: () => 0 }) }, 0));
    expect(response.body).toBeNull();
    expect(response.bodyFile).toBe('stream');
    expect(Buffer.concat(chunks).toString()).toBe('streamed body');
    expect(scope.isDone()).toBe(true);
  });

  test('a reset connection is a connection failure, as a value', async () => {
    const scope = nock('http://api.test').get('/items').replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const attempt = await performAttempt(spec(), deps(), 0);
    expect(attempt.outcome.kind).toBe('failure');
    if (attempt.outcome.kind === 'failure') {
      expect(attempt.outcome.error.kind).toBe('connection');
      expect(attempt.outcome.error.code).toBe('ECONNRESET');
      expect(attempt.outcome.error.exitCode).toBe(3);
    }
    expect(scope.isDone()).toBe(true);
  });

  test('a slow response past the total timeout is a timeout failure', async () => {
    const scope = nock('http://api.test').get('/items').delay(1000).reply(200, 'late');
    const attempt = await performAttempt(spec({ timeoutMs: 100 }), deps(), 0);
    expect(attempt.outcome.kind).toBe('failure');
    if (attempt.outcome.kind === 'failure') {
      expect(attempt.outcome.error.kind).toBe('timeout');
      expect(attempt.outcome.error.exitCode).toBe(4);
      expect(attempt.outcome.error.message).toMatch(/timed out after 100 ms/);
    }
    expect(scope.isDone()).toBe(true);
  });
});

describe('redirects', () => {
  test('without followRedirects a 3xx is the response', async () => {
    const scope = nock('http://api.test').get('/items').reply(302, '', { Location: '/elsewhere' });
    const attempt = await performAttempt(spec(), deps(), 0);
    expect(responseOf(attempt).status).toBe(302);
    expect(attempt.redirects).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  test('a same-origin redirect keeps the credential', async () => {
    const scope = nock('http://api.test')
      .get('/items')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(301, '', { Location: '/v2/items' })
      .get('/v2/items')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, 'moved');
    const attempt = await performAttempt(spec({ followRedirects: true, auth: { authorization: { kind: 'bearer', token: new Secret(TOKEN) }, apiKey: null } }), deps(), 0);
    expect(text(responseOf(attempt))).toBe('moved');
    expect(attempt.redirects).toEqual([{ status: 301, url: 'http://api.test/v2/items' }]);
    expect(scope.isDone()).toBe(true);
  });

  test('credentials are not sent to another origin (auth flags, -H Authorization, Cookie, X-API-Key, the api-key header)', async () => {
    const first = nock('http://api.test').get('/items').matchHeader('x-token', TOKEN).reply(302, '', { Location: 'http://other.test/landing' });
    const second = nock('http://other.test', { badheaders: ['authorization', 'cookie', 'x-api-key', 'x-token'] })
      .get('/landing')
      .matchHeader('x-trace', 'kept')
      .reply(200, 'landed');
    const attempt = await performAttempt(
      spec({
        followRedirects: true,
        headers: [['Authorization', 'Bearer x'], ['Cookie', 'a=b'], ['X-API-Key', 'k'], ['X-Trace', 'kept']],
        auth: { authorization: null, apiKey: { key: new Secret(TOKEN), header: 'X-Token', query: null } },
      }),
      deps(),
      0,
    );
    expect(text(responseOf(attempt))).toBe('landed');
    expect(first.isDone()).toBe(true);
    expect(second.isDone()).toBe(true);
  });

  test('--api-key-query: the key goes on a same-origin redirect target, not on another origin', async () => {
    const auth = { authorization: null, apiKey: { key: new Secret(TOKEN), header: 'X-API-Key', query: 'key' } };
    const scope = nock('http://api.test')
      .get('/items')
      .query({ key: TOKEN })
      .reply(302, '', { Location: '/moved?page=2' })
      .get('/moved')
      .query({ page: '2', key: TOKEN })
      .reply(302, '', { Location: 'http://other.test/x?page=3' });
    const other = nock('http://other.test').get('/x').query({ page: '3' }).reply(200, 'no key here');
    const attempt = await performAttempt(spec({ followRedirects: true, auth }), deps(), 0);
    expect(text(responseOf(attempt))).toBe('no key here');
    expect(attempt.redirects.map((r) => r.url)).toEqual([`http://api.test/moved?page=2&key=${TOKEN}`, 'http://other.test/x?page=3']);
    expect(scope.isDone() && other.isDone()).toBe(true);
  });

  test('http → https on the same host is another origin too', async () => {
    const first = nock('http://api.test').get('/items').reply(308, '', { Location: 'https://api.test/items' });
    const second = nock('https://api.test', { badheaders: ['authorization'] }).get('/items').reply(200, 'secure');
    const attempt = await performAttempt(spec({ followRedirects: true, auth: { authorization: { kind: 'bearer', token: new Secret(TOKEN) }, apiKey: null } }), deps(), 0);
    expect(text(responseOf(attempt))).toBe('secure');
    expect(first.isDone() && second.isDone()).toBe(true);
  });

  test.each([
    [303, 'PUT', 'GET'],
    [302, 'POST', 'GET'],
    [301, 'POST', 'GET'],
    [307, 'POST', 'POST'],
    [308, 'PUT', 'PUT'],
    [302, 'PUT', 'PUT'],
  ])('%i after %s → %s', async (status, method, next) => {
    const keepsBody = next !== 'GET';
    const scope = nock('http://api.test')
      .intercept('/items', method)
      .reply(status, '', { Location: '/next' })
      .intercept('/next', next, keepsBody ? 'payload' : undefined)
      .reply(200, 'done');
    const attempt = await performAttempt(
      spec({ method, followRedirects: true, headers: [['Content-Type', 'text/plain']], body: { kind: 'bytes', data: Buffer.from('payload') } }),
      deps(),
      0,
    );
    expect(attempt.request?.method).toBe(next);
    const contentType = attempt.request?.headers.find(([n]) => n.toLowerCase() === 'content-type');
    expect(contentType === undefined).toBe(!keepsBody);
    expect(scope.isDone()).toBe(true);
  });

  test('redirect hops share one --timeout (it is the total for the attempt)', async () => {
    const scope = nock('http://api.test').get('/items').delay(300).reply(302, '', { Location: '/slow' }).get('/slow').delay(300).reply(200, 'late');
    const attempt = await performAttempt(spec({ followRedirects: true, timeoutMs: 450 }), deps(), 0);
    expect(attempt.outcome.kind).toBe('failure');
    if (attempt.outcome.kind === 'failure') {
      expect(attempt.outcome.error.kind).toBe('timeout');
      expect(attempt.outcome.error.message).toMatch(/timed out after 450 ms/);
    }
    expect(scope.isDone()).toBe(true);
  });

  test('too many redirects is a failure with a hint', async () => {
    const scope = nock('http://api.test').get('/items').reply(302, '', { Location: '/a' }).get('/a').reply(302, '', { Location: '/b' });
    const attempt = await performAttempt(spec({ followRedirects: true, maxRedirects: 1 }), deps(), 0);
    expect(attempt.outcome.kind).toBe('failure');
    if (attempt.outcome.kind === 'failure') expect(attempt.outcome.error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(attempt.redirects).toEqual([{ status: 302, url: 'http://api.test/a' }]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('executeRequest', () => {
  const policy: RetryPolicy = { limit: 2, retryOn: [503], baseDelayMs: 100, maxDelayMs: 1000, factor: 2, allMethods: false };

  function fakeClock(): Clock & { slept: number[] } {
    const slept: number[] = [];
    return { slept, now: () => 1_700_000_000_000, sleep: async (ms) => void slept.push(ms) };
  }

  test('retries a 503 then returns the 200, sleeping through the injected clock', async () => {
    const scope = nock('http://api.test').get('/items').reply(503, 'busy').get('/items').reply(200, 'fine');
    const clock = fakeClock();
    const exchange = await executeRequest(spec(), policy, { ...deps(), clock, random: () => 0.5, limiter: null, gate: null });
    expect(exchange.attempts.map((a) => responseOf(a).status)).toEqual([503, 200]);
    expect(clock.slept).toEqual([50]);
    expect(exchange.attempts[1]?.delayMs).toBe(50);
    expect(exchange.retryAfterTooLong).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  test('without retries one attempt is made, whatever the status', async () => {
    const scope = nock('http://api.test').get('/items').reply(503, 'busy');
    const exchange = await executeRequest(spec(), { ...policy, limit: 0 }, { ...deps(), clock: fakeClock(), random: () => 0, limiter: null, gate: null });
    expect(exchange.attempts).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });
});

describe('the run-wide interrupt signal', () => {
  test('each request removes its abort listener when it ends (a long suite keeps no response alive through it)', async () => {
    const { getEventListeners } = EventEmitter;
    const controller = new AbortController();
    const scope = nock('http://api.test').get('/items').times(5).reply(200, { ok: true }).get('/gone').replyWithError({ code: 'ECONNRESET', message: 'reset' });
    const d = { ...deps(), signal: controller.signal };
    for (let i = 0; i < 5; i++) expect(responseOf(await performAttempt(spec(), d, 0)).status).toBe(200);
    expect((await performAttempt(spec({ url: 'http://api.test/gone' }), d, 0)).outcome.kind).toBe('failure');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    scope.done();
  });

  test('an abort stops the request in flight: kind interrupted', async () => {
    const controller = new AbortController();
    nock('http://api.test').get('/items').delay(1_500).reply(200, 'late');
    setTimeout(() => controller.abort(), 100);
    const attempt = await performAttempt(spec(), { ...deps(), signal: controller.signal }, 0);
    expect(attempt.outcome.kind === 'failure' && attempt.outcome.error.kind).toBe('interrupted');
    nock.abortPendingRequests();
  });
});
