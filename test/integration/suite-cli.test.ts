/**
 * `apitest run` end to end: the real binary (node bin/apitest.js, the bundle in dist/: run `npm run build`
 * first) against the demo API started in this process, asserting on the output, the exit code, the files
 * written, and on the requests the server received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SuiteReportSchema, type SuiteReport } from '../../src/model/suite-report.js';
import { withDemoServer } from '../helpers/demo.js';
import { runCli } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'apitest.js');
const demo = withDemoServer();
let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'apitest-suite-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, BASE_URL: demo.url, APITEST_PLACEHOLDER_TIMINGS: undefined, ...env };
  const childEnv = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve) => {
    // `node -- bin`: Node 20 would otherwise take a `--env-file` meant for apitest as its own (as bin/apitest.js's shebang does).
    execFile(process.execPath, ['--', bin, 'run', ...args], { cwd: root, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
const paths = (): string[] => demo.server.requests().map((r) => `${r.method} ${r.path}`);
const out = (name: string): string => join(tmp, name);
const readJson = async (file: string): Promise<SuiteReport> => SuiteReportSchema.parse(JSON.parse(await readFile(file, 'utf8')));
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

let requestsBefore = 0;
beforeEach(() => {
  requestsBefore = demo.server.requests().length;
});
const newRequests = (): string[] => paths().slice(requestsBefore);

describe('apitest run: the example suites', () => {
  test('the README CI example passes: create, read back with captures, list, 404', async () => {
    const r = await run(['fixtures/suites/users.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('4 passed, 0 failed');
    expect(r.stdout).toMatch(/✓ create user +POST +http:\/\/127\.0\.0\.1:\d+\/users +201 /);
    const sent = newRequests();
    expect(sent[0]).toBe('POST /users');
    expect(sent).toContainEqual(expect.stringMatching(/^GET \/users\/\d+$/));
    expect(sent).toContain('GET /users/999999');
  });

  test('every example suite, with JUnit, JSON and TAP files (JUnit parsed back)', async () => {
    const r = await run(['fixtures/suites', '--reporter', 'table', '--reporter', `junit:${out('all.xml')}`, '--reporter', `json:${out('all.json')}`, '--reporter', `tap:${out('all.tap')}`]);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^\d+ passed, 0 failed$/);
    const junit = await readFile(out('all.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    const doc = xml.parse(junit);
    const suites = doc.testsuites.testsuite as Array<Record<string, any>>;
    expect(suites.map((s) => s.file)).toEqual(['fixtures/suites/echo.json', 'fixtures/suites/pagination.yaml', 'fixtures/suites/resilience.yaml', 'fixtures/suites/users.yaml']);
    expect(doc.testsuites.failures).toBe('0');
    expect(doc.testsuites.errors).toBe('0');
    const users = suites.find((s) => s.name === 'Users API');
    expect(users?.testcase.map((c: Record<string, string>) => [c.name, c.classname])).toEqual([
      ['create user', 'Users API'],
      ['read it back', 'Users API'],
      ['list users', 'Users API'],
      ['unknown user is a 404', 'Users API'],
    ]);
    expect(Number(users?.testcase[0].time)).toBeGreaterThan(0);
    const report = await readJson(out('all.json'));
    expect(report.ok).toBe(true);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBe(Number(doc.testsuites.tests));
    const create = report.files[3]?.steps[0];
    expect(create?.captures).toEqual({ userId: expect.any(Number), etag: expect.any(String) });
    expect(create?.response?.status).toBe(201);
    expect(JSON.stringify(report)).not.toContain('"body"'); // bodies of passed steps are not kept
    const tap = await readFile(out('all.tap'), 'utf8');
    expect(tap.split('\n').slice(0, 2)).toEqual(['TAP version 14', `1..${doc.testsuites.tests}`]);
    expect(tap).not.toContain('not ok');
    expect((await readdir(tmp)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('apitest run: invalid suites', () => {
  test('an invalid key is reported at its line and column, with every problem, and nothing is sent', async () => {
    const r = await run(['fixtures/suites/users.yaml', 'fixtures/suites/cases/invalid.yaml', 'fixtures/suites/cases/vars.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fixtures/suites/cases/invalid.yaml:9:7: steps[1].expect.stauts: unknown key "stauts", did you mean "status"?');
    expect(r.stderr).toMatch(/fixtures\/suites\/cases\/vars\.yaml:13:21: steps\[0\]\.expect\.jsonpath\["\$\.json\.who"\]: unknown variable "expected" in step "echo the variables"/);
    expect(r.stderr).toMatch(/fixtures\/suites\/cases\/vars\.yaml:10:60: steps\[0\]\.json\.token: environment variable TOKEN is not set/);
    expect(lastLine(r.stderr)).toBe('apitest: error: 3 problems in 2 suite files; no request was sent');
    expect(newRequests()).toEqual([]);
  });

  test('command-line problems exit 2', async () => {
    for (const args of [
      ['fixtures/suites/users.yaml', '--reporter', 'json', '--reporter', 'tap'],
      ['fixtures/suites/users.yaml', '--reporter', 'xml'],
      ['fixtures/suites/users.yaml', '--shard', '3/2'],
      ['fixtures/suites/users.yaml', '--filter', '('],
      ['fixtures/suites/users.yaml', '--concurrency', '0'],
      ['fixtures/suites/users.yaml', '--var', 'novalue'],
      ['fixtures/suites/nope.yaml'],
      ['fixtures/suites/users.yaml', '--reporter', `junit:${join(tmp, 'no-such-dir', 'r.xml')}`],
    ]) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^apitest: error: /);
    }
    expect(newRequests()).toEqual([]);
  });
});

describe('apitest run: problems found before anything is sent', () => {
  test('URLs without templates are checked when the file is loaded: exit 2, positioned, no request', async () => {
    const r = await run(['fixtures/suites/cases/bad-urls.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'fixtures/suites/cases/bad-urls.yaml:4:10: steps[0].url: invalid URL "http://[bad"',
      'fixtures/suites/cases/bad-urls.yaml:6:10: steps[1].url: expected an http:// or https:// URL, got "ftp://x/"',
      'apitest: error: 2 problems in 1 suite file; no request was sent',
    ]);
    expect(newRequests()).toEqual([]); // not even the valid third step
  });

  test('a URL with a template is checked once interpolated: only that step fails (usage)', async () => {
    const file = out('template-url.yaml');
    await writeFile(file, ['name: t', 'steps:', '  - url: "{{ target }}"', '  - url: "{{ env.BASE_URL }}/users/1"', ''].join('\n'));
    const r = await run([file, '--var', 'target=ftp://x/', '--reporter', 'json']);
    expect(r.code).toBe(1);
    const steps = SuiteReportSchema.parse(JSON.parse(r.stdout)).files[0]?.steps;
    expect(steps?.map((s) => [s.ok, s.error?.code ?? null])).toEqual([
      [false, 'EUSAGE'],
      [true, null],
    ]);
    expect(steps?.[0]?.error?.message).toMatch(/^url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/" \(after interpolation\)/);
    expect(newRequests()).toEqual(['GET /users/1']);
  });

  test('a YAML alias that refers back into itself is a positioned problem, not a crash', async () => {
    const r = await run(['fixtures/suites/cases/alias-cycle.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'fixtures/suites/cases/alias-cycle.yaml:9:38: steps[1].expect.jsonpath["$.a"].count: a matcher cannot contain itself (YAML alias cycle)\n' +
        'apitest: error: 1 problem in 1 suite file; no request was sent\n',
    );
    expect(newRequests()).toEqual([]);
  });

  test('--env-file naming a file that does not exist: exit 2, naming --env-file, no request', async () => {
    const args = ['run', 'fixtures/suites/users.yaml', '--env-file', '/nonexistent/file'];
    const env = { BASE_URL: demo.url };
    // Through the test helper (`node -- bin/apitest.js`) and through the launcher itself (its shebang).
    const results = [await runCli(args, { env }), await new Promise<Run>((resolve) => {
      // The shebang's `env node` finds the Node under test first (inside npm scripts PATH would otherwise give node_modules/.bin/node).
      const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
      execFile(bin, args, { cwd: root, env: { ...process.env, PATH, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    })];
    for (const r of results) {
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toBe('apitest: error: --env-file: cannot read "/nonexistent/file": no such file\n');
    }
    expect(newRequests()).toEqual([]);
  });
});

describe('apitest run: selection and flow', () => {
  test('a failure exits 1 and lists expected and actual', async () => {
    const r = await run(['fixtures/suites/cases/failing.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('      ✗ $.name == "Zed"\n          expected: "Zed"\n          actual:   "Ann"');
    expect(lastLine(r.stdout)).toBe('3 passed, 1 failed');
  });

  test('--bail stops at the first failure', async () => {
    const r = await run(['fixtures/suites/cases/failing.yaml', 'fixtures/suites/cases/selection.yaml', '--bail', '--reporter', `json:${out('bail.json')}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const report = await readJson(out('bail.json'));
    expect(report.summary).toMatchObject({ passed: 1, failed: 1, skipped: 6 });
    expect(report.files[0]?.steps.map((s) => s.skipReason)).toEqual([null, null, 'bail', 'bail']);
    expect(newRequests()).toEqual(['GET /status/200', 'GET /users/1']);
  });

  test('--filter runs the steps whose names match; skip: true is skipped', async () => {
    const r = await run(['fixtures/suites/cases/selection.yaml', '--filter', '^read']);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('2 passed, 0 failed, 2 skipped');
    expect(r.stdout).toContain('- skipped by skip  (skipped: skip)');
    expect(r.stdout).toContain('- write user  (skipped: filter)');
    expect(newRequests()).toEqual(['GET /echo/read-users', 'GET /echo/read-one']);
  });

  test('only: true runs only the focused steps of its file', async () => {
    const r = await run(['fixtures/suites/cases/only.yaml', '--reporter', 'tap']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok 1 - not focused # SKIP only\nok 2 - focused\n');
    expect(newRequests()).toEqual(['GET /echo/focused']);
  });

  test('--shard i/n: disjoint slices of the sorted files that cover them all', async () => {
    const files: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await run(['fixtures/suites', '--shard', shard, '--reporter', 'json']);
      expect(r.code).toBe(0);
      files.push(SuiteReportSchema.parse(JSON.parse(r.stdout)).files.map((f) => f.file));
    }
    expect(files).toEqual([['fixtures/suites/echo.json'], ['fixtures/suites/pagination.yaml'], ['fixtures/suites/resilience.yaml', 'fixtures/suites/users.yaml']]);
  });

  test('--concurrency runs files in parallel and still prints them in order', async () => {
    const r = await run(['fixtures/suites', '--concurrency', '4'], { APITEST_PLACEHOLDER_TIMINGS: '1' });
    expect(r.code).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('fixtures/'));
    expect(headers.map((h) => h.split(' ')[0])).toEqual(['fixtures/suites/echo.json', 'fixtures/suites/pagination.yaml', 'fixtures/suites/resilience.yaml', 'fixtures/suites/users.yaml']);
    expect(r.stdout).toMatch(/ 201 {2}~\n/);
    // The four files started together: the first request of each came before any file's second one.
    const firstFour = newRequests().slice(0, 4).map((p) => p.split('?')[0]);
    expect(firstFour.sort()).toEqual(['GET /echo', 'GET /flaky', 'GET /pages/link', 'POST /users']);
  });

  test('--var overrides vars; --env-file loads the environment (set variables win)', async () => {
    const envFile = out('test.env');
    await writeFile(envFile, `# test env\nBASE_URL=http://127.0.0.1:1\nTOKEN="from-file"\n`);
    const r = await run(['fixtures/suites/cases/vars.yaml', '--var', 'who=Zed', '--var', 'expected=Zed', '--env-file', envFile, '--reporter', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const step = SuiteReportSchema.parse(JSON.parse(r.stdout)).files[0]?.steps[0];
    expect(step?.request?.url).toBe(`${demo.url}/echo/Zed`);
    expect(newRequests()).toEqual(['POST /echo/Zed']);
    const failing = await run(['fixtures/suites/cases/vars.yaml', '--var', 'expected=Ann', '--env-file', envFile, '--reporter', 'json'], { BASE_URL: undefined });
    expect(failing.code).toBe(1); // BASE_URL from the file: port 1 refuses the connection
    expect(SuiteReportSchema.parse(JSON.parse(failing.stdout)).files[0]?.steps[0]?.error?.kind).toBe('connection');
  });

  test('a failed capture fails the steps that use it, with the reason; nothing is sent for them', async () => {
    const r = await run(['fixtures/suites/cases/capture-cascade.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error (capture): capture userId: $.missing: it does not exist');
    expect(r.stdout).toContain('error (variable): {{ userId }} has no value: step "capture that fails" did not capture it ($.missing: it does not exist)');
    expect(lastLine(r.stdout)).toBe('1 passed, 2 failed');
    expect(newRequests()).toEqual(['GET /users/1', 'GET /echo/Ann']);
  });
});

describe('apitest run: one limiter and one server gate per run', () => {
  const times = (): number[] => demo.server.requests().slice(requestsBefore).map((r) => r.time);

  test('--rate paces request starts across files running in parallel', async () => {
    const r = await run(['fixtures/suites/cases/selection.yaml', 'fixtures/suites/cases/only.yaml', '--concurrency', '2', '--rate', '10/s']);
    expect(r.code).toBe(0);
    const t = times().sort((a, b) => a - b);
    expect(t).toHaveLength(4);
    // One limiter for the run: 4 starts 100 ms apart span 300 ms. A limiter per file would start both files at
    // once (gaps near 0, a span of 100 ms). Arrival times at the server jitter on a loaded machine, so the bounds
    // leave room: the span, and any three consecutive starts spanning at least 100 ms (200 when paced).
    expect((t[3] ?? 0) - (t[0] ?? 0)).toBeGreaterThanOrEqual(240);
    for (let i = 2; i < t.length; i++) expect((t[i] ?? 0) - (t[i - 2] ?? 0)).toBeGreaterThanOrEqual(100);
  });

  test('a response that used up the quota makes the next request wait; --no-respect-rate-limit does not', async () => {
    const r = await run(['fixtures/suites/cases/rate-gate.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^apitest: rate limit: waiting \d/);
    const [first, second] = times();
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(500);
    requestsBefore = demo.server.requests().length;
    const fast = await run(['fixtures/suites/cases/rate-gate.yaml', '--no-respect-rate-limit']);
    expect(fast.code).toBe(0);
    expect(fast.stderr).toBe('');
    const [a, b] = times();
    expect((b ?? 0) - (a ?? 0)).toBeLessThan(500);
  });
});

describe('apitest run: secrets', () => {
  test('a secret from the environment is masked in every reporter', async () => {
    const token = 'tok-SECRET-0123456789';
    const session = 'sess-SECRET-abcdef';
    const r = await run(
      ['fixtures/suites/cases/secrets.yaml', '--reporter', 'table', '--reporter', `json:${out('s.json')}`, '--reporter', `junit:${out('s.xml')}`, '--reporter', `tap:${out('s.tap')}`],
      { TOKEN: token, SESSION: session },
    );
    expect(r.code).toBe(1);
    // The server did get the credentials…
    const seen = demo.server.requests().slice(requestsBefore);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(seen[1]?.query.api_key).toBe(token);
    // …but no output shows them: the echo's values are in the failed expectations' actual values.
    const outputs = { stdout: r.stdout, stderr: r.stderr, json: await readFile(out('s.json'), 'utf8'), junit: await readFile(out('s.xml'), 'utf8'), tap: await readFile(out('s.tap'), 'utf8') };
    for (const [name, text] of Object.entries(outputs)) {
      expect({ name, leaked: text.includes('SECRET') }).toEqual({ name, leaked: false });
    }
    expect(outputs.stdout).toContain('actual:   "Bearer ****6789"');
    for (const name of ['json', 'junit', 'tap'] as const) expect(outputs[name]).toContain('****6789');
    const report = await readJson(out('s.json'));
    expect(report.files[0]?.steps[0]?.request?.headers).toMatchObject({ authorization: 'Bearer ****6789', 'x-session-token': expect.stringMatching(/^\*\*\*\*/) });
  });
});
