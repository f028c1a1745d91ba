/** TLS against a node:https server with a self-signed certificate made at test time by openssl. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const describeTls = hasOpenssl() ? describe : describe.skip;

describeTls('TLS (self-signed certificate)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apitest-tls-'));
  const cert = join(dir, 'cert.pem');
  let server: Server;
  let url: string;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      { stdio: 'ignore', timeout: 15_000 },
    );
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(cert) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ secure: true, path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}/hello`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('without --cacert: exit 3, error kind tls, with a hint', async () => {
    const result = await runCli([url, '--json']);
    expect(result.code).toBe(3);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.kind).toBe('tls');
    expect(doc.error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(result.stderr).toMatch(/^apitest: error: TLS error with localhost:\d+: .*--cacert.*-k\/--insecure/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('with --cacert: 200, and a TLS timing', async () => {
    const result = await runCli([url, '--cacert', cert, '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.status).toBe(200);
    expect(doc.response.body).toEqual({ secure: true, path: '/hello' });
    expect(typeof doc.timings.tls).toBe('number');
    expect(result.stderr).toBe('');
  });

  test('with -k: 200 and a warning on stderr', async () => {
    const result = await runCli([url, '-k']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('HTTP/1.1 200 OK');
    expect(result.stderr).toMatch(/^apitest: warning: -k\/--insecure: TLS certificates are not verified/);
  });

  test('with -k --json: stdout is still exactly one document', async () => {
    const result = await runCli([url, '--insecure', '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.status).toBe(200);
    expect(result.stderr).toContain('warning');
  });

  test('http:// to this TLS port: "the server expects TLS (use https://)", no OpenSSL internals', async () => {
    const plain = url.replace('https://', 'http://');
    const result = await runCli([plain]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^apitest: error: the server at localhost:\d+ expects TLS \(use https:\/\/\) \(try https:\/\/localhost:\d+\/hello\)\n$/);
  });
});

describe('https:// to a plain-HTTP port', () => {
  const demo = withDemoServer();
  test('"the server did not answer with TLS (is it http://?)", no OpenSSL internals', async () => {
    const result = await runCli([demo.url.replace('http://', 'https://')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^apitest: error: the server at 127\.0\.0\.1:\d+ did not answer with TLS \(is it http:\/\/\?\) \(use http:\/\/ for a plain-HTTP port\)\n$/);
    expect(result.stderr).not.toMatch(/routines|openssl|ssl3/i);
  });
});
