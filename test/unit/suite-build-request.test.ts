import { describe, expect, test } from '@jest/globals';
import { buildRequest } from '../../src/suite/build-request.js';
import type { RequestTemplate } from '../../src/suite/compile-request.js';
import { DEFAULT_RETRY_ON } from '../../src/retry/backoff.js';
import type { Scope } from '../../src/suite/interpolate.js';

const template = (over: Partial<RequestTemplate>): RequestTemplate => ({
  method: 'GET',
  url: '/users/{{ id }}',
  query: [],
  headers: [],
  body: { kind: 'none' } as RequestTemplate['body'],
  auth: null,
  timeoutMs: 5000,
  retry: { limit: 0, retryOn: DEFAULT_RETRY_ON, baseDelayMs: 500, maxDelayMs: 30000, factor: 2, allMethods: false },
  followRedirects: false,
  maxRedirects: 10,
  insecure: false,
  maxBodyBytes: null,
  paginate: null,
  ...over,
});
const scope = (vars: Record<string, unknown>): Scope => ({ lookupVar: (name) => vars[name], lookupEnv: () => undefined });

describe('buildRequest: what interpolation produced is checked', () => {
  test('a valid step becomes a request spec', async () => {
    const built = await buildRequest(template({ headers: [['X-Trace', '{{ id }}']] }), 'http://127.0.0.1:3000/api', scope({ id: 7 }) );
    expect(built.spec.url).toBe('http://127.0.0.1:3000/api/users/7');
    expect(built.spec.headers).toEqual([['X-Trace', '7']]);
  });
  test('a URL that is invalid once interpolated is a usage error', async () => {
    await expect(buildRequest(template({ url: '{{ target }}' }), null, scope({ target: 'ftp://x/' }) )).rejects.toThrow(/^url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/" \(after interpolation\)/);
  });
  test('a header value with a line break after interpolation is refused (no header injection)', async () => {
    await expect(buildRequest(template({ headers: [['X-Name', '{{ name }}']] }), 'http://h', scope({ name: 'a\r\nX-Evil: 1' }) )).rejects.toThrow(/header X-Name contains a CR, LF or NUL/);
  });
});
