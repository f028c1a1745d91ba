/**
 * Proxies through the real binary: -x/--proxy, the *_PROXY variables (both cases), NO_PROXY/--noproxy, proxy
 * credentials (sent, never shown), CONNECT tunnels to a TLS server, an https:// proxy, refusals — asserted at the
 * proxy (test/helpers/proxy-server.ts) as well as in apitest's output. Everything on 127.0.0.1.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hasOpenssl, makeCertificates, type TestCertificates } from '../helpers/certs.js';
import { withDemoServer } from '../helpers/demo.js';
import { startProxy, type TestProxy } from '../helpers/proxy-server.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const PASSWORD = 'proxyPw-Zq8xV2nM5tR';
const describeTls = hasOpenssl() ? describe : describe.skip;

let proxy: TestProxy;
let authProxy: TestProxy;
/** A port nothing listens on (a proxy that is down). */
let deadPort: number;

beforeAll(async () => {
  proxy = await startProxy();
  authProxy = await startProxy({ auth: { user: 'ann', password: PASSWORD } });
  const probe = await startProxy();
  deadPort = probe.port;
  await probe.close();
});
afterAll(async () => {
  await proxy.close();
  await authProxy.close();
});

const forwarded = (p: TestProxy, path: string): boolean => p.seen().some((s) => s.kind === 'forward' && s.target.endsWith(path));

