/**
 * The one result path: an exchange settled once (facts, checks, failure ladder, masking) and its views — the
 * `--json` document, the table (rendered from that document) and the suite step report — agree on what a
 * response said.
 */
import { describe, expect, test } from '@jest/globals';
import type { ExecutedExchange } from '../../src/engine/execute.js';
import type { Attempt, ResponseData } from '../../src/engine/types.js';
import { ConnectionError } from '../../src/errors.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';
import { parseExpectation } from '../../src/expect/parse-expression.js';
import { SingleRequestDocumentSchema } from '../../src/model/request-document.js';
import { createRequestSpec, type RequestSpec } from '../../src/model/request-spec.js';
import { StepReportSchema } from '../../src/model/suite-report.js';
import { createRedactor } from '../../src/redact/redactor.js';
import { Secret } from '../../src/redact/secret.js';
import { renderTableReport } from '../../src/render/table-report.js';
import { createTheme } from '../../src/render/theme.js';
import { requestDocument } from '../../src/result/request-document.js';
import { finalAttempt, NO_CHECKS, settleExchange, type CheckPlan, type SettleContext } from '../../src/result/settle.js';
import { stepReport } from '../../src/result/step-report.js';

const TOKEN = 'tok_0123456789abcdef_ab12';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const LABELS = { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'api key', apiKeyHeader: 'auth header', timeout: 'timeout', connectTimeout: 'connect timeout', maxRedirects: 'max redirects', maxBody: 'max body' };

const spec: RequestSpec = createRequestSpec(
  {
    url: 'http://api.test/items?key=' + TOKEN,
    method: 'GET',
    headers: [['Accept', 'application/json']],
    body: { kind: 'none' },
    auth: { authorization: { kind: 'bearer', token: new Secret(TOKEN) }, apiKey: null },
    timeoutMs: 30000,
    connectTimeoutMs: null,
    followRedirects: true,
    maxRedirects: 10,
    insecure: false,
    ca: null,
    maxBodyBytes: null,
  },
  LABELS,
);

function response(over: Partial<ResponseData> = {}): ResponseData {
  const body = Buffer.from(JSON.stringify({ token: TOKEN, ok: true, note: 'latest' }));
  return {
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    headers: { 'content-type': 'application/json', 'set-cookie': ['s=abcdefghijklmnop'], 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) },
    rawHeaders: [],
    body,
    size: body.length,
    bodyFile: null,
    retryAfterSeconds: null,
    undecoded: [],
    ...over,
  };
}

function attempt(over: Partial<Attempt> = {}): Attempt {
  return {
    delayMs: 0,
    request: { method: 'GET', url: spec.url, httpVersion: '1.1', headers: [['Host', 'api.test'], ['authorization', `Bearer ${TOKEN}`]], body: null },
    outcome: { kind: 'response', response: response() },
    redirects: [{ status: 302, url: `http://api.test/items?key=${TOKEN}` }],
    timings: { wait: 0.5, dns: 1.234, tcp: 2.345, tls: null, send: 0.2, firstByte: 10.5678, download: 1, total: 15.9999 },
    ...over,
  };
}

const exchange = (...attempts: Attempt[]): ExecutedExchange => ({ spec, attempts, retryAfterTooLong: null, retryRefusedAfterBytes: null });
const redactor = () => createRedactor({ secrets: [TOKEN], headers: ['authorization'], queryParams: ['key'] });

function context(checks: CheckPlan = NO_CHECKS, keepBody = true): SettleContext {
  const r = redactor();
  return { checks, redactor: () => r, nowMs: NOW, keepBody, outputFile: null, retry: { policy: { limit: 0, retryOn: [429, 503], baseDelayMs: 500, maxDelayMs: 30_000, factor: 2, allMethods: false }, maxDelaySetting: '--retry-max-delay' }, authHint: null };
}

