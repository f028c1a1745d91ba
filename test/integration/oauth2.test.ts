/**
 * OAuth2 through the real binary against the demo API's token endpoint, each test with its own demo server (its
 * own token counter) and its own XDG_CACHE_HOME: the cache (two runs, one token), expiry, the refresh grant, a 401
 * to a cached token, concurrent suite steps, `auth token`, `auth clear`, `--no-token-cache`, and the errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'apitest-oauth2-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let demo: DemoServer;
let cache: string;
beforeEach(async () => {
  demo = await startTestDemo();
  cache = mkdtempSync(join(root, 'xdg-'));
});
afterEach(async () => {
  await demo.close();
});

const stats = async (): Promise<{ issued: number; clientCredentials: number; refreshed: number; lastAuthMethod: string | null }> =>
  (await (await fetch(`${demo.url}/oauth/stats`)).json()) as never;
const flags = (query = '', more: string[] = []): string[] => ['--oauth2-token-url', `${demo.url}/oauth/token${query}`, '--oauth2-client-id', 'demo-client', '--oauth2-client-secret', ...more];
const env = (): Record<string, string> => ({ XDG_CACHE_HOME: cache, OAUTH2_CLIENT_SECRET: 'demo-secret' });
const me = (args: string[] = [], query = ''): Promise<Awaited<ReturnType<typeof runCli>>> => runCli([`${demo.url}/oauth/me`, ...flags(query), ...args], { env: env() });
const tokensDir = (): string => join(cache, 'apitest', 'tokens');

describe('the token cache', () => {
  test('two runs, one token; the cache file is 0600 in 0700 directories and holds no client secret', async () => {
    const first = await me(['--json']);
    expect(first.code).toBe(0);
    expect(parseJsonDocument(first.stdout).response.body).toMatchObject({ client_id: 'demo-client', scope: 'read' });
    const second = await me();
    expect(second.code).toBe(0);
    expect((await stats()).issued).toBe(1);
    const files = readdirSync(tokensDir());
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
    expect(statSync(tokensDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(cache, 'apitest')).mode & 0o777).toBe(0o700);
    expect(statSync(join(tokensDir(), files[0] ?? '')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(tokensDir(), files[0] ?? ''), 'utf8')).not.toContain('demo-secret');
    // Another scope is another token.
    expect((await runCli([`${demo.url}/oauth/me`, ...flags('', ['--oauth2-scope', 'read write'])], { env: env() })).code).toBe(0);
    expect((await stats()).issued).toBe(2);
  });

  test('an expired token (expires_in=2) is fetched again; with a refresh token it is refreshed', async () => {
    expect((await me([], '?expires_in=2')).code).toBe(0);
    expect((await me([], '?expires_in=2')).code).toBe(0);
    expect((await stats()).issued).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await me([], '?expires_in=2')).code).toBe(0);
    expect(await stats()).toMatchObject({ issued: 2, clientCredentials: 2, refreshed: 0 });

    expect((await me([], '?expires_in=2&refresh=1')).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const refreshed = await me(['--json'], '?expires_in=2&refresh=1');
    expect(refreshed.code).toBe(0);
    expect(parseJsonDocument(refreshed.stdout).response.body.grant).toBe('refresh_token');
    expect(await stats()).toMatchObject({ issued: 4, clientCredentials: 3, refreshed: 1 });
  });

  test('a 401 from the API to a cached token: exactly one new token and one retry', async () => {
    expect((await me()).code).toBe(0);
    await fetch(`${demo.url}/oauth/tokens`, { method: 'DELETE' });
    const before = demo.requests().length;
    const again = await me(['--json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('apitest: the API answered 401 to the cached access token: getting a new one and trying once more');
    const doc = parseJsonDocument(again.stdout);
    expect(doc.attempts.map((a: { status: number }) => a.status)).toEqual([401, 200]);
    expect((await stats()).issued).toBe(2);
    expect(demo.requests().slice(before).map((r) => r.path).filter((p) => p !== '/oauth/stats')).toEqual(['/oauth/me', '/oauth/token', '/oauth/me']);
  });

  test('--no-token-cache: nothing read or written, a token per run', async () => {
    expect((await me(['--no-token-cache'])).code).toBe(0);
    expect((await me(['--no-token-cache'])).code).toBe(0);
    expect((await stats()).issued).toBe(2);
    expect(existsSync(join(cache, 'apitest'))).toBe(false);
  });

  test('a cache directory that is a symlink is not used: a warning, and the request works', async () => {
    mkdirSync(join(cache, 'apitest'), { mode: 0o700 });
    mkdirSync(join(root, 'elsewhere'), { recursive: true, mode: 0o700 });
    symlinkSync(join(root, 'elsewhere'), join(cache, 'apitest', 'tokens'));
    const result = await me();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/apitest: warning: the token cache is not used: .*tokens is a symbolic link/);
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
  });
});

describe('grants and client authentication', () => {
  test('the refresh grant with --oauth2-refresh-token (from $OAUTH2_REFRESH_TOKEN)', async () => {
    const issued = await runCli(['auth', 'token', ...flags('?refresh=1'), '--json', '--show-secrets', '--no-token-cache'], { env: env() });
    expect(issued.code).toBe(0);
    const refreshToken = JSON.parse(issued.stdout).refresh_token as string;
    expect(refreshToken).toMatch(/^demo-rt-/);
    const result = await runCli([`${demo.url}/oauth/me`, '--oauth2-token-url', `${demo.url}/oauth/token`, '--oauth2-client-id', 'demo-client', '--oauth2-client-secret', '--oauth2-refresh-token', '--json'], {
      env: { ...env(), OAUTH2_REFRESH_TOKEN: refreshToken },
    });
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.body.grant).toBe('refresh_token');
    expect(result.stdout).not.toContain(refreshToken);
  });

  test('--oauth2-auth-method post sends the client in the form body; --api-key goes along', async () => {
    const result = await runCli([`${demo.url}/echo`, ...flags('', ['--oauth2-auth-method', 'post']), '--api-key', 'key-0123456789', '--json', '--show-secrets'], { env: env() });
    expect(result.code).toBe(0);
    expect((await stats()).lastAuthMethod).toBe('post');
    const headers = parseJsonDocument(result.stdout).response.body.headers;
    expect(headers.authorization).toMatch(/^Bearer demo-at-/);
    expect(headers['x-api-key']).toBe('key-0123456789');
  });
});

describe('suites', () => {
  test('concurrent steps of several files share one token request', async () => {
    const dir = mkdtempSync(join(root, 'suites-'));
    for (const name of ['a', 'b', 'c']) {
      writeFileSync(
        join(dir, `${name}.yaml`),
        `name: ${name}\nbaseUrl: "{{ env.BASE_URL }}"\ndefaults:\n  auth:\n    oauth2:\n      tokenUrl: "{{ env.BASE_URL }}/oauth/token"\n      clientId: demo-client\n      clientSecret: "{{ env.OAUTH2_CLIENT_SECRET }}"\n      scope: read write\nsteps:\n  - url: /oauth/me\n    expect: { status: 200, jsonpath: { "$.scope": "read write" } }\n  - url: /oauth/me\n`,
      );
    }
    const result = await runCli(['run', dir, '--concurrency', '3', '--reporter', 'json'], { env: { ...env(), BASE_URL: demo.url } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary).toMatchObject({ passed: 6, failed: 0 });
    expect((await stats()).issued).toBe(1);
    // The base URL is not a secret: the step URLs are shown.
    expect(result.stdout).toContain(`${demo.url}/oauth/me`);
    const again = await runCli(['run', dir, '--no-token-cache'], { env: { ...env(), BASE_URL: demo.url } });
    expect(again.code).toBe(0);
    expect((await stats()).issued).toBe(2);
  });

  test('a token URL that is not http(s) is a problem of the file: exit 2, nothing sent', async () => {
    const file = join(mkdtempSync(join(root, 'bad-')), 's.yaml');
    writeFileSync(file, 'steps:\n  - url: http://127.0.0.1:1/x\n    auth: { oauth2: { tokenUrl: "ftp://x/token", clientId: c, clientSecret: s } }\n');
    const result = await runCli(['run', file], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/steps\[0\]\.auth\.oauth2\.tokenUrl/);
  });
});

describe('auth token and auth clear', () => {
  test('auth token: new, then from the cache; masked unless --show-secrets; auth clear empties the cache', async () => {
    const first = await runCli(['auth', 'token', ...flags('?refresh=1')], { env: env() });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/access_token\s+\*\*\*\*\w{4}/);
    expect(first.stdout).toMatch(/from cache\s+no/);
    const second = await runCli(['auth', 'token', ...flags('?refresh=1'), '--json'], { env: env() });
    const doc = JSON.parse(second.stdout);
    expect(doc).toMatchObject({ token_type: 'Bearer', from_cache: true, scope: 'read', access_token: expect.stringMatching(/^\*\*\*\*/), refresh_token: expect.stringMatching(/^\*\*\*\*/) });
    expect(doc.expires_in).toBeGreaterThan(3500);
    const shown = JSON.parse((await runCli(['auth', 'token', ...flags('?refresh=1'), '--json', '--show-secrets'], { env: env() })).stdout);
    expect(shown.access_token).toMatch(/^demo-at-/);
    expect((await stats()).issued).toBe(1);
    const cleared = await runCli(['auth', 'clear'], { env: env() });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(`removed 1 cached token from ${tokensDir()}\n`);
    expect(readdirSync(tokensDir())).toEqual([]);
    expect((await runCli(['auth', 'token', ...flags('?refresh=1')], { env: env() })).stdout).toMatch(/from cache\s+no/);
    expect((await stats()).issued).toBe(2);
  });

  test('auth with no or a mistyped subcommand is a usage error', async () => {
    expect((await runCli(['auth'])).code).toBe(2);
    const typo = await runCli(['auth', 'tokn']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean auth token?');
  });
});