describe('http:// URLs through an HTTP proxy (absolute form)', () => {
  test('-x sends the request to the proxy with the full URL; -v says which proxy', async () => {
    const result = await runCli([`${demo.url}/echo?via=flag`, '-x', proxy.url, '-v', '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.status).toBe(200);
    expect(forwarded(proxy, '/echo?via=flag')).toBe(true);
    expect(result.stderr).toContain(`* proxy ${proxy.url.replace(/\/$/, '')} (from -x/--proxy): the request goes to the proxy with the full URL`);
    expect(result.stderr).toContain(`> GET /echo?via=flag HTTP/1.1`);
  });

  test('HTTP_PROXY and http_proxy (lower case wins, as curl); ALL_PROXY when neither is set', async () => {
    const lower = await runCli([`${demo.url}/echo?via=lower`, '-v'], { env: { http_proxy: proxy.url, HTTP_PROXY: `http://127.0.0.1:${deadPort}` } });
    expect(lower.code).toBe(0);
    expect(lower.stderr).toContain('(from http_proxy)');
    expect(forwarded(proxy, '/echo?via=lower')).toBe(true);
    const upper = await runCli([`${demo.url}/echo?via=upper`], { env: { HTTP_PROXY: proxy.url } });
    expect(upper.code).toBe(0);
    expect(forwarded(proxy, '/echo?via=upper')).toBe(true);
    const all = await runCli([`${demo.url}/echo?via=all`, '-v'], { env: { ALL_PROXY: proxy.url } });
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('(from ALL_PROXY)');
    expect(forwarded(proxy, '/echo?via=all')).toBe(true);
  });

  test('NO_PROXY (curl rules) sends matching hosts direct; --noproxy overrides it, and --noproxy "" turns it off', async () => {
    const dead = `http://127.0.0.1:${deadPort}`;
    const direct = await runCli([`${demo.url}/echo?via=none`, '-v'], { env: { HTTP_PROXY: dead, NO_PROXY: 'example.com, 127.0.0.0/8' } });
    expect(direct.code).toBe(0);
    expect(direct.stderr).toContain('* no proxy for 127.0.0.1: it matches NO_PROXY');
    const lower = await runCli([`${demo.url}/echo`], { env: { http_proxy: dead, no_proxy: '*' } });
    expect(lower.code).toBe(0);
    const flag = await runCli([`${demo.url}/echo`, '-x', dead, '--noproxy', '127.0.0.1']);
    expect(flag.code).toBe(0);
    const off = await runCli([`${demo.url}/echo`, '--noproxy', ''], { env: { HTTP_PROXY: dead, NO_PROXY: '127.0.0.1' } });
    expect(off.code).toBe(3);
    expect(off.stderr).toMatch(/^apitest: error: connection refused by the proxy 127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(check the proxy URL/);
    expect(off.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('-x "" ignores the environment', async () => {
    const result = await runCli([`${demo.url}/echo`, '-x', ''], { env: { HTTP_PROXY: `http://127.0.0.1:${deadPort}` } });
    expect(result.code).toBe(0);
  });

  test('proxy credentials: sent as Proxy-Authorization, never shown (-v, --json, the error line)', async () => {
    const url = `http://ann:${PASSWORD}@127.0.0.1:${authProxy.port}`;
    const ok = await runCli([`${demo.url}/echo?auth=1`, '-x', url, '-v', '--json']);
    expect(ok.code).toBe(0);
    const seen = authProxy.seen().find((s) => s.target.endsWith('/echo?auth=1'));
    expect(seen?.proxyAuthorization).toBe(`Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`);
    expect(ok.stderr).toContain(`* proxy http://ann:****@127.0.0.1:${authProxy.port} (from -x/--proxy)`);
    expect(ok.stderr).toMatch(/> proxy-authorization: Basic \*\*\*\*/i);
    for (const text of [ok.stdout, ok.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(Buffer.from(`ann:${PASSWORD}`).toString('base64'));
    }
    // Without credentials (or with wrong ones) the proxy answers 407 itself: the proxy's refusal, exit 3 as for CONNECT.
    const refused = await runCli([`${demo.url}/echo`, '-x', authProxy.url, '--json']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^apitest: error: the proxy 127\.0\.0\.1:\d+ requires authentication \(407 Proxy Authentication Required\) \(give them in the proxy URL: http:\/\/user:password@host:port\)\n$/);
    expect(parseJsonDocument(refused.stdout).error).toMatchObject({ kind: 'connection', code: 'ERR_PROXY_AUTH' });
    const wrong = await runCli([`${demo.url}/echo`, '-x', authProxy.url.replace('http://', 'http://ann:wrong-pass-99@'), '-o', join(mkdtempSync(join(tmpdir(), 'apitest-407-')), 'out.json')]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^apitest: error: the proxy 127\.0\.0\.1:\d+ rejected the credentials \(407 Proxy Authentication Required\) \(check the user and password in the proxy URL\)\n$/);
  });

  test('a redirect to a host in NO_PROXY goes direct; back through the proxy for the others', async () => {
    const target = encodeURIComponent(`${demo.url.replace('127.0.0.1', 'localhost')}/echo?hop=2`);
    const result = await runCli([`${demo.url}/redirect-to?url=${target}`, '-L', '-v'], { env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('* no proxy for localhost: it matches NO_PROXY');
    expect(forwarded(proxy, `/redirect-to?url=${target}`)).toBe(true);
    expect(forwarded(proxy, '/echo?hop=2')).toBe(false);
  });

  test('a proxy URL that cannot be used is a usage error: SOCKS, garbage, control characters (the password never shown)', async () => {
    const socks = await runCli([`${demo.url}/echo`, '-x', 'socks5://127.0.0.1:1080']);
    expect(socks.code).toBe(2);
    expect(socks.stderr).toMatch(/^apitest: error: -x\/--proxy: SOCKS proxies are not supported/);
    const bad = await runCli([`${demo.url}/echo`, '-x', `http://ann:${PASSWORD}@[oops`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain(PASSWORD);
    const env = await runCli([`${demo.url}/echo`], { env: { HTTPS_PROXY: 'ftp://x', HTTP_PROXY: 'ftp://proxy:21' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^apitest: error: HTTP_PROXY: a proxy URL is http:\/\/ or https:\/\//);
  });
});

describeTls('https:// URLs through a CONNECT tunnel', () => {
  let certs: TestCertificates;
  let server: Server;
  let target: string;
  let tlsProxy: TestProxy;
  let denyProxy: TestProxy;

  beforeAll(async () => {
    certs = makeCertificates(mkdtempSync(join(tmpdir(), 'apitest-proxy-tls-')));
    server = createServer({ key: certs.pem(certs.serverKey), cert: certs.pem(certs.serverCert) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ secure: true, path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `https://localhost:${(server.address() as AddressInfo).port}`;
    tlsProxy = await startProxy({ tls: { key: certs.pem(certs.serverKey), cert: certs.pem(certs.serverCert) } });
    denyProxy = await startProxy({ deny: [(server.address() as AddressInfo).port] });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tlsProxy.close();
    await denyProxy.close();
  });

  test('HTTPS_PROXY: CONNECT host:port, TLS with the server through it; timings say dns/tcp/tls of the tunnel', async () => {
    const result = await runCli([`${target}/tunnel`, '--cacert', certs.ca, '--json', '-v'], { env: { HTTPS_PROXY: proxy.url } });
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.body).toEqual({ secure: true, path: '/tunnel' });
    expect(proxy.seen().some((s) => s.kind === 'connect' && s.target === target.replace('https://', ''))).toBe(true);
    expect(result.stderr).toContain(`(from HTTPS_PROXY): tunnel to ${target.replace('https://', '')} (CONNECT)`);
    expect(typeof doc.timings.tcp).toBe('number');
    expect(typeof doc.timings.tls).toBe('number');
    // The proxy is an IP address: no lookup.
    expect(doc.timings.dns).toBeNull();
    const sum = ['wait', 'tcp', 'tls', 'send', 'firstByte', 'download'].reduce((n, k) => n + (doc.timings[k] ?? 0), 0);
    expect(Math.abs(sum - doc.timings.total)).toBeLessThan(1);
  });

  test('credentials in the CONNECT; a 407 to CONNECT is its own error (exit 3)', async () => {
    const ok = await runCli([`${target}/auth`, '--cacert', certs.ca, '-x', `http://ann:${PASSWORD}@127.0.0.1:${authProxy.port}`]);
    expect(ok.code).toBe(0);
    expect(authProxy.seen().some((s) => s.kind === 'connect' && s.proxyAuthorization === `Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`)).toBe(true);
    const none = await runCli([`${target}/auth`, '--cacert', certs.ca, '-x', authProxy.url, '--json']);
    expect(none.code).toBe(3);
    expect(parseJsonDocument(none.stdout).error.kind).toBe('connection');
    expect(none.stderr).toMatch(/^apitest: error: the proxy 127\.0\.0\.1:\d+ requires authentication \(407 Proxy Authentication Required\) \(give them in the proxy URL/);
    const wrong = await runCli([`${target}/auth`, '--cacert', certs.ca, '-x', `http://ann:wrong-${PASSWORD}@127.0.0.1:${authProxy.port}`]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('rejected the credentials');
    expect(wrong.stderr).not.toContain(PASSWORD);
  });

  test('a tunnel the proxy refuses (403): exit 3, naming the proxy and the destination', async () => {
    const result = await runCli([`${target}/x`, '--cacert', certs.ca, '-x', denyProxy.url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^apitest: error: the proxy 127\.0\.0\.1:\d+ refused the tunnel to localhost:\d+ \(403 Forbidden\)/);
  });

  test('an https:// proxy (TLS to the proxy, verified with --cacert), for http:// and https:// URLs', async () => {
    const https = await runCli([`${target}/over-tls`, '--cacert', certs.ca, '-x', tlsProxy.url.replace('127.0.0.1', 'localhost'), '--json']);
    expect(https.code).toBe(0);
    expect(parseJsonDocument(https.stdout).response.body.path).toBe('/over-tls');
    const http = await runCli([`${demo.url}/echo?over=tls`, '--cacert', certs.ca, '-x', tlsProxy.url.replace('127.0.0.1', 'localhost')]);
    expect(http.code).toBe(0);
    expect(tlsProxy.seen().some((s) => s.kind === 'forward' && s.target.endsWith('/echo?over=tls'))).toBe(true);
    const unverified = await runCli([`${demo.url}/echo`, '-x', tlsProxy.url.replace('127.0.0.1', 'localhost')]);
    expect(unverified.code).toBe(3);
    expect(unverified.stderr).toMatch(/^apitest: error: TLS error with the proxy localhost:\d+/);
  });

  test('suites: defaults.proxy, a step with proxy: false goes direct', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-proxy-suite-'));
    const suite = join(dir, 'proxy.yaml');
    writeFileSync(
      suite,
      `name: proxied
baseUrl: "${demo.url}"
defaults:
  proxy: "http://ann:{{ env.PROXY_PASSWORD }}@127.0.0.1:${authProxy.port}"
steps:
  - name: through the proxy
    url: /echo?suite=1
  - name: direct
    url: /echo?suite=2
    proxy: false
`,
    );
    const result = await runCli(['run', suite, '--reporter', 'json'], { env: { PROXY_PASSWORD: PASSWORD } });
    expect(result.code).toBe(0);
    expect(authProxy.seen().some((s) => s.target.endsWith('/echo?suite=1'))).toBe(true);
    expect(authProxy.seen().some((s) => s.target.endsWith('/echo?suite=2'))).toBe(false);
    expect(result.stdout).not.toContain(PASSWORD);
  });
});

describe('OAuth2 behind a proxy', () => {
  test('the token request goes through the same proxy as the API request (a request, and apitest auth token)', async () => {
    const oauth = ['--oauth2-token-url', `${demo.url}/oauth/token`, '--oauth2-client-id', 'demo-client', '--no-token-cache'];
    const env = { OAUTH2_CLIENT_SECRET: 'demo-secret' };
    const result = await runCli([`${demo.url}/oauth/me?via=proxy`, ...oauth, '--oauth2-client-secret', '-x', proxy.url, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(forwarded(proxy, '/oauth/token')).toBe(true);
    expect(forwarded(proxy, '/oauth/me?via=proxy')).toBe(true);
    const before = proxy.seen().filter((s) => s.target.endsWith('/oauth/token')).length;
    const token = await runCli(['auth', 'token', ...oauth, '--oauth2-client-secret', '--json'], { env: { ...env, HTTP_PROXY: proxy.url } });
    expect(token.code).toBe(0);
    expect(proxy.seen().filter((s) => s.target.endsWith('/oauth/token')).length).toBe(before + 1);
  });
});
