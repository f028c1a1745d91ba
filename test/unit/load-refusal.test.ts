/**
 * `stepRefusal` (the refusals of a suite step found from its method and header names, before the run) restates a
 * subset of undici's own rules; `loadRequestRefusal` asks undici itself. They must agree: this fails when undici
 * changes its rules under the restated copy.
 */
import { describe, expect, test } from '@jest/globals';
import { loadRequestRefusal, stepRefusal } from '../../src/engine/load-transport.js';
import { createRequestSpec, NO_AUTH, type RequestSpec } from '../../src/model/request-spec.js';

function spec(method: string, headers: Array<[string, string]>): RequestSpec {
  return createRequestSpec(
    { url: 'http://127.0.0.1:9/x', method, headers, body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 5000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null },
    { url: 'URL', method: '-X', headers: '-H', bearer: '--bearer', basic: '-u', apiKey: '--api-key', apiKeyHeader: '--api-key-header', timeout: '--timeout', connectTimeout: '--connect-timeout', maxRedirects: '--max-redirects', maxBody: '--max-body' },
  );
}

describe('stepRefusal agrees with undici (loadRequestRefusal asks undici, sending nothing)', () => {
  test.each([
    ['Transfer-Encoding', 'chunked'],
    ['Keep-Alive', 'timeout=5'],
    ['Upgrade', 'websocket'],
    ['Expect', '100-continue'],
  ])('the %s header: both refuse it', async (name, value) => {
    expect(stepRefusal('GET', [name])).not.toBeNull();
    expect(await loadRequestRefusal(spec('GET', [[name, value]]))).not.toBeNull();
  });

  test('headers undici sends: neither refuses', async () => {
    const names = ['Accept', 'X-Trace', 'Content-Type', 'Authorization'];
    expect(stepRefusal('POST', names)).toBeNull();
    expect(await loadRequestRefusal(spec('POST', names.map((n) => [n, 'v'])))).toBeNull();
  });

  test('CONNECT: refused before undici is asked', async () => {
    expect(stepRefusal('CONNECT', [])).not.toBeNull();
    expect(await loadRequestRefusal(spec('CONNECT', []))).not.toBeNull();
  });
});
