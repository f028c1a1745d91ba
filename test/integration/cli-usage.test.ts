/**
 * Bad input: exit 2, one `apitest: error:` line naming the flag, no stack trace, and — asserted at the
 * demo server's request log — no request sent. Also --help, --version and commander's own errors.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const tmp = mkdtempSync(join(tmpdir(), 'apitest-usage-'));
writeFileSync(join(tmp, 'not-a-cert.pem'), 'hello\n');

let n = 0;
/** A path no other test uses, so the request log tells whether this run sent anything. */
function freshPath(): string {
  n += 1;
  return `/echo/usage-${n}`;
}

function requestsTo(path: string): number {
  return demo.server.requests().filter((r) => r.path === path).length;
}

function expectOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^apitest: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('bad input exits 2 before any request', () => {
  // [name, args (before the URL is appended, or a function of the URL), env, what the message names]
  const cases: Array<[string, (url: string) => string[], Record<string, string | undefined>, RegExp]> = [
    ['malformed URL', () => ['http://[oops/x'], {}, /URL: malformed URL/],
    ['URL with one slash', () => ['http:/localhost/x'], {}, /URL: malformed URL/],
    ['ftp scheme', () => ['ftp://127.0.0.1/x'], {}, /URL: unsupported scheme "ftp"/],
    ['file scheme', () => ['file:///etc/passwd'], {}, /unsupported scheme "file"/],
    ['URL with a newline', (u) => [`${u}\nx`], {}, /URL: .*control characters/],
    ['invalid method token', (u) => [u, '-X', 'GE T'], {}, /-X\/--method: invalid method "GE T"/],
    ['method with a newline', (u) => [u, '-X', 'GET\r\nX-Injected: 1'], {}, /-X\/--method: invalid method/],
    ['header without colon', (u) => [u, '-H', 'Accept application/json'], {}, /-H\/--header: expected "Name: value"/],
    ['header with CR/LF', (u) => [u, '-H', 'X-A: 1\r\nX-Injected: 2'], {}, /-H\/--header: .*CR, LF or NUL/],
    ['header name with a space', (u) => [u, '-H', 'X A: 1'], {}, /-H\/--header: invalid header name/],
    ['--headers not JSON', (u) => [u, '--headers', '{nope'], {}, /--headers: not valid JSON/],
    ['--headers an array', (u) => [u, '--headers', '["a"]'], {}, /--headers: expected a JSON object/],
    ['--headers a number value', (u) => [u, '--headers', '{"X-A": 1}'], {}, /--headers: the value of "X-A" must be a string/],
    ['--headers with CR/LF', (u) => [u, '--headers', '{"X-A": "1\\r\\nX-B: 2"}'], {}, /--headers: .*CR, LF or NUL/],
    ['missing @file for -d', (u) => [u, '-d', '@/definitely/not/here.json'], {}, /-d\/--data: cannot read "\/definitely\/not\/here.json": no such file/],
    ['missing @file for -F', (u) => [u, '-F', 'f=@/definitely/not/here.bin'], {}, /-F\/--form: cannot read/],
    ['-F without =', (u) => [u, '-F', 'novalue'], {}, /-F\/--form: expected name=value/],
    ['-d and -F together', (u) => [u, '-d', 'x', '-F', 'a=1'], {}, /-d\/--data and -F\/--form/],
    ['-q without =', (u) => [u, '-q', 'novalue'], {}, /-q\/--query: expected name=value/],
    ['invalid --timeout', (u) => [u, '--timeout', '5 parsecs'], {}, /--timeout: invalid duration "5 parsecs"/],
    ['zero --timeout', (u) => [u, '--timeout', '0'], {}, /--timeout: invalid duration "0"/],
    ['invalid --connect-timeout', (u) => [u, '--connect-timeout', '-1s'], {}, /--connect-timeout: invalid duration/],
    ['invalid --max-redirects', (u) => [u, '--max-redirects', 'many'], {}, /--max-redirects: expected a whole number/],
    ['--bearer with ACCESS_TOKEN unset', (u) => [u, '--bearer'], {}, /--bearer: .*ACCESS_TOKEN is not set/],
    ['--api-key with API_KEY unset', (u) => [u, '--api-key'], {}, /--api-key: .*API_KEY is not set/],
    ['--basic with API_PASSWORD unset', (u) => [u, '--basic', 'bob'], {}, /--basic: .*API_PASSWORD is not set/],
    ['two sources for the Authorization header', (u) => [u, '--bearer=a-token', '--basic', 'bob:pw'], {}, /--bearer and --basic both set the Authorization header \(give one of them\)/],
    ['--bearer with -H Authorization', (u) => [u, '--bearer=a-token', '-H', 'Authorization: Token x'], {}, /--bearer and -H\/--header both set the Authorization header/],
    ['--api-key-query without --api-key', (u) => [u, '--api-key-query', 'key'], {}, /--api-key-query needs --api-key/],
    ['--cacert missing', (u) => [u, '--cacert', '/definitely/not/ca.pem'], {}, /--cacert: cannot read/],
    ['--cacert a device that never ends', (u) => [u, '--cacert', '/dev/zero'], {}, /--cacert: "\/dev\/zero" is larger than 16 MiB, the most apitest reads into memory for it/],
    ['-d @ a directory', (u) => [u, '-d', `@${tmp}`], {}, /-d\/--data: cannot read ".*": is a directory/],
    ['--cacert not PEM', (u) => [u, '--cacert', join(tmp, 'not-a-cert.pem')], {}, /--cacert: .* is not a PEM certificate file/],
    ['-o into a missing directory', (u) => [u, '-o', '/definitely/not/here/out.bin'], {}, /-o\/--output: directory .* does not exist/],
    ['--retry not a number', (u) => [u, '--retry', 'lots'], {}, /--retry: expected a whole number/],
    ['--json and --format table', (u) => [u, '--json', '--format', 'table'], {}, /--json and --format table disagree/],
  ];

  test.each(cases)('%s', async (_name, argsFor, env, message) => {
    const path = freshPath();
    const result = await runCli(argsFor(`${demo.url}${path}`), { env });
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr, message);
    expect(result.stdout).toBe('');
    expect(requestsTo(path)).toBe(0);
  });

  // /proc does not let anyone (root included) create files: a portable "unwritable" place on Linux.
  (existsSync('/proc/self') ? test : test.skip)('-o where the file cannot be created: exit 2, no request, no file', async () => {
    const path = freshPath();
    const result = await runCli([`${demo.url}${path}`, '-o', '/proc/apitest-cannot-write.bin']);
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr, /-o\/--output: cannot write "\/proc\/apitest-cannot-write\.bin"/);
    expect(requestsTo(path)).toBe(0);
  });

  test('no URL at all', async () => {
    const result = await runCli(['--json']);
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr, /no URL given/);
  });

  test('a bare apitest shows the usage on stderr, exit 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: apitest \[options\] <url>/);
  });

  test('a URL swallowed by --bearer (optional value) is explained, without echoing the value', async () => {
    const path = freshPath();
    const result = await runCli(['--bearer', `${demo.url}${path}`]);
    expect(result.code).toBe(2);
    expectOneErrorLine(result.stderr, /no URL given: --bearer took the argument after it/);
    expect(result.stderr).not.toContain(path);
    expect(requestsTo(path)).toBe(0);
  });

  test('a header flag without colon does not echo what may be a credential', async () => {
    const result = await runCli([`${demo.url}${freshPath()}`, '-H', 'Authorization Bearer sk_live_do_not_print_me']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('sk_live_do_not_print_me');
  });

  test('a URL password is not echoed in a usage error', async () => {
    const result = await runCli(['http://bob:hunter2-secret@[oops/x']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(result.stderr).toContain('bob:****@');
  });

  test('with --json a usage error still prints the document, ok:false and error filled', async () => {
    const path = freshPath();
    const result = await runCli([`${demo.url}${path}`, '--json', '--timeout', 'soon']);
    expect(result.code).toBe(2);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.response).toBeNull();
    expect(doc.error).toEqual({ kind: 'usage', code: 'EUSAGE', message: expect.stringContaining('--timeout') });
    expect(requestsTo(path)).toBe(0);
  });
});

