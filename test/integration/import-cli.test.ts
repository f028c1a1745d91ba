/**
 * `apitest import curl|postman|har` through the real binary: the suite it writes, run with `apitest run` against the
 * demo API, sends what the original sent (the real curl for curl lines; the recorded exchange for HAR files); what
 * is not imported is listed on stderr with its position; --strict, bad input, -o files and secrets.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { withDemoServer } from '../helpers/demo.js';
import { runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const dir = mkdtempSync(join(tmpdir(), 'apitest-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);
const FIXTURES = fileURLToPath(new URL('../../fixtures/import/', import.meta.url));

const PASSWORD = 'pw-Import-Secret-4242';
const TOKEN = 'tok-Import-9f8e7d6c5b4a';
const COOKIE = 'sid=ck-Import-1234567';

function hasCurl(): boolean {
  try {
    require('node:child_process').execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command line in bash (which reads $'…' as curl users' shells do). */
function runShell(line: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['--norc', '--noprofile', '-c', line], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Echo {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

/** What the server saw, minus what differs between any two clients (agent, connection handling, encodings offered). */
function comparable(echo: Echo) {
  const headers = Object.fromEntries(Object.entries(echo.headers).filter(([name]) => !['user-agent', 'accept-encoding', 'connection', 'host', 'accept'].includes(name)));
  return { method: echo.method, path: echo.path, query: echo.query, headers, body: echo.body };
}

let files = 0;
/** Captures what /echo answered in every step to /echo (field by field: reports cut long values), runs the suite, returns them. */
async function runSuiteEchoes(yamlText: string, env: Record<string, string>, extra: string[] = []): Promise<Echo[]> {
  const suite = parse(yamlText) as { steps: Array<Record<string, unknown>> };
  for (const step of suite.steps) if (String(step.url).includes('/echo')) step.capture = { method: '$.method', path: '$.path', query: '$.query', headers: '$.headers', body: '$.body' };
  const file = join(dir, `suite-${++files}.yaml`);
  writeFileSync(file, stringify(suite));
  const run = await runCli(['run', file, '--reporter', 'json', '--show-secrets', ...extra], { env, cwd: dir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as { files: Array<{ steps: Array<{ captures: Echo }> }> };
  return (report.files[0]?.steps ?? []).map((s) => s.captures);
}

const describeCurl = hasCurl() ? describe : describe.skip;

describeCurl('import curl: the suite sends what curl sends', () => {
  writeFileSync(join(dir, 'body.json'), '{"from": "a file"}\n');
  const cases: Array<[string, (url: string) => string]> = [
    ['GET with query, headers and a $TOKEN', (u) => `curl -sS '${u}/echo/a?x=1&y=two%20words' -H 'X-Trace: t1' -H "Authorization: Bearer $TOKEN"`],
    ['POST JSON with quotes and -u user:password', (u) => `curl -X POST ${u}/echo/b -H 'Content-Type: application/json' -d '{"name":"it'\\''s \\"quoted\\""}' -u ann:${PASSWORD}`],
    ['form data, --data-urlencode, cookies', (u) => `curl ${u}/echo/c -d a=1 -d b=2 --data-urlencode 'c=x y&z' -b '${COOKIE}; theme=dark'`],
    ['-G with data in the query', (u) => `curl -G ${u}/echo/d -d q=api --data-urlencode 'n=a b'`],
    ['--data-binary @file, PUT', (u) => `curl -X PUT ${u}/echo/e --data-binary @body.json -H 'Content-Type: application/json'`],
    ['JSON given to -d without a Content-Type (curl sends it as a form)', (u) => `curl ${u}/echo/f -d '{"a":1}'`],
    ['--json, continuation lines, $\'…\' quoting', (u) => `curl ${u}/echo/g \\\n  --json '{"b": [1, 2]}' \\\n  -H $'X-Tab: a\\tb'`],
    ['a here-document on stdin', (u) => `curl -X PATCH ${u}/echo/h -H 'Content-Type: text/plain' --data-binary @- <<'EOF'\nline one\nline two\nEOF`],
  ];
  test('each line: imported, its suite run (all in one run), the server sees what it saw from curl', async () => {
    const env = { TOKEN, API_PASSWORD: PASSWORD, COOKIE: `${COOKIE}; theme=dark` };
    const viaCurl: Echo[] = [];
    const steps: unknown[] = [];
    for (const [name, make] of cases) {
      const line = make(demo.url);
      const curl = await runShell(line.replace(/^curl /, 'curl -sS '), { TOKEN });
      expect({ name, stderr: curl.stderr, code: curl.code }).toEqual({ name, stderr: '', code: 0 });
      viaCurl.push(JSON.parse(curl.stdout) as Echo);
      const imported = await runCli(['import', 'curl', line], { cwd: dir });
      expect({ name, code: imported.code, warnings: imported.stderr.split('\n').filter((l) => l.includes('warning')) }).toEqual({ name, code: 0, warnings: [] });
      for (const secret of [PASSWORD, 'ck-Import-1234567']) expect(`${imported.stdout}${imported.stderr}`).not.toContain(secret);
      steps.push(...(parse(imported.stdout) as { steps: unknown[] }).steps);
    }
    const echoes = await runSuiteEchoes(stringify({ steps }), env);
    cases.forEach(([name], i) => expect({ name, sent: comparable(echoes[i] as Echo) }).toEqual({ name, sent: comparable(viaCurl[i] as Echo) }));
  });

  test('-F: a multipart form with a file, its path relative to the suite file written with -o', async () => {
    writeFileSync(join(dir, 'note.txt'), 'hello from a file');
    const out = join(dir, 'sub-suite.yaml');
    const imported = await runCli(['import', 'curl', `curl ${demo.url}/echo/form -F 'doc=@note.txt' -F title=T`, '-o', out], { cwd: dir });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('');
    expect(imported.stderr).toBe(`apitest: note: wrote a suite of 1 step to ${out}\n`);
    const [echo] = await runSuiteEchoes(readFileSync(out, 'utf8'), {});
    expect(echo?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(echo?.body).toContain('name="doc"; filename="note.txt"');
    expect(echo?.body).toContain('hello from a file');
    expect(echo?.body).toContain('name="title"');
  });

  test('the words after --, and the command line on stdin', async () => {
    const words = await runCli(['import', 'curl', '--', 'curl', '-X', 'DELETE', `${demo.url}/echo/w`, '-H', 'X-A: 1 2']);
    expect(words.code).toBe(0);
    expect(parse(words.stdout)).toEqual({ steps: [{ name: 'DELETE /echo/w', method: 'DELETE', url: `${demo.url}/echo/w`, headers: { 'X-A': '1 2' } }] });
    const stdin = await runCli(['import', 'curl'], { stdin: `curl ${demo.url}/echo/s \\\n  -H 'X-B: 2'\n` });
    expect(stdin.code).toBe(0);
    expect(parse(stdin.stdout).steps[0].headers).toEqual({ 'X-B': '2' });
  });
});

describe('import curl: what is not imported, --strict, bad input', () => {
  const line = (u: string) => `curl -sS -x http://proxy.test:3128 ${u}/echo/x --connect-timeout 3 -o out.json --frobnicate`;

  test('every untranslated option is one warning line naming its argument; curl-only output options are notes', async () => {
    const r = await runCli(['import', 'curl', line(demo.url)]);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      'apitest: note: argument 1: -s: left out: it changes only what curl prints or saves',
      'apitest: note: argument 1: -S: left out: it changes only what curl prints or saves',
      'apitest: warning: argument 2: -x: not imported: a suite has no proxy setting',
      'apitest: warning: argument 5: --connect-timeout: not imported: a suite has only a total timeout',
      'apitest: note: argument 7: -o: left out: it changes only what curl prints or saves',
      'apitest: warning: argument 9: --frobnicate: not imported: not a curl option curl 8 knows (if it takes a value, that value was read as a URL)',
      'apitest: note: wrote a suite of 1 step; 3 parts of the input not imported (listed above)',
      '',
    ]);
    expect(parse(r.stdout).steps).toHaveLength(1);
  });

  test('--strict: exit 1 and nothing written when something is not imported; exit 0 when all is', async () => {
    const out = join(dir, 'strict.yaml');
    const r = await runCli(['import', 'curl', line(demo.url), '--strict', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toBe(
      'apitest: error: 3 parts of the input could not be imported (--strict); nothing was written (see the warnings above; without --strict the suite is written without them)',
    );
    expect(existsSync(out)).toBe(false);
    const ok = await runCli(['import', 'curl', `curl -s ${demo.url}/echo/ok`, '--strict', '-o', out]);
    expect(ok.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  test('input that is not a curl command line: one error line, exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['import', 'curl', `curl '${demo.url}`], "apitest: error: cannot read the command line: an unterminated ' quote at character 6 (give the curl command as a POSIX shell would read it (quote it with single quotes))\n"],
      [['import', 'curl', 'wget http://x.test'], "apitest: error: no curl command found (give a command line that starts with curl, e.g. apitest import curl 'curl https://api.example.com/users')\n"],
      [['import', 'curl', 'curl -H'], 'apitest: error: argument 1: -H needs a value (curl would refuse it too: give -H a value)\n'],
      [['import', 'curl'], "apitest: error: import curl: no curl command given (give it as one argument (apitest import curl 'curl https://…'), after -- as words, or on stdin)\n"],
      [['import', 'crul', 'x'], 'apitest: error: import: unknown kind "crul" (did you mean import curl?)\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, code: 2, stdout: '', stderr });
    }
  });
});

describe('import postman through the binary', () => {
  test('the fixture collection with its environment: a suite that runs green against the demo API', async () => {
    const out = join(dir, 'postman', 'users.yaml');
    require('node:fs').mkdirSync(join(dir, 'postman'), { recursive: true });
    const r = await runCli(['import', 'postman', 'users.postman_collection.json', '--environment', 'dev.postman_environment.json', '-o', out], { cwd: FIXTURES });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('apitest: warning: '));
    expect(warnings).toEqual([
      'apitest: warning: collection "Users API": pre-request script not imported (it runs for every request below)',
      'apitest: warning: Users/Create user: test script not imported; its status check became expect: { status: 201 }',
      'apitest: warning: Users/List users: {{$timestamp}} (a Postman dynamic variable) is not imported: it reads the variable timestamp, empty in the suite (give it with --var timestamp=…)',
      'apitest: warning: Users/Admin: pre-request script not imported (it runs for every request below)',
      'apitest: warning: Forms/Binary: the body (a file) is not imported: a suite body is text, a form, or JSON',
      'apitest: warning: Auth kinds/Digest: digest auth not imported: a suite has Basic, Bearer, API-key and OAuth2 auth',
    ]);
    for (const secret of ['tok-Postman-1234567890', 'adm-Secret-998877', 'pw-Basic-445566', 'demo-secret', 'sec-Env-332211']) {
      expect(readFileSync(out, 'utf8')).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    // The formdata file is named relative to the suite file.
    expect(parse(readFileSync(out, 'utf8')).steps.find((s: { name: string }) => s.name === 'Forms/Upload').form.file).toEqual({ file: relative(join(dir, 'postman'), join(FIXTURES, 'payload.txt')) });

    // OAuth2 (client credentials) maps to auth.oauth2: a token from the demo's endpoint, in a token cache of the test's own.
    const env = { ACCESS_TOKEN: TOKEN, API_KEY: 'k-Import-556677', API_PASSWORD: PASSWORD, API_SECRET: 'unused-secret', CLIENT_SECRET: 'demo-secret', XDG_CACHE_HOME: join(dir, 'cache') };
    const run = await runCli(['run', out, '--var', `baseUrl=${demo.url}`, '--reporter', 'json'], { env });
    const report = JSON.parse(run.stdout) as { ok: boolean; files: Array<{ steps: Array<{ name: string; ok: boolean; error: unknown }> }> };
    expect(report.files[0]?.steps.filter((s) => !s.ok)).toEqual([]);
    expect(run.code).toBe(0);
    const created = demo.server.requests().find((q) => q.method === 'POST' && q.path === '/users');
    expect(created?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(demo.server.requests().find((q) => q.path === '/echo/stats')?.headers['x-admin-key']).toBe('k-Import-556677');
    expect(report.files[0]?.steps.find((s) => s.name === 'Auth kinds/OAuth2')?.ok).toBe(true);
    expect(demo.server.requests().some((q) => q.method === 'POST' && q.path === '/oauth/token')).toBe(true);
  });

  test('not a collection, invalid JSON, a missing file, one over 256 MB: exit 2 with one line', async () => {
    writeFileSync(join(dir, 'bad.json'), '{ "info": ');
    // Sparse: 300 MB long, nothing written (refused by its size, before any of it is read).
    const huge = join(dir, 'huge.har');
    writeFileSync(huge, '');
    truncateSync(huge, 300 * 1024 * 1024);
    const cases: Array<[string[], RegExp]> = [
      [['import', 'postman', join(dir, 'bad.json')], /^apitest: error: the collection is not valid JSON: .* \(export the collection from Postman as Collection v2\.1 \(or v2\.0\)\)\n$/],
      [['import', 'postman', join(FIXTURES, 'browser.har')], /^apitest: error: not a Postman collection: it has no info and item list \(/],
      [['import', 'postman', join(dir, 'missing.json')], /^apitest: error: cannot read the collection ".*missing\.json": no such file \(check the path\)\n$/],
      [['import', 'har', join(FIXTURES, 'users.postman_collection.json')], /^apitest: error: not a HAR file: it has no log\.entries list \(/],
      [['import', 'har', join(dir, 'bad.json')], /^apitest: error: the HAR file is not valid JSON/],
      [['import', 'har', '--environment', 'x.json', 'a.har'], /^apitest: error: import har: --environment is for import postman\n$/],
      [['import', 'har', huge], /^apitest: error: the HAR file ".*huge\.har" is larger than 256 MB, the most apitest import reads \(nothing was imported\)\n$/],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toMatch(stderr);
    }
  });
});

describe('import har: a recorded run replays as a suite', () => {
  test('apitest --har, then import har: the replay sends the same requests and expects the recorded statuses', async () => {
    const harFile = join(dir, 'run.har');
    const first = await runCli([`${demo.url}/echo/one?x=1`, '-H', 'X-Trace: t1', '--bearer', TOKEN, '--format', 'body', '--har', harFile], { cwd: dir });
    expect(first.code).toBe(0);
    const harSecond = join(dir, 'run2.har');
    const second = await runCli(['POST', `${demo.url}/echo/two`, '-d', '{"a":[1,2]}', '--format', 'body', '--har', harSecond], { cwd: dir });
    expect(second.code).toBe(0);
    // One HAR with both exchanges, and a 404.
    const log = JSON.parse(readFileSync(harFile, 'utf8'));
    log.log.entries.push(...JSON.parse(readFileSync(harSecond, 'utf8')).log.entries);
    const missing = join(dir, 'run3.har');
    await runCli([`${demo.url}/users/999`, '--har', missing], { cwd: dir });
    log.log.entries.push(...JSON.parse(readFileSync(missing, 'utf8')).log.entries);
    writeFileSync(harFile, JSON.stringify(log));

    const imported = await runCli(['import', 'har', harFile]);
    expect(imported.code).toBe(0);
    const suite = parse(imported.stdout);
    expect(suite.baseUrl).toBe(demo.url);
    expect(suite.steps.map((s: { method: string; url: string; expect: unknown }) => [s.method, s.url, s.expect])).toEqual([
      ['GET', '/echo/one?x=1', { status: 200 }],
      ['POST', '/echo/two', { status: 200 }],
      ['GET', '/users/999', { status: 404 }],
    ]);
    expect(imported.stdout).not.toContain(TOKEN);

    const echoes = await runSuiteEchoes(imported.stdout, { ACCESS_TOKEN: TOKEN });
    expect(comparable(echoes[0] as Echo)).toEqual(comparable(JSON.parse(first.stdout) as Echo));
    expect(comparable(echoes[1] as Echo)).toEqual(comparable(JSON.parse(second.stdout) as Echo));
  });
});

describe('import: -o FILE follows the rules of every file apitest writes', () => {
  test('an existing file is replaced atomically keeping its mode; a symlink is written through; a device stays a device', async () => {
    const target = join(dir, 'kept.yaml');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const r = await runCli(['import', 'curl', `curl ${demo.url}/echo/o`, '-o', target]);
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^# Imported by apitest from a curl command/);
    expect(statSync(target).mode & 0o777).toBe(0o640);

    const real = join(dir, 'real.yaml');
    const link = join(dir, 'link.yaml');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    expect((await runCli(['import', 'curl', `curl ${demo.url}/echo/l`, '-o', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toContain('/echo/l');

    const devnull = await runCli(['import', 'curl', `curl ${demo.url}/echo/n`, '-o', '/dev/null']);
    expect(devnull.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);

    const nodir = await runCli(['import', 'curl', `curl ${demo.url}/echo/n`, '-o', join(dir, 'no', 'such', 'x.yaml')]);
    expect(nodir.code).toBe(2);
    expect(nodir.stderr).toMatch(/^apitest: error: -o: directory ".*no\/such" does not exist/);
  });

  test('stdin for a collection or a HAR file with -', async () => {
    copyFileSync(join(FIXTURES, 'legacy-v2.0.postman_collection.json'), join(dir, 'legacy.json'));
    const r = await runCli(['import', 'postman', '-'], { stdin: readFileSync(join(dir, 'legacy.json')) });
    expect(r.code).toBe(0);
    expect(parse(r.stdout).name).toBe('Legacy');
    expect(r.stdout.split('\n')[0]).toBe('# Imported by apitest from a Postman collection. Review it, then: apitest run <this file>');
  });

  test('help: apitest --help lists import; apitest import --help shows its options', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/import \[options\] <kind> \[input\.\.\.\]\s+turn a curl command line/);
    const help = await runCli(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--strict');
    expect(help.stdout).toContain('--environment <file>');
    expect(help.stdout).toContain('Docs: docs/import.md');
  });
});
