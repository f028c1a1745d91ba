/**
 * curl's and HTTPie's conventions, and the command words, through the real binary (asserted at the demo server).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { ExitCode } from '../../src/errors.js';

const demo = withDemoServer();
let n = 0;
const path = (): string => `/echo/conv-${++n}`;
const received = (p: string) => demo.server.requests().filter((r) => r.path === p).pop();

describe('durations', () => {
  test('a bare number is seconds (as curl -m): --timeout 0.3 times out a 2 s answer', async () => {
    const r = await runCli([`${demo.url}/delay/2000`, '--timeout', '0.3']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/timed out after 300 ms/);
  });

  test('a duration above 2^31-1 ms is refused (exit 2), not clamped silently', async () => {
    for (const flag of ['--timeout', '--connect-timeout']) {
      const r = await runCli([`${demo.url}/users/1`, flag, '600h']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^apitest: error: ${flag}: "600h" is longer than the longest duration allowed`));
    }
  });
});

describe('curl-style request flags', () => {
  test('method first: any method token in capitals (PURGE, PROPFIND), not only the common ten', async () => {
    for (const method of ['PURGE', 'PROPFIND', 'M-SEARCH']) {
      const p = path();
      const r = await runCli([method, `${demo.url}${p}`]);
      expect({ method, code: r.code, stderr: r.stderr }).toEqual({ method, code: 0, stderr: '' });
      expect(received(p)?.method).toBe(method);
    }
  });

  test('method first (apitest POST URL), -X also given is a usage error', async () => {
    const p = path();
    expect((await runCli(['POST', `${demo.url}${p}`, '-d', '{"a":1}'])).code).toBe(0);
    expect(received(p)?.method).toBe('POST');
    const twice = await runCli(['GET', `${demo.url}${path()}`, '-X', 'POST']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/the method is given twice \(GET and -X POST\)/);
  });

  test('-I sends HEAD; -G sends the data as the query of a GET', async () => {
    const head = path();
    expect((await runCli([`${demo.url}${head}`, '-I'])).code).toBe(0);
    expect(received(head)?.method).toBe('HEAD');
    const get = path();
    await runCli([`${demo.url}${get}?x=0`, '-G', '-d', 'a=1', '--data-urlencode', 'q=two words&more']);
    expect(received(get)?.method).toBe('GET');
    expect(received(get)?.query).toEqual({ x: '0', a: '1', q: 'two words&more' });
    // No body, so no Content-Type: neither for -d nor for --data-urlencode (which makes a body a form).
    expect(received(get)?.headers['content-type']).toBeUndefined();
    const encodedOnly = path();
    expect((await runCli([`${demo.url}${encodedOnly}`, '-G', '--data-urlencode', 'q=x y'])).code).toBe(0);
    expect(received(encodedOnly)?.query).toEqual({ q: 'x y' });
    expect(received(encodedOnly)?.headers['content-type']).toBeUndefined();
    expect(received(encodedOnly)?.headers['content-length']).toBeUndefined();
  });

  test('-d name=value is sent as a form (curl\'s default); JSON as JSON; other text as text/plain; repeated -d joined with &', async () => {
    const cases: Array<[string[], string, string]> = [
      [['-d', 'a=1&b=2'], 'application/x-www-form-urlencoded', 'a=1&b=2'],
      [['-d', 'a=1', '-d', 'b=2'], 'application/x-www-form-urlencoded', 'a=1&b=2'],
      [['-d', '{"a":1}'], 'application/json', '{"a":1}'],
      [['-d', 'hello there'], 'text/plain; charset=utf-8', 'hello there'],
      [['--data-urlencode', 'note=a b&c'], 'application/x-www-form-urlencoded', 'note=a%20b%26c'],
    ];
    for (const [args, type, body] of cases) {
      const echoed = JSON.parse((await runCli([`${demo.url}${path()}`, ...args, '--format', 'body'])).stdout);
      expect({ args, type: echoed.headers['content-type'], body: echoed.body }).toEqual({ args, type, body });
    }
  });

  test('-A sets the User-Agent', async () => {
    const p = path();
    await runCli([`${demo.url}${p}`, '-A', 'my-agent/1.0']);
    expect(received(p)?.headers['user-agent']).toBe('my-agent/1.0');
  });
});

describe('-u, --user', () => {
  test('user:password is Basic auth; --url keeps its long form only', async () => {
    const p = path();
    await runCli([`${demo.url}${p}`, '-u', 'bob:pw:with:colons']);
    expect(received(p)?.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw:with:colons').toString('base64')}`);
  });

  test('no password: read from $API_PASSWORD off a terminal; set but empty is its own error', async () => {
    const p = path();
    await runCli([`${demo.url}${p}`, '-u', 'bob'], { env: { API_PASSWORD: 'from-env' } });
    expect(received(p)?.headers.authorization).toBe(`Basic ${Buffer.from('bob:from-env').toString('base64')}`);
    const empty = await runCli([`${demo.url}${path()}`, '-u', 'bob'], { env: { API_PASSWORD: '' } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^apitest: error: -u\/--user: no password given, and API_PASSWORD is set but empty/);
    const unset = await runCli([`${demo.url}${path()}`, '-u', 'bob']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/no password given and the environment variable API_PASSWORD is not set/);
  });

  test('--help says what the code does: $API_PASSWORD when set, else asked for on a terminal', async () => {
    const help = (await runCli(['--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('without :password it is read from $API_PASSWORD when set, else asked for on a terminal');
  });

  test('no password on a terminal: asked for, not echoed', async () => {
    const p = path();
    // `script` gives the binary a pseudo-terminal; the password is typed into it.
    const child = spawn('script', ['-qfec', `"${process.execPath}" -- "${BIN}" ${demo.url}${p} -u bob --json`, '/dev/null'], { env: { ...process.env, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let typed = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!typed && out.includes("Enter password for user 'bob': ")) {
        typed = true;
        child.stdin.write('typed-Secret-9\r');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(received(p)?.headers.authorization).toBe(`Basic ${Buffer.from('bob:typed-Secret-9').toString('base64')}`);
    expect(out).not.toContain('typed-Secret-9');
  });
});

/** Runs the binary on a pseudo-terminal (`script`), types `keys` at the password prompt; its output and exit code. */
async function atPrompt(args: string, keys: string, env: Record<string, string | undefined> = {}): Promise<{ out: string; code: string | undefined }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, CI: 'true', ...env })) if (v !== undefined) childEnv[k] = v;
  delete childEnv.API_PASSWORD;
  const child = spawn('script', ['-qfec', `"${process.execPath}" -- "${BIN}" ${args}; echo "EXIT=$?"`, '/dev/null'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = false;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (!typed && out.includes("Enter password for user 'bob': ")) {
      typed = true;
      child.stdin.write(keys);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { out, code: /EXIT=(\d+)/.exec(out)?.[1] };
}

describe('the password prompt given up', () => {
  test('Ctrl-C: cancelled, exit 130 (interrupted), nothing sent; Ctrl-D: cancelled, exit 2', async () => {
    const p = path();
    const ctrlC = await atPrompt(`${demo.url}${p} -u bob`, '\u0003');
    expect(ctrlC.code).toBe('130');
    expect(ctrlC.out).toContain('apitest: error: -u/--user: the password prompt was cancelled (Ctrl-C); nothing was sent');
    expect(ctrlC.out).not.toContain('API_PASSWORD');
    const json = await atPrompt(`${demo.url}${p} -u bob --json`, '\u0003');
    expect(json.code).toBe('130');
    expect(json.out).toMatch(/"kind": "interrupted"/);
    const ctrlD = await atPrompt(`${demo.url}${p} -u bob`, '\u0004');
    expect(ctrlD.code).toBe('2');
    expect(ctrlD.out).toContain('apitest: error: -u/--user: the password prompt was cancelled (Ctrl-D); nothing was sent');
    expect(received(p)).toBeUndefined();
  });

  test('$API_PASSWORD set is used on a terminal too: no prompt', async () => {
    const p = path();
    const childEnv = { ...process.env, CI: 'true', API_PASSWORD: 'env-Secret-7' };
    const child = spawn('script', ['-qfec', `"${process.execPath}" -- "${BIN}" ${demo.url}${p} -u bob; echo "EXIT=$?"`, '/dev/null'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(out).toContain('EXIT=0');
    expect(out).not.toContain('Enter password');
    expect(received(p)?.headers.authorization).toBe(`Basic ${Buffer.from('bob:env-Secret-7').toString('base64')}`);
  });
});

describe('command words', () => {
  test('a mistyped command with more arguments, or options, after it: still "unknown command", exit 2, nothing sent', async () => {
    const before = demo.server.requests().length;
    const cases: Array<[string[], string]> = [
      [['runn', 'x.yaml'], 'unknown command "runn" (did you mean run?)'],
      [['demo-sever', '--port', '3000'], 'unknown command "demo-sever" (did you mean demo-server?)'],
      [['get', `${demo.url}/echo`], 'unknown command "get" (did you mean GET? A method given first is written in capitals: apitest GET URL, or -X GET)'],
      [['-v', 'delete', `${demo.url}/users/1`], 'unknown command "delete" (did you mean DELETE? A method given first is written in capitals: apitest DELETE URL, or -X DELETE)'],
      [['patch'], 'unknown command "patch" (did you mean PATCH? A method given first is written in capitals: apitest PATCH URL, or -X PATCH)'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ args, code: 2, stderr: `apitest: error: ${message}\n`, stdout: '' });
    }
    expect(demo.server.requests().length).toBe(before);
  });

  test('apitest help and apitest help <command> show help on stdout (exit 0)', async () => {
    const main = await runCli(['help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/^Usage: apitest/);
    const run = await runCli(['help', 'run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: apitest run/);
    expect(run.stdout).toContain('--reporter');
  });

  test('a bare apitest shows the usage on stderr, exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: apitest/);
  });

  test('a mistyped command is not a host to look up: "did you mean"; subcommands too', async () => {
    const r = await runCli(['demo-sever']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('apitest: error: unknown command "demo-sever" (did you mean demo-server?)\n');
    const sub = await runCli(['webhook', 'sgn']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toBe('apitest: error: webhook: unknown command "sgn" (did you mean webhook sign?)\n');
    // a word that can be a host is still a URL
    expect((await runCli(['localhost:1/x'])).stderr).toMatch(/connection refused/);
  });

  test('--help groups options under headings and drops noisy defaults; the docs it points to ship in the package', async () => {
    const r = await runCli(['--help']);
    for (const heading of ['Request:', 'Authentication:', 'Connection and TLS:', 'Retry and rate limits:', 'Pagination:', 'Expectations:', 'Output:']) expect(r.stdout).toContain(`\n${heading}\n`);
    expect(r.stdout).not.toMatch(/\(default: (\[\]|false)\)/);
    const docs = /Docs: (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(existsSync(docs)).toBe(true);
    // The package is private: the help points at the docs it ships, nowhere else.
    expect(r.stdout).not.toMatch(/npmjs/);
    // The exit-code line names every exit code of the one table, and what exit 3 covers besides connections.
    const exits = (/Exit codes: ([\s\S]*?)\.\n/.exec(r.stdout)?.[1] ?? '').replace(/\s+/g, ' ');
    for (const code of Object.values(ExitCode)) expect(exits).toMatch(new RegExp(`(^|[ /])${code}([ /]|$)`));
    expect(exits).toContain('3 connection or TLS failed, or the body could not be decoded or written');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files).toContain('docs');
  });
});

describe('--env-file, however apitest is started', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apitest-envfile-'));
  const suite = join(dir, 's.yaml');
  const env = join(dir, 'vars.env');

  test('through a global-style install (a symlink on PATH, as npm link and npm install -g make): apitest reads it, Node does not', async () => {
    writeFileSync(suite, `name: s\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /echo/envfile\n    headers: { X-From-File: "{{ env.FROM_FILE }}" }\n`);
    writeFileSync(env, 'FROM_FILE=yes\n');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'apitest'));
    const launch = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(join(bin, 'apitest'), args, { cwd: dir, env: { ...process.env, CI: 'true', PATH: `${bin}:${process.env.PATH ?? ''}` } });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('close', (code) => resolve({ code, err }));
      });
    const ok = await launch(['run', suite, '--env-file', env]);
    expect(ok.code).toBe(0);
    expect(received('/echo/envfile')?.headers['x-from-file']).toBe('yes');
    const missing = await launch(['run', suite, '--env-file', join(dir, 'missing.env')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^apitest: error: --env-file: cannot read ".*missing\.env": no such file/);
  });

  test('through npx (npm exec)', async () => {
    writeFileSync(env, 'FROM_FILE=via-npx\n');
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn('npx', ['--no-install', 'apitest', 'run', suite, '--env-file', env], { cwd: ROOT, env: { ...process.env, CI: 'true' } });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (code) => resolve({ code, err }));
    });
    expect(r).toEqual({ code: 0, err: '' });
    expect(received('/echo/envfile')?.headers['x-from-file']).toBe('via-npx');
  });
});