describe('commander errors', () => {
  test('unknown option: exit 2 with a suggestion, on one line', async () => {
    const result = await runCli([`${demo.url}/echo`, '--timout', '5s']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("apitest: error: unknown option '--timout' (did you mean --timeout?)\n");
    expect(result.stdout).toBe('');
    const sub = await runCli(['demo-server', '--prot', '3000']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toBe("apitest: error: unknown option '--prot' (did you mean --port?)\n");
    const json = await runCli([`${demo.url}/echo`, '--timout', '5s', '--json']);
    expect(json.code).toBe(2);
    expect(parseJsonDocument(json.stdout).error.message).toBe("unknown option '--timout' (did you mean --timeout?)");
  });

  test('missing option value: exit 2 naming the option', async () => {
    const result = await runCli([`${demo.url}/echo`, '--timeout']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apitest: error: option '--timeout <duration>' argument missing/);
  });

  test('--format with an unknown choice: exit 2 listing the choices', async () => {
    const result = await runCli([`${demo.url}/echo`, '--format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are table, json, body/);
  });

  test('nothing crashes with a stack trace on odd input', async () => {
    const odd: string[][] = [
      ['-X', ''],
      ['--headers', 'null'],
      ['--headers', '{"":"x"}'],
      ['-H', ':value'],
      ['--timeout', '1e3'],
      ['--max-redirects', '99999999999999999999'],
      ['-d', '@'],
      ['--basic', ':pw'],
      ['--api-key=k', '--api-key-header', 'Bad:Name'],
      ['-q', '=x'],
    ];
    for (const args of odd) {
      const path = freshPath();
      const result = await runCli([`${demo.url}${path}`, ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(/^apitest: error: /);
      expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(requestsTo(path)).toBe(0);
    }
  });
});

describe('help and version', () => {
  test('--help lists every option, with examples, and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    const flags = [
      '--url', '--method', '--header', '--headers', '--query', '--data', '--form', '--api-key', '--api-key-header', '--api-key-query',
      '--bearer', '--basic', '--timeout', '--connect-timeout', '--location', '--max-redirects', '--insecure', '--cacert',
      '--json', '--format', '--output', '--verbose', '--no-color', '--no-fail', '--show-secrets', '--debug', '--version', '--help',
      '--retry',
    ];
    for (const flag of flags) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toMatch(/\$ apitest /);
    expect(result.stdout).toMatch(/Exit codes:/);
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });
});