describe('errors', () => {
  test('invalid_client: exit 5, one line naming the token URL, the error and its description; -v shows the exchange masked', async () => {
    const result = await runCli([`${demo.url}/oauth/me`, ...flags('', ['-v'])], { env: { ...env(), OAUTH2_CLIENT_SECRET: 'wrong-secret-value' } });
    expect(result.code).toBe(5);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('apitest: error:'));
    expect(errors).toEqual([
      `apitest: error: token request failed: 401 Unauthorized from ${demo.url}/oauth/token: invalid_client: Client authentication failed (unknown client or wrong secret) (check the client id and secret, and the client authentication method (basic: HTTP Basic, post: in the form body))`,
    ]);
    expect(result.stderr).toContain('> POST /oauth/token HTTP/1.1');
    expect(result.stderr).toMatch(/> authorization: Basic \*\*\*\*/i);
    expect(result.stderr).toContain('"error": "invalid_client"');
    expect(result.stderr + result.stdout).not.toContain('wrong-secret-value');
    expect(demo.requests().map((r) => r.path)).toEqual(['/oauth/token']);
  });

  test('invalid_scope: exit 5 with the description', async () => {
    const result = await runCli([`${demo.url}/oauth/me`, ...flags('', ['--oauth2-scope', 'admin'])], { env: env() });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('invalid_scope: the scope admin is not allowed for this client');
  });

  test('an unreachable token endpoint: exit 3; an answer without access_token: exit 3, kind token', async () => {
    const refused = await runCli([`${demo.url}/oauth/me`, '--oauth2-token-url', 'http://127.0.0.1:1/token', '--oauth2-client-id', 'c', '--oauth2-client-secret', 's', '--json'], { env: env() });
    expect(refused.code).toBe(3);
    expect(parseJsonDocument(refused.stdout).error).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED', message: expect.stringMatching(/^token request to http:\/\/127\.0\.0\.1:1\/token failed: connection refused/) });
    const noToken = await runCli([`${demo.url}/oauth/me`, '--oauth2-token-url', `${demo.url}/echo`, '--oauth2-client-id', 'c', '--oauth2-client-secret', 's', '--json'], { env: env() });
    expect(noToken.code).toBe(3);
    expect(parseJsonDocument(noToken.stdout).error).toMatchObject({ kind: 'token', code: 'OAUTH2_NO_ACCESS_TOKEN' });
    expect(noToken.stderr).toContain(`apitest: error: the token endpoint ${demo.url}/echo answered 200 OK without an access_token`);
    expect(demo.requests().filter((r) => r.path === '/oauth/me')).toEqual([]);
  });

  test.each([
    ['a missing client id', ['--oauth2-token-url', 'localhost:1/token', '--oauth2-client-secret', 's'], /--oauth2-token-url needs --oauth2-client-id/],
    ['a bad auth method', ['--oauth2-token-url', 'localhost:1/token', '--oauth2-client-id', 'c', '--oauth2-auth-method', 'digest'], /Allowed choices are basic, post/],
    ['a token URL that is not http(s)', ['--oauth2-token-url', 'ftp://x/token', '--oauth2-client-id', 'c', '--oauth2-client-secret', 's'], /unsupported scheme "ftp"/],
    ['no secret and no refresh token', ['--oauth2-token-url', 'localhost:1/token', '--oauth2-client-id', 'c'], /the client credentials grant needs the client secret/],
    ['--oauth2-client-secret without $OAUTH2_CLIENT_SECRET', ['--oauth2-token-url', 'localhost:1/token', '--oauth2-client-id', 'c', '--oauth2-client-secret'], /OAUTH2_CLIENT_SECRET is not set/],
    ['--bearer as well', ['--oauth2-token-url', 'localhost:1/token', '--oauth2-client-id', 'c', '--oauth2-client-secret', 's', '--bearer', 'x'], /--bearer and --oauth2-token-url both set the Authorization header/],
    ['a client id without a token URL', ['--oauth2-client-id', 'c'], /--oauth2-client-id needs --oauth2-token-url/],
  ])('%s: exit 2, nothing sent', async (_name, args, message) => {
    const result = await runCli([`${demo.url}/oauth/me`, ...args], { env: { XDG_CACHE_HOME: cache } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('apitest: error:'))).toHaveLength(1);
    expect(demo.requests()).toEqual([]);
  });
});