function expectations(...texts: string[]): CheckPlan {
  const compiled = texts.map((t) => parseExpectation(t));
  return { statusRule: true, reportsExpectations: true, captures: [], expect: (facts) => ({ results: compiled.map((e) => evaluateExpectation(e, facts)), variableError: null }) };
}

describe('settleExchange and the --json document', () => {
  test('a response: schema v1, masked request headers, URLs and body, timings rounded once', () => {
    const doc = requestDocument(settleExchange(exchange(attempt()), context()));
    expect(SingleRequestDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc.ok).toBe(true);
    expect(doc.request).toEqual({ method: 'GET', url: 'http://api.test/items?key=****ab12', headers: { Host: 'api.test', authorization: 'Bearer ****ab12' } });
    expect(doc.response?.headers['set-cookie']).toEqual(['s=****mnop']);
    expect(doc.response?.body).toEqual({ token: '****ab12', ok: true, note: 'latest' });
    expect(doc.redirects).toEqual([{ status: 302, url: 'http://api.test/items?key=****ab12' }]);
    expect(doc.timings).toEqual({ wait: 0.5, dns: 1.23, tcp: 2.35, tls: null, send: 0.2, firstByte: 10.57, download: 1, total: 16 });
    expect(doc.rateLimit).toEqual({ limit: 60, remaining: 0, resetSeconds: 30, resetAt: '2030-01-01T12:00:30.000Z', retryAfterSeconds: null, source: 'x-ratelimit' });
    expect(doc.attempts).toEqual([{ status: 200, error: null, delayMs: 0 }]);
    expect(doc.error).toBeNull();
    expect(JSON.stringify(doc)).not.toContain(TOKEN);
  });

  test('a status >= 400: the status rung of the ladder (exit 5), response kept', () => {
    const record = settleExchange(exchange(attempt({ outcome: { kind: 'response', response: response({ status: 404, statusText: 'Not Found' }) } })), context());
    expect(record.failure).toMatchObject({ kind: 'http', exitCode: 5, code: 'HTTP_404', message: '404 Not Found from http://api.test/items?key=****ab12: not found', hint: 'check the URL path' });
    expect(requestDocument(record).response?.status).toBe(404);
  });

  test('no response: response and rateLimit null, the transport error masked, every attempt listed', () => {
    const error = new ConnectionError(`connection refused for ${TOKEN}`, { code: 'ECONNREFUSED' });
    const failed = attempt({ delayMs: 250, outcome: { kind: 'failure', error }, timings: { wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: 3 } });
    const doc = requestDocument(settleExchange(exchange(attempt({ outcome: { kind: 'response', response: response({ status: 503 }) } }), failed), context()));
    expect(SingleRequestDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc.response).toBeNull();
    expect(doc.rateLimit).toBeNull();
    expect(doc.error).toEqual({ kind: 'connection', code: 'ECONNREFUSED', message: "connection refused for ****ab12 (after 2 attempts)" });
    expect(doc.attempts).toEqual([
      { status: 503, error: null, delayMs: 0 },
      { status: null, error: { kind: 'connection', code: 'ECONNREFUSED' }, delayMs: 250 },
    ]);
  });

  test('binary bodies are base64 with bodyEncoding; text bodies strings; empty bodies null; -o bodies a file', () => {
    const settle = (over: Partial<ResponseData>, outputFile: string | null = null) =>
      requestDocument(settleExchange(exchange(attempt({ outcome: { kind: 'response', response: response(over) } })), { ...context(), outputFile }));
    const bin = settle({ headers: { 'content-type': 'image/png' }, body: Uint8Array.from([0, 255]) });
    expect(bin.response?.body).toBe('AP8=');
    expect(bin.response?.bodyEncoding).toBe('base64');
    const txt = settle({ headers: { 'content-type': 'text/plain' }, body: Buffer.from('hi') });
    expect(txt.response?.body).toBe('hi');
    expect(txt.response?.bodyEncoding).toBeUndefined();
    expect(settle({ body: new Uint8Array() }).response?.body).toBeNull();
    const file = settle({ body: null, bodyFile: 'stream' }, 'out.json');
    expect(file.response?.body).toBeNull();
    expect(file.response?.bodyFile).toBe('out.json');
  });

  test('finalAttempt: the last one; an exchange without attempts is a bug', () => {
    const a = attempt();
    const b = attempt({ delayMs: 9 });
    expect(finalAttempt({ attempts: [a, b] })).toBe(b);
    expect(() => finalAttempt({ attempts: [] })).toThrow();
  });
});

