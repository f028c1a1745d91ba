import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { createRequestSpec, NO_AUTH, type RequestInput } from '../../src/model/request-spec.js';
import { Secret } from '../../src/redact/secret.js';
import { curlCommand, quoteWord } from '../../src/render/curl-command.js';

const LABELS = { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'api key', apiKeyHeader: 'auth header', timeout: 'timeout', connectTimeout: 'connect timeout', maxRedirects: 'max redirects', maxBody: 'max body' };

function spec(over: Partial<RequestInput> = {}) {
  return createRequestSpec(
    { url: 'http://h.test/x', method: null, headers: [], body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 30_000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null, ...over },
    LABELS,
  );
}

describe('curlCommand', () => {
  test('a plain GET', () => {
    expect(curlCommand(spec(), { showSecrets: false, caFile: null })).toBe('curl http://h.test/x --max-time 30 --compressed');
  });

  test('credentials become variable references; --show-secrets writes them', () => {
    const auth = { authorization: { kind: 'bearer' as const, token: new Secret('t0k3n-value') }, apiKey: { key: new Secret('k3y-value'), header: 'X-API-Key', query: null } };
    const line = curlCommand(spec({ auth }), { showSecrets: false, caFile: null });
    expect(line).toBe('curl http://h.test/x -H "Authorization: Bearer $ACCESS_TOKEN" -H "X-API-Key: $API_KEY" --max-time 30 --compressed');
    expect(curlCommand(spec({ auth }), { showSecrets: true, caFile: null })).toContain("-H 'Authorization: Bearer t0k3n-value'");
  });

  test('method, body, redirects, TLS and timeouts', () => {
    const line = curlCommand(
      spec({ method: 'PATCH', body: { kind: 'bytes', data: Buffer.from('{"a":"b c"}') }, followRedirects: true, maxRedirects: 3, insecure: true, connectTimeoutMs: 1500, timeoutMs: 250 }),
      { showSecrets: false, caFile: 'ca.pem' },
    );
    expect(line).toBe(`curl -X PATCH http://h.test/x -H 'Content-Type: application/json' --data-raw '{"a":"b c"}' -L --max-redirs 3 -k --cacert ca.pem --max-time 0.25 --connect-timeout 1.5 --compressed`);
  });

  test('HEAD is -I; a body with NUL bytes is read from a file', () => {
    expect(curlCommand(spec({ method: 'HEAD' }), { showSecrets: false, caFile: null })).toMatch(/^curl -I /);
    expect(curlCommand(spec({ body: { kind: 'bytes', data: new Uint8Array([0, 1, 2]) } }), { showSecrets: false, caFile: null })).toContain('--data-binary @body.bin');
  });
});

describe('quoteWord', () => {
  test('any text without NUL reads back the same through sh', () => {
    const texts = fc.sample(fc.string({ unit: 'binary', minLength: 0, maxLength: 40 }).filter((s) => !s.includes('\u0000')), { numRuns: 60, seed: 42 });
    const script = texts.map((t) => `printf '%s\\0' ${quoteWord([{ text: t }])}`).join('; ');
    const out = execFileSync('sh', ['-c', script], { timeout: 10_000 }).toString('utf8');
    expect(out.split('\u0000').slice(0, -1)).toEqual(texts);
  });

  test('a variable reference expands, unsplit', () => {
    const word = quoteWord([{ text: 'Bearer ' }, { env: 'TOKEN' }, { text: '!x' }]);
    const out = execFileSync('sh', ['-c', `printf '%s' ${word}`], { env: { TOKEN: 'a b  c' }, timeout: 10_000 }).toString();
    expect(out).toBe('Bearer a b  c!x');
  });
});
