/**
 * The secret scan: every credential kind a suite or a request can carry, through every reporter and output
 * mode of the real binary, against the demo API (whose /echo answers with everything it received). The raw
 * value of each credential must never appear in the report channel (stdout, stderr, report files) — while
 * the server did receive it (so the scan cannot pass by sending nothing).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hasOpenssl, makeCertificates } from '../helpers/certs.js';
import { withDemoServer } from '../helpers/demo.js';
import { startProxy } from '../helpers/proxy-server.js';
import { runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const dir = mkdtempSync(join(tmpdir(), 'apitest-secret-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Distinctive values, one per credential kind; none is a substring of another. */
const SECRETS = {
  bearer: 'bearerQ7x9Vb2LmN4pR8sT1wZ',
  basicPassword: 'basicPwK3d8Fh2Jq5Wn9Ys6',
  apiKeyHeader: 'hdrKeyA1s2D3f4G5h6J7k8',
  apiKeyQuery: 'qryKeyZ9x8C7v6B5n4M3l2',
  envInQuery: 'envTokQueryP0o9I8u7Y6t5',
  envInJson: 'envSecretJsonR4e3W2q1A0',
  envInUrl: 'envAuthUrlM1n2B3v4C5x6',
  secretVar: 'cliSecretVarL9k8J7h6G5',
  secretHeader: 'sessHdrValU5i6O7p8A9s0',
  captured: 'tok-captured-9d8c7b6a5f4e',
} as const;
const basicB64 = Buffer.from(`bob:${SECRETS.basicPassword}`).toString('base64');
const FORBIDDEN = [...Object.values(SECRETS), basicB64];

const ENV = {
  ACCESS_TOKEN: SECRETS.bearer,
  API_PASSWORD: SECRETS.basicPassword,
  PARTNER_API_KEY: SECRETS.apiKeyHeader,
  QUERY_KEY: SECRETS.apiKeyQuery,
  SEARCH_TOKEN: SECRETS.envInQuery,
  CLIENT_SECRET: SECRETS.envInJson,
  TENANT_AUTH: SECRETS.envInUrl,
  SESSION_PASSWORD: SECRETS.secretHeader,
};

/** Each step fails an expectation, so that every reporter shows the most it ever shows of a step. */
function suiteText(baseUrl: string): string {
  return `name: secret scan
baseUrl: "${baseUrl}"
steps:
  - name: bearer from env
    url: /echo
    auth: { bearer: "{{ env.ACCESS_TOKEN }}" }
    expect: { status: 201, jsonpath: { "$.headers.authorization": "nope" } }
  - name: basic with an env password
    url: /echo
    auth: { basic: { user: bob, password: "{{ env.API_PASSWORD }}" } }
    expect: { status: 201 }
  - name: api key in a header
    url: /echo
    auth: { apiKey: "{{ env.PARTNER_API_KEY }}", header: X-Partner-Key }
    expect: { status: 201, body: { contains: "nothing-like-this" } }
  - name: api key in the query
    url: /echo
    auth: { apiKey: "{{ env.QUERY_KEY }}", query: api_key }
    expect: { status: 201 }
  - name: credential-named env values in query, json and url
    method: POST
    url: "/echo/{{ env.TENANT_AUTH }}"
    query: { q: "{{ env.SEARCH_TOKEN }}" }
    json: { clientSecret: "{{ env.CLIENT_SECRET }}" }
    expect: { status: 201, jsonpath: { "$.json.clientSecret": "other" } }
  - name: a --secret variable in a body
    method: POST
    url: /echo
    body: "value={{ mySecret }}"
    expect: { status: 201, body: { contains: "absent" } }
  - name: a secret-looking header
    url: /echo
    headers: { X-Session-Password: "{{ env.SESSION_PASSWORD }}" }
    expect: { status: 201 }
  - name: login
    method: POST
    url: /echo
    json: { token: "${SECRETS.captured}" }
    capture: { token: $.json.token }
  - name: captured token used as a credential
    url: /echo
    auth: { bearer: "{{ token }}" }
    expect: { status: 201 }
`;
}

function scan(where: string, text: string): void {
  for (const secret of FORBIDDEN) {
    if (text.includes(secret)) throw new Error(`${where} shows the secret ${secret}:\n${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 100)}`);
  }
}

