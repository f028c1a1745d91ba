import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import type { ImportResult } from '../../src/import/findings.js';
import { importHar } from '../../src/import/from-har.js';
import { suiteProblems } from '../helpers/imported-suite.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../fixtures/import/${name}`, import.meta.url)), 'utf8');
const lines = (result: ImportResult, severity: 'unmapped' | 'note'): string[] => result.findings.filter((f) => f.severity === severity).map((f) => `${f.where}: ${f.message}`);

function har(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });
}

function entry(request: Record<string, unknown>, status = 200): Record<string, unknown> {
  return { startedDateTime: '2024-01-01T00:00:00Z', time: 1, request: { httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0, ...request }, response: { status }, cache: {}, timings: {} };
}

async function imported(text: string): Promise<ImportResult> {
  const result = importHar(text);
  expect(await suiteProblems(result)).toEqual([]);
  return result;
}

describe('import har', () => {
  test('a browser recording: each request a step expecting its recorded status; credentials read from the environment', async () => {
    const result = await imported(fixture('browser.har'));
    expect(result.suite.name).toBe('Shop');
    expect(result.suite.baseUrl).toBeUndefined();
    expect(result.suite.steps).toEqual([
      {
        name: 'GET /api/cart', method: 'GET', url: 'https://shop.example.com/api/cart?lang=en', query: { access_token: '{{ env.ACCESS_TOKEN }}' },
        headers: { accept: 'application/json', cookie: '{{ env.COOKIE }}', 'user-agent': 'Mozilla/5.0' }, expect: { status: 200 },
      },
      {
        name: 'POST /api/cart/items', method: 'POST', url: 'https://shop.example.com/api/cart/items',
        headers: { 'content-type': 'application/json', 'x-csrf-token': '{{ env.X_CSRF_TOKEN }}' }, auth: { bearer: '{{ env.ACCESS_TOKEN_2 }}' },
        json: { sku: 'A-1', quantity: 2 }, expect: { status: 201 },
      },
      { name: 'POST /upload', method: 'POST', url: 'https://cdn.example.net/upload', form: { title: 'cat' } },
    ]);
    const text = JSON.stringify(result.suite);
    for (const secret of ['at-Har-111222', 'ck-Har-333444', 'tok-Har-555666', 'csrf-Har-777888']) expect(text).not.toContain(secret);
    expect(lines(result, 'unmapped')).toEqual([
      'entry 3: the uploaded file of the form field photo is not imported: a HAR file does not hold its content',
      'entry 3: the form was sent as multipart/form-data; a suite form without a file field is sent as application/x-www-form-urlencoded',
      'entry 3: no status was recorded (0, e.g. a blocked or failed request): the step has no status expectation, so it fails on a status >= 400',
      'entry 4: not imported: data: URLs are not HTTP requests',
    ]);
    expect(lines(result, 'note')).toContain("every entry: the headers HTTP/2 pseudo-headers (:method, :path…), accept-encoding, content-length are left out: apitest's transport sets them itself");
  });

  test('one origin becomes baseUrl and relative step URLs; bodies keep their type', async () => {
    const result = await imported(
      har([
        entry({ method: 'GET', url: 'http://127.0.0.1:3000/users/1?x=%20y#frag' }),
        entry({ method: 'PUT', url: 'http://127.0.0.1:3000/users/1', headers: [{ name: 'Host', value: '127.0.0.1:3000' }], postData: { mimeType: 'text/plain', text: 'hello {{ world }}' } }, 204),
        entry({ method: 'POST', url: 'http://127.0.0.1:3000/users', postData: { mimeType: 'application/json; charset=utf-8', text: '{"big": 12345678901234567890}' } }, 201),
      ]),
    );
    expect(result.suite.baseUrl).toBe('http://127.0.0.1:3000');
    expect(result.suite.vars).toEqual({ text_1: 'hello {{ world }}' });
    expect(result.suite.steps).toEqual([
      { name: 'GET /users/1', method: 'GET', url: '/users/1?x=%20y', expect: { status: 200 } },
      { name: 'PUT /users/1', method: 'PUT', url: '/users/1', headers: { 'Content-Type': 'text/plain' }, body: '{{ text_1 }}', expect: { status: 204 } },
      // A number JSON cannot hold exactly stays text, as recorded.
      { name: 'POST /users', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"big": 12345678901234567890}', expect: { status: 201 } },
    ]);
  });

  test('not JSON, not a HAR, no entries, nothing to replay: usage errors', () => {
    const message = (text: string): string => {
      try {
        importHar(text);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('expected a usage error');
    };
    expect(message('<html>')).toMatch(/^the HAR file is not valid JSON/);
    expect(message('{"info":{},"item":[]}')).toBe('not a HAR file: it has no log.entries list');
    expect(message(har([]))).toMatch(/has no entries/);
    expect(message(har([{ request: { method: 'GET', url: 'about:blank' } }, { nothing: 1 }]))).toMatch(/no HTTP request to replay/);
  });
});
