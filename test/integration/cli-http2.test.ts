/**
 * --http2 through the real binary, against node:http2 TLS servers: HTTP/2 negotiated with ALPN (response.httpVersion
 * "2.0", timings by phase, -v), HTTP/1.1 when the server does not offer h2 or the URL is http://, and the HTTP/2
 * code loaded only when asked (dist/http2.cjs, not the bundle).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hasOpenssl, makeCertificates, type TestCertificates } from '../helpers/certs.js';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const describeTls = hasOpenssl() ? describe : describe.skip;
const demo = withDemoServer();

describeTls('--http2', () => {
  let certs: TestCertificates;
  let h2: Http2SecureServer;
  let h1: HttpsServer;
  let h2Url: string;
  let h1Url: string;
  /** The HTTP version of each request the servers saw, by path. */
  const versions = new Map<string, string>();
  let preload: string;

  beforeAll(async () => {
    certs = makeCertificates(mkdtempSync(join(tmpdir(), 'apitest-h2-')));
    const tls = { key: certs.pem(certs.serverKey), cert: certs.pem(certs.serverCert) };
    h2 = createSecureServer({ ...tls, allowHTTP1: true }, (req, res) => {
      versions.set(req.url, req.httpVersion);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': 'h2', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] });
        res.end(JSON.stringify({ version: req.httpVersion, method: req.method, path: req.url, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    h1 = createHttpsServer(tls, (req, res) => {
      versions.set(req.url ?? '', req.httpVersion);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: req.httpVersion }));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => h1.listen(0, '127.0.0.1', resolve));
    h2Url = `https://localhost:${(h2.address() as AddressInfo).port}`;
    h1Url = `https://localhost:${(h1.address() as AddressInfo).port}`;
    // Tells on stderr which of the lazily loaded files a run reads.
    preload = join(certs.dir, 'watch-loads.cjs');
    writeFileSync(
      preload,
      `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/(^|\\/)(http2\\.cjs|cookies\\.cjs|http2-wrapper|tough-cookie)$/.test(request)) process.stderr.write('loaded ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`,
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => h2.close(() => resolve()));
    h1.closeAllConnections();
    await new Promise<void>((resolve) => h1.close(() => resolve()));
  });

  test('negotiates HTTP/2: response.httpVersion "2.0", repeated headers kept, timings by phase', async () => {
    const result = await runCli([`${h2Url}/one`, '--http2', '--cacert', certs.ca, '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.httpVersion).toBe('2.0');
    expect(doc.response.body).toMatchObject({ version: '2.0', path: '/one' });
    expect(doc.response.headers['x-served-by']).toBe('h2');
    expect(doc.response.headers['set-cookie']).toEqual(['a=****; Path=/', 'b=****; Path=/']);
    expect(versions.get('/one')).toBe('2.0');
    for (const phase of ['dns', 'tcp', 'tls', 'send', 'firstByte', 'download', 'total']) expect(typeof doc.timings[phase]).toBe('number');
    const sum = ['wait', 'dns', 'tcp', 'tls', 'send', 'firstByte', 'download'].reduce((n, k) => n + (doc.timings[k] ?? 0), 0);
    expect(Math.abs(sum - doc.timings.total)).toBeLessThan(1);
  });

  test('-v shows the HTTP/2 request (:authority, no Host) and says it was negotiated; the table shows HTTP/2.0', async () => {
    const result = await runCli([`${h2Url}/verbose`, '--http2', '--cacert', certs.ca, '-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('* HTTP/2 negotiated (ALPN h2)');
    expect(result.stderr).toContain('> GET /verbose HTTP/2\n');
    expect(result.stderr).toMatch(/> :authority: localhost:\d+\n/);
    expect(result.stderr).not.toMatch(/> host:/i);
    expect(result.stderr).toContain('< HTTP/2.0 200');
    expect(result.stdout).toContain('HTTP/2.0 200');
  });

  test('a POST body over HTTP/2', async () => {
    const result = await runCli([`POST`, `${h2Url}/post`, '--http2', '--cacert', certs.ca, '-d', '{"a":1}', '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.body).toMatchObject({ version: '2.0', method: 'POST', body: '{"a":1}' });
  });

  test('without --http2 the same server answers HTTP/1.1', async () => {
    const result = await runCli([`${h2Url}/plain`, '--cacert', certs.ca, '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.httpVersion).toBe('1.1');
    expect(versions.get('/plain')).toBe('1.1');
  });

  test('falls back to HTTP/1.1 when the server does not offer h2, and for http:// URLs; -v says so', async () => {
    const tls = await runCli([`${h1Url}/fallback`, '--http2', '--cacert', certs.ca, '--json', '-v']);
    expect(tls.code).toBe(0);
    expect(parseJsonDocument(tls.stdout).response.httpVersion).toBe('1.1');
    expect(tls.stderr).toContain('* --http2: the server did not offer HTTP/2 (ALPN); HTTP/1.1 was used');
    // The connection that asked for ALPN is the one the request used: its phases are measured.
    expect(typeof parseJsonDocument(tls.stdout).timings.tls).toBe('number');
    const plain = await runCli([`${demo.url}/echo`, '--http2', '-v']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('* --http2: HTTP/2 is negotiated over TLS only; HTTP/1.1 was used for this http:// URL');
  });

  test('the HTTP/2 code is read only with --http2 (a plain request reads neither it nor the cookie library)', async () => {
    const env = { NODE_OPTIONS: `--require ${preload}` };
    const plain = await runCli([`${h2Url}/lazy`, '--cacert', certs.ca], { env });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
    const asked = await runCli([`${h2Url}/lazy`, '--http2', '--cacert', certs.ca], { env });
    expect(asked.code).toBe(0);
    expect(asked.stderr).toMatch(/^loaded \.\/http2\.cjs\n$/);
  });
});