describe('secret scan: suites, every reporter', () => {
  test('no credential value appears in stdout, stderr or any report file; the server received each', async () => {
    const suite = join(dir, 'scan.yaml');
    writeFileSync(suite, suiteText(demo.url));
    const reports = { json: join(dir, 'r.json'), junit: join(dir, 'r.xml'), tap: join(dir, 'r.tap'), har: join(dir, 'r.har') };
    const result = await runCli(
      ['run', suite, '--reporter', 'table', '--reporter', `json:${reports.json}`, '--reporter', `junit:${reports.junit}`, '--reporter', `tap:${reports.tap}`, '--har', reports.har, '--secret', `mySecret=${SECRETS.secretVar}`],
      { env: ENV, timeoutMs: 30_000 },
    );
    expect(result.code).toBe(1);
    scan('stdout (table)', result.stdout);
    scan('stderr', result.stderr);
    for (const [name, file] of Object.entries(reports)) scan(`the ${name} report`, readFileSync(file, 'utf8'));

    // The reports do show the steps (the scan is not vacuous) ...
    const report = JSON.parse(readFileSync(reports.json, 'utf8'));
    expect(report.files[0].steps).toHaveLength(9);
    expect(readFileSync(reports.json, 'utf8')).toContain('****');
    // ... and the server received every credential sent in a head (the bodies are checked with --show-secrets below).
    const seen = JSON.stringify(demo.server.requests());
    for (const secret of [SECRETS.bearer, basicB64, SECRETS.apiKeyHeader, SECRETS.apiKeyQuery, SECRETS.envInQuery, SECRETS.envInUrl, SECRETS.secretHeader, SECRETS.captured]) {
      expect(seen).toContain(secret);
    }
  }, 180_000);

  test('each reporter on stdout alone, and --show-secrets shows them', async () => {
    const suite = join(dir, 'scan2.yaml');
    writeFileSync(suite, suiteText(demo.url));
    for (const reporter of ['json', 'junit', 'tap']) {
      const result = await runCli(['run', suite, '--reporter', reporter, '--secret', `mySecret=${SECRETS.secretVar}`], { env: ENV, timeoutMs: 30_000 });
      expect(result.code).toBe(1);
      scan(`stdout (${reporter})`, result.stdout);
      scan(`stderr (${reporter})`, result.stderr);
    }
    const shown = await runCli(['run', suite, '--reporter', 'json', '--show-secrets', '--secret', `mySecret=${SECRETS.secretVar}`], { env: ENV, timeoutMs: 30_000 });
    expect(shown.stdout).toContain(SECRETS.envInJson);
    expect(shown.stdout).toContain(SECRETS.secretVar);
  }, 180_000);

  test('--print-curl lines on stderr: credentials as variables, other secrets scrubbed', async () => {
    const suite = join(dir, 'scan3.yaml');
    writeFileSync(suite, suiteText(demo.url));
    const result = await runCli(['run', suite, '--print-curl', '--secret', `mySecret=${SECRETS.secretVar}`], { env: ENV, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"Authorization: Bearer $ACCESS_TOKEN"');
    // The login step's literal body is printed before its value is captured (and becomes a secret): a captured
    // value is masked from the moment it is captured, so only the lines of later steps must not show it.
    const afterLogin = result.stderr.slice(result.stderr.indexOf('# captured token used as a credential'));
    scan('stderr (--print-curl)', result.stderr.replace(SECRETS.captured, ''));
    scan('stderr after the capture (--print-curl)', afterLogin);
  }, 180_000);

  test('a malformed --secret does not echo its value', async () => {
    const result = await runCli(['run', join(dir, 'none.yaml'), '--secret', `bad name=${SECRETS.secretVar}`]);
    expect(result.code).toBe(2);
    scan('stderr', result.stderr);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('secret scan: single requests, every output mode', () => {
  const credentialArgs: Array<[string, string[], Record<string, string>]> = [
    ['--bearer', ['--bearer'], { ACCESS_TOKEN: SECRETS.bearer }],
    ['-u', ['-u', `bob:${SECRETS.basicPassword}`], {}],
    ['--api-key header', ['--api-key', SECRETS.apiKeyHeader], {}],
    ['--api-key query', ['--api-key', SECRETS.apiKeyQuery, '--api-key-query', 'api_key'], {}],
    ['-H Authorization', ['-H', `Authorization: Token ${SECRETS.secretHeader}`], {}],
    ['URL userinfo', [], {}],
  ];
  const modes: Array<[string, string[]]> = [
    ['table', []],
    ['--json', ['--json']],
    ['-v', ['-v']],
    ['-v --json', ['-v', '--json']],
    ['a failed expectation', ['--expect', '$.headers.authorization == "x"', '--json']],
    ['an error status', ['--json']],
    ['--print-curl', ['--print-curl']],
    ['--print-curl --dry-run', ['--print-curl', '--dry-run']],
  ];
  test.each(credentialArgs)('%s: no mode shows it', async (_name, args, env) => {
    for (const [mode, flags] of modes) {
      const path = mode === 'an error status' ? '/status/401' : '/echo';
      const url = _name === 'URL userinfo' ? demo.url.replace('http://', `http://bob:${SECRETS.basicPassword}@`) + path : demo.url + path;
      const har = join(dir, `scan-${modes.findIndex(([m]) => m === mode)}.har`);
      const result = await runCli([url, ...args, ...flags, '--har', har], { env });
      expect(result.code === 0 || result.code === 1 || result.code === 5).toBe(true);
      scan(`${_name} / ${mode} stdout`, result.stdout);
      scan(`${_name} / ${mode} stderr`, result.stderr);
      if (!flags.includes('--dry-run')) scan(`${_name} / ${mode} --har`, readFileSync(har, 'utf8'));
    }
  }, 180_000);

  test('-H without a colon shows at most the header name, masked when it is a credential header', async () => {
    const secret = SECRETS.secretHeader;
    for (const raw of [`Authorization${secret}`, `authorization ${secret}`, `X-Token${secret}`, `Cookie${secret}`]) {
      const result = await runCli([`${demo.url}/echo`, '-H', raw]);
      expect(result.code).toBe(2);
      scan(`-H ${raw}`, result.stderr);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('****');
    }
    const plain = await runCli([`${demo.url}/echo`, '-H', 'Accept-application/json-and-a-very-long-tail-of-text']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('"Accept-application/j …"');
  }, 180_000);
});

describe('secret scan: OAuth2 (client secret, access and refresh tokens)', () => {
  const CLIENT_SECRET = 'demo-secret';
  const WRONG_SECRET = 'wrongClientSecretT5r4E3w2';
  const basicClient = Buffer.from(`demo-client:${CLIENT_SECRET}`).toString('base64');

  test('no mode, reporter or command shows them; the tokens were really sent', async () => {
    const xdg = join(dir, 'oauth-cache');
    const env = { XDG_CACHE_HOME: xdg, OAUTH2_CLIENT_SECRET: CLIENT_SECRET, BASE_URL: demo.url };
    const outputs: Array<[string, string]> = [];
    const keep = (where: string, result: { stdout: string; stderr: string }): void => {
      outputs.push([`${where} stdout`, result.stdout], [`${where} stderr`, result.stderr]);
    };
    const oauth = (method: string[] = []): string[] => ['--oauth2-token-url', `${demo.url}/oauth/token?refresh=1&expires_in=600`, '--oauth2-client-id', 'demo-client', '--oauth2-client-secret', ...method];
    const modes: Array<[string, string[]]> = [
      ['table', []],
      ['--json', ['--json']],
      ['-v', ['-v', '--no-token-cache']],
      ['-v post', ['-v', '--no-token-cache', '--oauth2-auth-method', 'post']],
      ['-v --json', ['-v', '--json']],
      ['a failed expectation', ['--expect', '$.headers.authorization == "x"', '--json']],
      ['--print-curl', ['--print-curl']],
      ['--print-curl --dry-run', ['--print-curl', '--dry-run']],
    ];
    for (const [mode, flags] of modes) {
      const har = join(dir, `oauth-${modes.findIndex(([m]) => m === mode)}.har`);
      const result = await runCli([`${demo.url}/echo`, ...oauth(), ...flags, '--har', har], { env });
      expect(result.code === 0 || result.code === 1).toBe(true);
      keep(mode, result);
      if (!flags.includes('--dry-run')) outputs.push([`${mode} --har`, readFileSync(har, 'utf8')]);
    }
    // A 401 to the cached token: one new token (a refresh) and a retry, shown with -v.
    await fetch(`${demo.url}/oauth/tokens`, { method: 'DELETE' });
    keep('401 then a new token', await runCli([`${demo.url}/oauth/me`, ...oauth(), '-v', '--json'], { env }));
    for (const args of [[], ['--json'], ['-v'], ['-v', '--json', '--no-token-cache']]) {
      keep(`auth token ${args.join(' ')}`, await runCli(['auth', 'token', ...oauth(), ...args], { env }));
    }
    const wrong = await runCli([`${demo.url}/echo`, ...oauth(), '-v', '--json', '--no-token-cache'], { env: { ...env, OAUTH2_CLIENT_SECRET: WRONG_SECRET } });
    expect(wrong.code).toBe(5);
    keep('invalid_client', wrong);

    const suite = join(dir, 'oauth-scan.yaml');
    writeFileSync(
      suite,
      `name: oauth scan\nbaseUrl: "{{ env.BASE_URL }}"\ndefaults:\n  auth:\n    oauth2:\n      tokenUrl: "{{ env.BASE_URL }}/oauth/token?refresh=1"\n      clientId: demo-client\n      clientSecret: "{{ env.OAUTH2_CLIENT_SECRET }}"\nsteps:\n  - name: echo\n    url: /echo\n    expect: { status: 201, jsonpath: { "$.headers.authorization": "nope" } }\n  - name: me\n    url: /oauth/me\n    expect: { body: { contains: "nothing-like-this" } }\n`,
    );
    const reports = { json: join(dir, 'o.json'), junit: join(dir, 'o.xml'), tap: join(dir, 'o.tap'), har: join(dir, 'o.har') };
    const run = await runCli(['run', suite, '--reporter', 'table', '--reporter', `json:${reports.json}`, '--reporter', `junit:${reports.junit}`, '--reporter', `tap:${reports.tap}`, '--har', reports.har, '--print-curl'], { env, timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    keep('suite', run);
    for (const [name, file] of Object.entries(reports)) outputs.push([`the suite's ${name} report`, readFileSync(file, 'utf8')]);

    // Every token the demo issued that apitest sent (the request log) or kept (the cache files).
    const sent = demo.server.requests().flatMap((r) => {
      const auth = r.headers.authorization;
      const value = Array.isArray(auth) ? auth[0] : auth;
      return typeof value === 'string' && value.startsWith('Bearer demo-at-') ? [value.slice('Bearer '.length)] : [];
    });
    const cached = readdirSync(join(xdg, 'apitest', 'tokens')).flatMap((file) => {
      const token = JSON.parse(readFileSync(join(xdg, 'apitest', 'tokens', file), 'utf8'));
      return [token.accessToken, token.refreshToken].filter((v): v is string => typeof v === 'string');
    });
    expect(new Set(sent).size).toBeGreaterThanOrEqual(3);
    expect(cached.some((v) => v.startsWith('demo-rt-'))).toBe(true);
    const forbidden = [CLIENT_SECRET, WRONG_SECRET, basicClient, ...new Set([...sent, ...cached])];
    for (const [where, text] of outputs) {
      for (const secret of forbidden) {
        if (text.includes(secret)) throw new Error(`${where} shows the secret ${secret}:\n${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 100)}`);
      }
    }
    // The scan is not vacuous: the exchanges were shown, masked.
    const all = outputs.map(([, text]) => text).join('\n');
    expect(all).toContain('> POST /oauth/token?refresh=1&expires_in=600 HTTP/1.1');
    expect(all).toContain('client_secret=****');
    expect(all).toMatch(/"access_token": "\*\*\*\*\w{4}"/);
  }, 180_000);
});

describe('secret scan: network credentials (proxy password, certificate passphrases, cookie values)', () => {
  const PROXY_PASSWORD = 'proxyScanPw-Hq7Zt3Lm9Xv';
  const COOKIE_VALUE = 'cookieScanVal-Rb5Nw2Kp8Yd';
  const SERVER_COOKIE = 'secret-session-value';
  const run = hasOpenssl() ? test : test.skip;

  run('no mode, reporter or command shows them; each was really used', async () => {
    const proxy = await startProxy({ auth: { user: 'ann', password: PROXY_PASSWORD } });
    const certs = makeCertificates(mkdtempSync(join(dir, 'mtls-')));
    const tlsServer: HttpsServer = createHttpsServer({ key: certs.pem(certs.serverKey), cert: certs.pem(certs.serverCert), ca: certs.pem(certs.ca), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, cookie: req.headers.cookie ?? null }));
    });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const tlsUrl = `https://localhost:${(tlsServer.address() as AddressInfo).port}`;
    const proxyWithPassword = proxy.url.replace('http://', `http://ann:${PROXY_PASSWORD}@`);
    const outputs: Array<[string, string]> = [];
    try {
      const modes: Array<[string, string[]]> = [
        ['table', []],
        ['--json', ['--json']],
        ['-v', ['-v']],
        ['-v --json', ['-v', '--json']],
        ['a failed expectation', ['--expect', 'status == 418', '--json']],
        ['--print-curl', ['--print-curl']],
        ['--print-curl --dry-run', ['--print-curl', '--dry-run']],
      ];
      const cases: Array<[string, string, string[], Record<string, string>]> = [
        ['-x with a password', `${demo.url}/echo`, ['-x', proxyWithPassword, '-b', `session=${COOKIE_VALUE}`], {}],
        ['HTTP_PROXY with a password', `${demo.url}/cookies`, [], { HTTP_PROXY: proxyWithPassword }],
        ['an encrypted key, --cert-passphrase', `${tlsUrl}/key`, ['--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKeyEncrypted, '--cert-passphrase', certs.keyPassphrase], {}],
        ['a .p12 bundle, $APITEST_CERT_PASSPHRASE', `${tlsUrl}/p12`, ['--cacert', certs.ca, '--cert', certs.clientP12], { APITEST_CERT_PASSPHRASE: certs.p12Passphrase }],
      ];
      for (const [name, url, args, env] of cases) {
        for (const [mode, flags] of modes) {
          const har = join(dir, `net-${name.length}-${mode.length}.har`);
          const result = await runCli([url, ...args, ...flags, '--har', har], { env });
          if (!(result.code === 0 || result.code === 1)) throw new Error(`${name} / ${mode}: exit ${result.code}\n${result.stderr}`);
          outputs.push([`${name} / ${mode} stdout`, result.stdout], [`${name} / ${mode} stderr`, result.stderr]);
          if (!flags.includes('--dry-run')) outputs.push([`${name} / ${mode} --har`, readFileSync(har, 'utf8')]);
        }
      }
      // A suite: the proxy password from the environment, a login step's Set-Cookie kept in the file's jar.
      const suite = join(dir, 'net-scan.yaml');
      writeFileSync(
        suite,
        `name: network scan\nbaseUrl: "{{ env.BASE_URL }}"\ndefaults:\n  proxy: "{{ env.SCAN_PROXY }}"\nsteps:\n  - name: login\n    url: /cookies\n  - name: echo\n    url: /echo\n    expect: { status: 201, body: { contains: "nothing-like-this" } }\n`,
      );
      const reports = { json: join(dir, 'n.json'), junit: join(dir, 'n.xml'), tap: join(dir, 'n.tap'), har: join(dir, 'n.har') };
      const suiteRun = await runCli(['run', suite, '--reporter', 'table', '--reporter', `json:${reports.json}`, '--reporter', `junit:${reports.junit}`, '--reporter', `tap:${reports.tap}`, '--har', reports.har, '--print-curl'], {
        env: { BASE_URL: demo.url, SCAN_PROXY: proxyWithPassword },
        timeoutMs: 30_000,
      });
      expect(suiteRun.code).toBe(1);
      outputs.push(['suite stdout', suiteRun.stdout], ['suite stderr', suiteRun.stderr]);
      for (const [name, file] of Object.entries(reports)) outputs.push([`the suite's ${name} report`, readFileSync(file, 'utf8')]);
    } finally {
      await proxy.close();
      tlsServer.closeAllConnections();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
    // Each credential was really used: the proxy saw its password, the servers saw the cookies.
    const proxyAuth = `Basic ${Buffer.from(`ann:${PROXY_PASSWORD}`).toString('base64')}`;
    expect(proxy.seen().filter((s) => s.proxyAuthorization === proxyAuth).length).toBeGreaterThan(10);
    const echoed = demo.server.requests().filter((r) => r.path === '/echo' && typeof r.headers.cookie === 'string').map((r) => r.headers.cookie);
    expect(echoed).toContain(`session=${COOKIE_VALUE}`);
    expect(echoed).toContain(`session=${SERVER_COOKIE}`);
    const forbidden = [PROXY_PASSWORD, proxyAuth.slice('Basic '.length), COOKIE_VALUE, SERVER_COOKIE, certs.keyPassphrase, certs.p12Passphrase];
    for (const [where, text] of outputs) {
      for (const secret of forbidden) {
        if (text.includes(secret)) throw new Error(`${where} shows the secret ${secret}:\n${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 100)}`);
      }
    }
    // Not vacuous: the outputs did show the requests, the proxy and the cookies (masked).
    const all = outputs.map(([, text]) => text).join('\n');
    expect(all).toContain('session=****');
    expect(all).toMatch(/proxy http:\/\/ann:\*\*\*\*@127\.0\.0\.1:\d+/);
  }, 240_000);
});
