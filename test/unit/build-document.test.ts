import { describe, expect, test } from '@jest/globals';
import type { Attempt, ResponseData } from '../../src/engine/types.js';
import { ConnectionError, httpErrorFor } from '../../src/errors.js';
import { Secret } from '../../src/redact/secret.js';
import { createRedactor } from '../../src/redact/redactor.js';
import { buildDocument, finalAttempt } from '../../src/render/build-document.js';
import { SingleRequestDocumentSchema } from '../../src/model/request-document.js';
import { RequestSpecSchema, type RequestSpec } from '../../src/model/request-spec.js';

const TOKEN = 'tok_0123456789abcdef_ab12';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

const spec: RequestSpec = RequestSpecSchema.parse({
  url: 'http://api.test/items?key=' + TOKEN,
  method: 'GET',
  headers: [['Accept', 'application/json']],
  body: { kind: 'none' },
  auth: { kind: 'bearer', token: new Secret(TOKEN) },
  timeoutMs: 30000,
  connectTimeoutMs: null,
  followRedirects: true,
  maxRedirects: 10,
  insecure: false,
  ca: null,
});

function response(over: Partial<ResponseData> = {}): ResponseData {
  const body = Buffer.from(JSON.stringify({ token: TOKEN, ok: true }));
  return {
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    headers: { 'content-type': 'application/json', 'set-cookie': ['s=abcdefghijklmnop'], 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) },
    rawHeaders: [],
    body,
    size: body.length,
    bodyFile: null,
    ...over,
  };
}

function attempt(over: Partial<Attempt> = {}): Attempt {
  return {
    delayMs: 0,
    request: { method: 'GET', url: spec.url, httpVersion: '1.1', headers: [['Host', 'api.test'], ['authorization', `Bearer ${TOKEN}`]], body: null },
    outcome: { kind: 'response', response: response() },
    redirects: [{ status: 302, url: `http://api.test/items?key=${TOKEN}` }],
    timings: { dns: 1.234, tcp: 2.345, tls: null, firstByte: 10.5678, download: 1, total: 15.9999 },
    ...over,
  };
}

const redactor = () => createRedactor({ secrets: [TOKEN], headers: ['authorization'], queryParams: ['key'] });

describe('buildDocument', () => {
  test('a response: schema v1, masked request headers and URLs, numbers as numbers', () => {
    const doc = buildDocument({ spec, attempts: [attempt()] }, { redactor: redactor(), nowMs: NOW, error: null, outputFile: null });
    expect(SingleRequestDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.ok).toBe(true);
    expect(doc.request).toEqual({ method: 'GET', url: 'http://api.test/items?key=****ab12', headers: { Host: 'api.test', authorization: 'Bearer ****ab12' } });
    expect(doc.response?.headers['set-cookie']).toEqual(['****mnop']);
    expect(doc.response?.body).toEqual({ token: TOKEN, ok: true });
    expect(doc.redirects).toEqual([{ status: 302, url: 'http://api.test/items?key=****ab12' }]);
    expect(doc.timings).toEqual({ dns: 1.23, tcp: 2.35, tls: null, firstByte: 10.57, download: 1, total: 16 });
    expect(doc.rateLimit).toEqual({ limit: 60, remaining: 0, resetSeconds: 30, resetAt: '2030-01-01T12:00:30.000Z', retryAfterSeconds: null, source: 'x-ratelimit' });
    expect(doc.attempts).toEqual([{ status: 200, error: null, delayMs: 0 }]);
    expect(doc.error).toBeNull();
  });

  test('the body is masked by the writer (redactor.text over the serialised document), not here', () => {
    const r = redactor();
    const doc = buildDocument({ spec, attempts: [attempt()] }, { redactor: r, nowMs: NOW, error: null, outputFile: null });
    expect(r.text(JSON.stringify(doc))).not.toContain(TOKEN);
  });

  test('an HTTP error: ok false, error filled, response kept', () => {
    const error = httpErrorFor(404, 'Not Found', 'http://api.test/items');
    const doc = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ status: 404, statusText: 'Not Found' }) } })] }, { redactor: redactor(), nowMs: NOW, error, outputFile: null });
    expect(doc.ok).toBe(false);
    expect(doc.response?.status).toBe(404);
    expect(doc.error).toEqual({ kind: 'http', code: 'HTTP_404', message: '404 Not Found from http://api.test/items: not found' });
  });

  test('a failure: response and rateLimit null, error masked, every attempt listed', () => {
    const error = new ConnectionError(`connection refused for ${TOKEN}`, { code: 'ECONNREFUSED' });
    const failed = attempt({ outcome: { kind: 'failure', error }, timings: { dns: null, tcp: null, tls: null, firstByte: null, download: null, total: 3 } });
    const doc = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ status: 503 }) } }), { ...failed, delayMs: 250 }] }, { redactor: redactor(), nowMs: NOW, error, outputFile: null });
    expect(SingleRequestDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc.response).toBeNull();
    expect(doc.rateLimit).toBeNull();
    expect(doc.error).toEqual({ kind: 'connection', code: 'ECONNREFUSED', message: 'connection refused for ****ab12' });
    expect(doc.attempts).toEqual([
      { status: 503, error: null, delayMs: 0 },
      { status: null, error: { kind: 'connection', code: 'ECONNREFUSED' }, delayMs: 250 },
    ]);
  });

  test('binary bodies are base64 with bodyEncoding; text bodies strings; empty bodies null', () => {
    const bin = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ headers: { 'content-type': 'image/png' }, body: Uint8Array.from([0, 255]) }) } })] }, { redactor: redactor(), nowMs: NOW, error: null, outputFile: null });
    expect(bin.response?.body).toBe('AP8=');
    expect(bin.response?.bodyEncoding).toBe('base64');
    const txt = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ headers: { 'content-type': 'text/plain' }, body: Buffer.from('hi') }) } })] }, { redactor: redactor(), nowMs: NOW, error: null, outputFile: null });
    expect(txt.response?.body).toBe('hi');
    expect(txt.response?.bodyEncoding).toBeUndefined();
    const empty = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ body: new Uint8Array() }) } })] }, { redactor: redactor(), nowMs: NOW, error: null, outputFile: null });
    expect(empty.response?.body).toBeNull();
  });

  test('a body written with -o: body null and bodyFile set', () => {
    const doc = buildDocument({ spec, attempts: [attempt({ outcome: { kind: 'response', response: response({ body: null, bodyFile: 'stream' }) } })] }, { redactor: redactor(), nowMs: NOW, error: null, outputFile: 'out.json' });
    expect(doc.response?.body).toBeNull();
    expect(doc.response?.bodyFile).toBe('out.json');
  });

  test('finalAttempt: the last one; an exchange without attempts is a bug', () => {
    const a = attempt();
    const b = attempt({ delayMs: 9 });
    expect(finalAttempt({ spec, attempts: [a, b] })).toBe(b);
    expect(() => finalAttempt({ spec, attempts: [] })).toThrow();
  });
});