describe('the failure ladder, in order', () => {
  test('expectations: N of M failed (exit 1); every entry has its five fields', () => {
    const record = settleExchange(exchange(attempt()), context(expectations('status == 200', '$.ok == false', 'body contains "nope"')));
    expect(record.failure).toMatchObject({ kind: 'expectation', exitCode: 1, message: '2 of 3 expectations failed' });
    const doc = requestDocument(record);
    expect(doc.expectations?.map((e) => Object.keys(e).sort())).toEqual(Array(3).fill(['actual', 'expected', 'expression', 'message', 'ok']));
    expect(doc.expectations?.[0]?.message).toBeNull();
  });

  test('a status >= 400 comes before failed expectations, listed first as `status < 400`', () => {
    const record = settleExchange(exchange(attempt({ outcome: { kind: 'response', response: response({ status: 500, statusText: 'Internal Server Error' }) } })), context(expectations('$.ok == false')));
    expect(record.failure?.kind).toBe('http');
    expect(record.expectations?.map((e) => [e.expression, e.ok])).toEqual([
      ['status < 400', false],
      ['$.ok == false', false],
    ]);
  });

  test('Retry-After too long comes before the status', () => {
    const record = settleExchange({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ status: 429, statusText: 'Too Many Requests' }) } })], retryAfterTooLong: 3600, retryRefusedAfterBytes: null }, context());
    expect(record.failure).toMatchObject({ kind: 'http', code: 'RETRY_AFTER_TOO_LONG', hint: 'try again later, or raise --retry-max-delay to wait that long' });
    expect(record.failure?.message).toMatch(/asks to wait 1 h \(Retry-After\), longer than --retry-max-delay 30 s/);
  });
});

describe('one record, three views', () => {
  test('body contains, masking and timings read the same in the document, the table and the step report', () => {
    const record = settleExchange(exchange(attempt()), context(expectations('body contains "latest"', `body contains "${TOKEN}"`)));
    const doc = requestDocument(record);
    const table = renderTableReport(doc, { maxLines: null, columns: null, placeholderTimings: false }, createTheme(0));
    const step = StepReportSchema.parse(stepReport('s', record, 20));
    // the same checks, with the same results and the secret masked in each
    expect(doc.expectations?.map((e) => e.ok)).toEqual([true, true]);
    expect(step.expectations.map((e) => e.ok)).toEqual([true, true]);
    expect(doc.expectations?.[1]?.expression).toBe('body contains "****ab12"');
    expect(step.expectations[1]?.expression).toBe('body contains "****ab12"');
    expect(table).toContain('body contains "****ab12"');
    for (const text of [JSON.stringify(doc), table, JSON.stringify(step)]) expect(text).not.toContain(TOKEN);
    // the same timings
    expect(step.response?.timings).toEqual(doc.timings);
    expect(table).toContain('16 ms');
    // the same masked request headers
    expect(step.request?.headers).toEqual(doc.request.headers);
  });

  test('a binary body reads as its UTF-8 text for `body` checks in every producer', () => {
    const png = Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG\r\n')]);
    const record = settleExchange(exchange(attempt({ outcome: { kind: 'response', response: response({ headers: { 'content-type': 'image/png' }, body: png }) } })), context(expectations('body contains "PNG"'), false));
    expect(record.expectations?.[0]?.ok).toBe(true);
  });
});
