/**
 * TLS client certificates (mTLS) through the real binary, against a node:https server that requires one, with
 * certificates made at test time by openssl: PEM with --key or in one file, an encrypted key, a .p12 bundle;
 * files read before anything is sent (exit 2), a server that wants a certificate or rejects ours (exit 3, kind
 * tls, its own message), the passphrase never shown.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hasOpenssl, makeCertificates, type TestCertificates } from '../helpers/certs.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const describeTls = hasOpenssl() ? describe : describe.skip;

describeTls('client certificates (mTLS)', () => {
  let certs: TestCertificates;
  let server: Server;
  let url: string;
  /** The client certificate subjects the server saw, in order. */
  const clients: string[] = [];

  beforeAll(async () => {
    certs = makeCertificates(mkdtempSync(join(tmpdir(), 'apitest-mtls-')));
    writeFileSync(join(certs.dir, 'client-with-key.pem'), Buffer.concat([readFileSync(certs.clientCert), readFileSync(certs.clientKey)]));
    server = createServer({ key: certs.pem(certs.serverKey), cert: certs.pem(certs.serverCert), ca: certs.pem(certs.ca), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clients.push(String(peer.subject?.CN));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client: peer.subject?.CN ?? null, path: req.url }));
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('--cert + --key: the server sees the client; the same with the key in the certificate file', async () => {
    const result = await runCli([`${url}/me`, '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey, '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.body).toEqual({ client: 'apitest-client', path: '/me' });
    const oneFile = await runCli([`${url}/one-file`, '--cacert', certs.ca, '--cert', join(certs.dir, 'client-with-key.pem')]);
    expect(oneFile.code).toBe(0);
    expect(oneFile.stdout).toContain('apitest-client');
  });

  test('an encrypted key: --cert-passphrase, or $APITEST_CERT_PASSPHRASE (with the bare flag, or without it); never shown', async () => {
    const pass = certs.keyPassphrase;
    const base = [`${url}/enc`, '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKeyEncrypted];
    const flag = await runCli([...base, '--cert-passphrase', pass, '-v', '--json']);
    expect(flag.code).toBe(0);
    const fromEnv = await runCli([...base, '--cert-passphrase'], { env: { APITEST_CERT_PASSPHRASE: pass } });
    expect(fromEnv.code).toBe(0);
    const envOnly = await runCli([...base, '--print-curl'], { env: { APITEST_CERT_PASSPHRASE: pass } });
    expect(envOnly.code).toBe(0);
    expect(envOnly.stderr).toContain('--pass "$APITEST_CERT_PASSPHRASE"');
    for (const r of [flag, fromEnv, envOnly]) {
      expect(r.stdout).not.toContain(pass);
      expect(r.stderr).not.toContain(pass);
    }
  });

  test('a wrong or missing passphrase, a missing file, a key that does not match: exit 2, one clear line, nothing sent', async () => {
    const before = clients.length;
    const base = [`${url}/x`, '--cacert', certs.ca, '--cert', certs.clientCert];
    const wrong = await runCli([...base, '--key', certs.clientKeyEncrypted, '--cert-passphrase', 'not-the-passphrase']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`apitest: error: --cert-passphrase: wrong passphrase for the private key in ${JSON.stringify(certs.clientKeyEncrypted)} (check the passphrase)\n`);
    const none = await runCli([...base, '--key', certs.clientKeyEncrypted]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^apitest: error: --cert-passphrase: the private key in ".*" is encrypted, and no passphrase was given \(give --cert-passphrase PASSPHRASE, or set APITEST_CERT_PASSPHRASE\)\n$/);
    const missing = await runCli([`${url}/x`, '--cert', join(certs.dir, 'nope.pem')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('apitest: error: --cert: cannot read ' + JSON.stringify(join(certs.dir, 'nope.pem')) + ': no such file (check the path)\n');
    const mismatch = await runCli([...base, '--key', certs.strangerKey]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('does not match the certificate');
    const noKey = await runCli(base);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('holds no private key (give the key with --key FILE)');
    const keyAlone = await runCli([`${url}/x`, '--key', certs.clientKey]);
    expect(keyAlone.code).toBe(2);
    expect(keyAlone.stderr).toBe('apitest: error: --key needs --cert (give the certificate with --cert FILE)\n');
    for (const r of [wrong, none, missing, mismatch, noKey, keyAlone]) {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/routines|error:[0-9A-F]{8}/);
    }
    expect(clients.length).toBe(before);
  });

  test('a .p12 bundle with its passphrase; a wrong one is exit 2', async () => {
    const ok = await runCli([`${url}/p12`, '--cacert', certs.ca, '--cert', certs.clientP12, '--cert-passphrase', certs.p12Passphrase]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('apitest-client');
    const wrong = await runCli([`${url}/p12`, '--cacert', certs.ca, '--cert', certs.clientP12, '--cert-passphrase', 'nope-nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^apitest: error: --cert-passphrase: wrong passphrase for the bundle ".*client\.p12"/);
    expect(wrong.stderr).not.toContain('nope-nope');
  });

  test('no certificate: exit 3, kind tls, "requires a client certificate"; one the server does not trust: "rejected"', async () => {
    const none = await runCli([`${url}/x`, '--cacert', certs.ca, '--json']);
    expect(none.code).toBe(3);
    const doc = parseJsonDocument(none.stdout);
    expect(doc.error.kind).toBe('tls');
    expect(doc.error.code).toBe('ERR_TLS_CERT_REQUIRED');
    expect(none.stderr).toMatch(/^apitest: error: the server at localhost:\d+ (requires a client certificate|ended the TLS handshake; it may require a client certificate) \(TLS alert: [a-z ]+\) \(give one with --cert FILE/);
    const stranger = await runCli([`${url}/x`, '--cacert', certs.ca, '--cert', certs.strangerCert, '--key', certs.strangerKey]);
    expect(stranger.code).toBe(3);
    // Node's server hangs up on a certificate it does not trust (no alert); nginx and others send one (unknown CA).
    expect(stranger.stderr).toMatch(/^apitest: error: the server at localhost:\d+ (rejected the client certificate \(TLS alert: [A-Za-z ]+\)|closed the connection right after the TLS handshake, before any request: it does not accept the client certificate) \(check that --cert/);
    expect(parseJsonDocument((await runCli([`${url}/x`, '--cacert', certs.ca, '--cert', certs.strangerCert, '--key', certs.strangerKey, '--json'])).stdout).error.code).toBe('ERR_TLS_CERT_REJECTED');
    for (const r of [none, stranger]) {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/routines|error:[0-9A-F]{8}|SSL alert number/);
    }
  });

  test('suites: defaults.tls (paths relative to the suite file, the passphrase from the environment)', async () => {
    const suite = join(certs.dir, 'mtls.yaml');
    writeFileSync(
      suite,
      `name: mtls
baseUrl: "${url}"
defaults:
  tls:
    ca: test-ca.pem
    cert: client.pem
    key: client-encrypted.key
    passphrase: "{{ env.KEY_PASSPHRASE }}"
steps:
  - name: who am i
    url: /suite
    expect:
      jsonpath: { "$.client": apitest-client }
  - name: without the certificate
    url: /suite-none
    tls: { ca: test-ca.pem }
    expect: { status: 200 }
`,
    );
    const result = await runCli(['run', suite, '--reporter', 'json'], { env: { KEY_PASSPHRASE: certs.keyPassphrase } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.files[0].steps[0].ok).toBe(true);
    expect(report.files[0].steps[1].error.kind).toBe('tls');
    expect(result.stdout).not.toContain(certs.keyPassphrase);
  });
});
