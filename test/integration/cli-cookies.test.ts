/**
 * Cookies through the real binary, against a server that sets and checks them: -b "name=value", -b FILE and
 * -c FILE in Netscape format (shared with the real curl both ways), Set-Cookie on a redirect hop sent with the next
 * hop, the jar written as every output file is (atomically, mode kept, 0600 when new, through a symlink), cookie
 * values masked in every report, and a suite file's one jar across its steps (`cookies: false` turns it off).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const SESSION = 'sessVal-Q8w7E6r5T4y3';
const GIVEN = 'givenCookie-M1n2B3v4C5';

/** The Cookie header of each request the server saw, by path. */
const seen: Array<{ path: string; cookie: string | null }> = [];
let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'apitest-cookies-'));

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const piece of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = piece.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    seen.push({ path, cookie: req.headers.cookie ?? null });
    const json = (status: number, body: unknown, headers: Record<string, string | string[]> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const login = { 'set-cookie': [`session=${SESSION}; Path=/; HttpOnly`, 'theme=dark; Path=/; Max-Age=3600'] };
    switch (path) {
      case '/login':
        return json(200, { ok: true }, login);
      case '/login-redirect':
        res.writeHead(302, { ...login, location: '/me' });
        return res.end();
      case '/me':
        return cookieOf(req, 'session') === SESSION ? json(200, { user: 'ann', cookie: req.headers.cookie }) : json(401, { error: 'no session' });
      case '/echo':
        return json(200, { cookie: req.headers.cookie ?? null });
      default:
        return json(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const noSecrets = (...texts: string[]): void => {
  for (const text of texts) {
    expect(text).not.toContain(SESSION);
    expect(text).not.toContain(GIVEN);
  }
};

describe('-b and -c', () => {
  test('-b "name=value; …" is sent as the Cookie header, masked in the table, --json and -v', async () => {
    for (const flags of [[], ['--json'], ['-v']]) {
      const result = await runCli([`${base}/echo`, '-b', `a=${GIVEN}; b=2`, ...flags]);
      expect(result.code).toBe(0);
      noSecrets(result.stdout, result.stderr);
    }
    expect(seen.filter((s) => s.path === '/echo').every((s) => s.cookie === `a=${GIVEN}; b=2`)).toBe(true);
    const both = await runCli([`${base}/echo`, '-b', 'a=1', '-H', 'Cookie: b=2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('apitest: error: -b/--cookie and -H/--header both set the Cookie header (give one of them)\n');
  });

  test('-c writes the jar in Netscape format (#HttpOnly_ kept), 0600 when new; -b reads it back', async () => {
    const jar = join(dir, 'jar.txt');
    const login = await runCli([`${base}/login`, '-c', jar, '--json']);
    expect(login.code).toBe(0);
    noSecrets(login.stdout, login.stderr);
    const text = readFileSync(jar, 'utf8');
    expect(text).toMatch(/^# Netscape HTTP Cookie File\n/);
    expect(text).toContain(`#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t${SESSION}\n`);
    expect(text).toMatch(/\n127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d{10}\ttheme\tdark\n/);
    expect(statSync(jar).mode & 0o777).toBe(0o600);
    const me = await runCli([`${base}/me`, '-b', jar, '--json']);
    expect(me.code).toBe(0);
    expect(parseJsonDocument(me.stdout).response.body.user).toBe('ann');
    noSecrets(me.stdout, me.stderr);
  });

  test('a jar that does not exist yet is empty (as curl); -b jar -c jar keeps a session across runs; an existing file keeps its mode', async () => {
    const jar = join(dir, 'shared.txt');
    expect((await runCli([`${base}/me`, '-b', jar, '-c', jar])).code).toBe(5);
    chmodSync(jar, 0o640);
    expect((await runCli([`${base}/login`, '-b', jar, '-c', jar])).code).toBe(0);
    expect(statSync(jar).mode & 0o777).toBe(0o640);
    expect((await runCli([`${base}/me`, '-b', jar, '-c', jar])).code).toBe(0);
  });

  test('-c through a symbolic link writes its target; a directory is exit 2 before anything is sent', async () => {
    const target = join(dir, 'real-jar.txt');
    const link = join(dir, 'link-jar.txt');
    writeFileSync(target, '');
    symlinkSync(target, link);
    expect((await runCli([`${base}/login`, '-c', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain(`\tsession\t${SESSION}`);
    mkdirSync(join(dir, 'a-dir'));
    const before = seen.length;
    const bad = await runCli([`${base}/login`, '-c', join(dir, 'a-dir')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^apitest: error: -c\/--cookie-jar: ".*a-dir" is a directory/);
    const unreadable = await runCli([`${base}/login`, '-b', join(dir, 'a-dir')]);
    expect(unreadable.code).toBe(2);
    expect(seen.length).toBe(before);
  });

  test('a Set-Cookie on a redirect hop goes with the next hop (-L with a jar)', async () => {
    const result = await runCli([`${base}/login-redirect`, '-L', '-c', join(dir, 'redirect.txt'), '-v', '--json']);
    expect(result.code).toBe(0);
    expect(parseJsonDocument(result.stdout).response.body.user).toBe('ann');
    expect(result.stderr).toMatch(/> cookie: session=\*\*\*\*[^\n]*; theme=\*\*\*\*/i);
    noSecrets(result.stdout, result.stderr);
  });

  test('lines that are not cookies are skipped with one warning', async () => {
    const jar = join(dir, 'odd.txt');
    writeFileSync(jar, `# comment\nnot a cookie line\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t${SESSION}\n`);
    const result = await runCli([`${base}/me`, '-b', jar]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`apitest: warning: -b/--cookie: ${JSON.stringify(jar)} line 2 is not a Netscape cookie line; skipped\n`);
  });
});

const hasCurl = ((): boolean => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(hasCurl ? describe : describe.skip)('jars shared with the real curl', () => {
  // Asynchronously: the server runs in this process.
  const curl = promisify(execFile);
  test('curl -c → apitest -b, and apitest -c → curl -b', async () => {
    const fromCurl = join(dir, 'curl-jar.txt');
    await curl('curl', ['-s', '-o', '/dev/null', '-c', fromCurl, `${base}/login`], { timeout: 15_000 });
    expect((await runCli([`${base}/me`, '-b', fromCurl])).code).toBe(0);
    const fromApitest = join(dir, 'apitest-jar.txt');
    expect((await runCli([`${base}/login`, '-c', fromApitest])).code).toBe(0);
    const { stdout } = await curl('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-b', fromApitest, `${base}/me`], { timeout: 15_000 });
    expect(stdout).toBe('200');
  });
});

describe('suites: one jar per file', () => {
  const suite = (cookies: string): string => `name: session
baseUrl: "${base}"
${cookies}steps:
  - name: login
    url: /login
  - name: who am i
    url: /me
    expect:
      status: 200
      jsonpath: { "$.user": ann }
`;

  test('the login step\'s Set-Cookie is sent by the next step; cookie values masked in every reporter', async () => {
    const file = join(dir, 'session.yaml');
    writeFileSync(file, suite(''));
    const json = join(dir, 'report.json');
    const junit = join(dir, 'report.xml');
    const result = await runCli(['run', file, '--reporter', 'table', '--reporter', `json:${json}`, '--reporter', `junit:${junit}`]);
    expect(result.code).toBe(0);
    noSecrets(result.stdout, result.stderr, readFileSync(json, 'utf8'), readFileSync(junit, 'utf8'));
  });

  test('cookies: false keeps none (the second step gets 401)', async () => {
    const file = join(dir, 'no-cookies.yaml');
    writeFileSync(file, suite('cookies: false\n'));
    const result = await runCli(['run', file, '--reporter', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).files[0].steps[1].response.status).toBe(401);
  });
});
