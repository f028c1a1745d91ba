/**
 * `apitest load` through the real binary against a loopback server this test starts, asserting at the server too:
 * the count the server saw equals the reported total; the request flags (method, headers, body, auth) reached it;
 * --json validates against docs/load-output.schema.json; SLOs decide the exit code with one stderr line each; a
 * public host without --yes sends nothing (exit 2); Ctrl-C prints what was measured and exits 130. Runs are short
 * (at most 1 s, or a request count).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { startLoadServer, type LoadServer } from '../helpers/load-server.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let server: LoadServer;
beforeAll(async () => {
  server = await startLoadServer();
});
afterAll(async () => {
  await server.close();
});

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/load-output.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

function parseLoadDocument(stdout: string): any {
  const doc = JSON.parse(stdout) as unknown;
  if (!validate(doc)) throw new Error(`the load document does not match docs/load-output.schema.json: ${JSON.stringify(validate.errors, null, 2)}`);
  return doc;
}

/** A fresh counting server (test/helpers/load-server.ts) for one test, closed after it. */
async function withLoadServer(test: (s: LoadServer) => Promise<void>): Promise<void> {
  const s = await startLoadServer();
  try {
    await test(s);
  } finally {
    await s.close();
  }
}

describe('apitest load', () => {
  test('-n 300 -c 4 --json: the server counts exactly the reported total; the document validates', async () => {
    const before = server.count();
    const r = await runCli(['load', `${server.url}/users`, '-n', '300', '-c', '4', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = parseLoadDocument(r.stdout);
    expect(server.count() - before).toBe(300);
    expect(doc.requests).toEqual({ total: 300, ok: 300, failed: 0, notSentOnTime: 0 });
    expect(doc.statuses).toEqual({ '200': 300 });
    expect(doc.connections).toBe(4);
    expect(doc.rate).toBeNull();
    expect(doc.latencyUncorrected).toBeNull();
    expect(doc.steps).toBeNull();
    expect(doc.rps).toBeGreaterThan(0);
    expect(doc.bytesPerSecond).toBeGreaterThan(0);
    expect(doc.latency.p50).toBeGreaterThan(0);
    expect(doc.latency.p99).toBeLessThanOrEqual(doc.latency.max);
    expect(doc.histogram).toMatch(/^HISTF/);
  });

  test('-d 1 --rate 100/s: an open-model run, corrected and uncorrected latency, total = server count', async () => {
    const before = server.count();
    const r = await runCli(['load', `${server.url}/users`, '-d', '1', '--rate', '100/s', '-c', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = parseLoadDocument(r.stdout);
    expect(server.count() - before).toBe(doc.requests.total);
    expect(doc.requests.total).toBeGreaterThanOrEqual(95);
    expect(doc.requests.total).toBeLessThanOrEqual(101);
    expect(doc.rate).toBe(100);
    expect(doc.latencyUncorrected).not.toBeNull();
    expect(doc.latency.p50).toBeGreaterThanOrEqual(doc.latencyUncorrected.p50 - 0.01);
  });

  test('the request flags apply: method, headers, body, bearer token', async () => {
    await withLoadServer(async (s) => {
      const r = await runCli(['load', '-X', 'PUT', `${s.url}/echo`, '-n', '5', '-c', '1', '-H', 'X-Test: yes', '--data', '{"name":"Ann"}', '--bearer', 'tok-123', '--json']);
      expect(r.code).toBe(0);
      expect(s.count()).toBe(5);
      expect(s.first?.method).toBe('PUT');
      expect(s.first?.headers['x-test']).toBe('yes');
      expect(s.first?.headers.authorization).toBe('Bearer tok-123');
      expect(s.first?.headers['content-type']).toBe('application/json');
      expect(s.first?.body).toBe('{"name":"Ann"}');
      expect(s.first?.headers['user-agent']).toMatch(/^apitest\//);
    });
  });

  test('the method first, as for one request: apitest load PATCH URL; given twice, exit 2 and nothing sent', async () => {
    await withLoadServer(async (s) => {
      const r = await runCli(['load', 'PATCH', `${s.url}/echo`, '-n', '3', '-c', '1', '--data', 'x=1', '--json']);
      expect(r.code).toBe(0);
      expect(s.count()).toBe(3);
      expect(s.first?.method).toBe('PATCH');
      const twice = await runCli(['load', 'POST', `${s.url}/echo`, '-X', 'PUT', '-n', '3']);
      expect(twice.code).toBe(2);
      expect(twice.stderr.trim()).toBe('apitest: error: the method is given twice (POST and -X PUT) (give it once)');
      expect(s.count()).toBe(3);
      const lower = await runCli(['load', 'post', `${s.url}/echo`, '-n', '3']);
      expect(lower.code).toBe(2);
      expect(lower.stderr.trim()).toBe('apitest: error: apitest load: "post" is not a URL (did you mean POST? A method given first is written in capitals: apitest load POST URL, or -X POST)');
      expect(s.count()).toBe(3);
    });
  });

  test('the table report: percentiles, the latency histogram, statuses', async () => {
    const r = await runCli(['load', `${server.url}/users`, '-n', '50', '-c', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Requests    50 total, 50 ok, 0 failed');
    expect(r.stdout).toMatch(/p50 [\d.]+ ms {2}p90/);
    expect(r.stdout).toContain('Latency distribution');
    expect(r.stdout).toMatch(/\|■+/);
    expect(r.stdout).toMatch(/Status codes\n\s+200 {2}50/);
  });

  test('SLOs: every failed one is one stderr line, exit 1; all met, exit 0', async () => {
    const failing = await runCli(['load', `${server.url}/fail`, '-n', '20', '-c', '2', '--expect', 'p99 < 10s', '--expect', 'errors == 0', '--expect', 'status_5xx == 0', '--json']);
    expect(failing.code).toBe(1);
    expect(failing.stderr.trim().split('\n')).toEqual(['apitest: SLO failed: errors: expected == 0, got 20', 'apitest: SLO failed: status_5xx: expected == 0, got 20']);
    const doc = parseLoadDocument(failing.stdout);
    expect(doc.expectations.map((e: { ok: boolean }) => e.ok)).toEqual([true, false, false]);
    const passing = await runCli(['load', `${server.url}/users`, '-n', '20', '-c', '2', '--expect', 'p99 < 10s', '--expect', 'errors == 0', '--expect', 'rps > 1']);
    expect(passing.stderr).toBe('');
    expect(passing.code).toBe(0);
  });

  test('a latency SLO keeps fractions of a millisecond: p50 < 0.0005ms fails (no latency is under 1 µs), expected 0.0005, not 0', async () => {
    const r = await runCli(['load', `${server.url}/users`, '-n', '10', '-c', '1', '--json', '--expect', 'p50 < 0.0005ms', '--expect', 'max <= 0.0004s', '--expect', 'p99 < 10s']);
    expect(r.code).toBe(1);
    const doc = parseLoadDocument(r.stdout);
    const [p50, max, p99] = doc.expectations;
    expect(p50).toMatchObject({ expression: 'p50 < 0.0005ms', ok: false, expected: 0.0005 });
    expect(p50.actual).toBeGreaterThanOrEqual(0.001);
    expect(p50.message).toBe(`p50: expected < 0.0005 ms, got ${p50.actual} ms`);
    expect(max.expected).toBe(0.4);
    expect(max.ok).toBe(max.actual <= 0.4);
    expect(p99).toMatchObject({ ok: true, expected: 10_000 });
    expect(r.stderr.trim().split('\n')[0]).toBe(`apitest: SLO failed: p50: expected < 0.0005 ms, got ${p50.actual} ms`);
  });

  test('429s are throttled, apart from 5xx and from errors; Retry-After is shown', async () => {
    const r = await runCli(['load', `${server.url}/throttle`, '-n', '10', '-c', '1', '--expect', 'errors == 0', '--expect', 'throttled == 10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('429  10  throttled');
    expect(r.stdout).toContain('Retry-After on 10, last "1"');
  });

  test('--reporter junit:FILE writes one testcase per SLO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-load-'));
    const r = await runCli(['load', `${server.url}/users`, '-n', '10', '--expect', 'errors == 0', '--reporter', `junit:${join(dir, 'load.xml')}`]);
    expect(r.code).toBe(0);
    const xml = readFileSync(join(dir, 'load.xml'), 'utf8');
    expect(xml).toContain('<testcase name="errors == 0"');
    expect(xml).toContain('tests="1" failures="0"');
  });

  test('a public address without --yes: exit 2, nothing sent', async () => {
    const r = await runCli(['load', 'http://203.0.113.7/', '-n', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the host is not loopback or a private address');
    expect(r.stderr).toContain('--yes');
    expect(r.stdout).toBe('');
  });

  test('a request undici would refuse (Transfer-Encoding, Expect, CONNECT): exit 2, one line, nothing sent; the run never starts', async () => {
    await withLoadServer(async (s) => {
      const te = await runCli(['load', `${s.url}/x`, '-d', '1', '-c', '1', '-H', 'Transfer-Encoding: chunked']);
      expect(te.code).toBe(2);
      expect(te.stderr.trim().split('\n')).toEqual(['apitest: error: apitest load cannot send this request: invalid transfer-encoding header (nothing was sent; undici, the HTTP client of apitest load, sets Transfer-Encoding, Keep-Alive and Upgrade itself and does not send Expect)']);
      const expectHeader = await runCli(['load', `${s.url}/x`, '-n', '5', '-H', 'Expect: 100-continue']);
      expect(expectHeader.code).toBe(2);
      expect(expectHeader.stderr).toContain('expect header not supported');
      const connect = await runCli(['load', 'CONNECT', `${s.url}/x`, '-n', '5']);
      expect(connect.code).toBe(2);
      expect(connect.stderr.trim()).toBe('apitest: error: apitest load cannot send this request: the CONNECT method opens a tunnel: there is no answer to measure (nothing was sent)');
      expect(s.count()).toBe(0);
    });
  });

  test('--rate: more than 1,000,000/s is refused; a slow rate still sends its first request at the start', async () => {
    const huge = await runCli(['load', `${server.url}/users`, '--rate', '1000000000000/s', '-d', '1']);
    expect(huge.code).toBe(2);
    expect(huge.stderr.trim()).toBe('apitest: error: --rate: 1000000000000/s is more than 1,000,000 per second (one generator sends tens of thousands of requests per second at most: use a lower rate)');
    const before = server.count();
    const slow = await runCli(['load', `${server.url}/users`, '--rate', '1/h', '-d', '0.2', '-c', '1', '--no-color']);
    expect(slow.code).toBe(0);
    expect(server.count() - before).toBe(1);
    expect(slow.stdout).toContain('open model: 0.000278 req/s scheduled');
  });

  test('--timeout below a second is kept (undici keeps its own on a ~0.5 s clock): a 50 ms answer with --timeout 20ms is a timeout', async () => {
    const r = await runCli(['load', `${server.url}/slow`, '-n', '4', '-c', '2', '--timeout', '20ms', '--json']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(`apitest: error: no request got a response (timeout 4) (the server at ${server.url}/slow did not answer within --timeout: is it overloaded, or the timeout too short?)`);
    const doc = parseLoadDocument(r.stdout);
    expect(doc.errors).toEqual({ timeout: 4 });
    // The run lasted until the requests were given up, not the instant the last one was sent.
    expect(doc.durationMs).toBeGreaterThanOrEqual(18);
    const inTime = parseLoadDocument((await runCli(['load', `${server.url}/slow`, '-n', '4', '-c', '2', '--timeout', '500ms', '--json'])).stdout);
    expect(inTime.requests).toMatchObject({ total: 4, ok: 4 });
  });

  // `script` (util-linux) gives the binary a terminal; without it this test cannot run here.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  (hasScript ? test : test.skip)('the live progress line: on a terminal, redrawn each second; none with CI set', async () => {
    const onTerminal = (ci: string | undefined): Promise<string> =>
      new Promise((resolveRun) => {
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
        delete env.CI;
        if (ci !== undefined) env.CI = ci;
        const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} load ${server.url}/users -c 1 -d 2.2 --rate 50/s`;
        execFile('script', ['-qec', command, '/dev/null'], { env, timeout: 20_000 }, (_error, stdout) => resolveRun(String(stdout)));
      });
    const progress = /load \d+(\.\d+)? s\/2\.2 s {2}[\d,]+ req {2}[\d,]+ req\/s {2}p99 [\d.]+ ms/;
    const tty = await onTerminal(undefined);
    expect(tty).toMatch(progress);
    expect(tty).toContain('\r\u001b[2K'); // redrawn in place, and cleared before the table
    expect(tty).toContain('Latency distribution');
    const ci = await onTerminal('true');
    expect(ci).not.toMatch(progress);
    expect(ci).toContain('Latency distribution');
  });

  test('--var, --secret and --env-file are for --suite only', async () => {
    const r = await runCli(['load', `${server.url}/users`, '-n', '1', '--var', 'a=1', '--env-file', 'x.env']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("apitest: error: --var, --env-file: only with --suite (a suite's {{ variables }}) (a single URL has no variables: write the value into the URL, a header or --data)");
  });

  test('usage errors: -d and -n together, a bad SLO, --rate, -d given a body', async () => {
    for (const args of [
      ['-d', '1', '-n', '5'],
      ['--expect', 'p98 < 1ms'],
      ['--rate', 'fast'],
      ['-d', '{"a":1}'],
    ]) {
      const r = await runCli(['load', `${server.url}/users`, ...args]);
      expect([args, r.code]).toEqual([args, 2]);
    }
  });

  test('a body flag error names --data, not -d (which is --duration in load); nothing sent', async () => {
    const before = server.count();
    const missing = await runCli(['load', `${server.url}/users`, '-n', '1', '--data', '@no-such-file.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual(['apitest: error: --data: cannot read "no-such-file.json": no such file (check the path)']);
    const head = await runCli(['load', `${server.url}/users`, '-n', '1', '-I', '--data', 'x']);
    expect(head.code).toBe(2);
    expect(head.stderr).toContain('(drop the body (--data, --data-urlencode), or drop -I)');
    expect(head.stderr).not.toContain('-d/');
    expect(server.count()).toBe(before);
  });

  test('no server: exit 3 with the errors by kind', async () => {
    const r = await runCli(['load', 'http://127.0.0.1:1/', '-n', '5', '-c', '1', '--json']);
    expect(r.code).toBe(3);
    const doc = parseLoadDocument(r.stdout);
    expect(doc.errors).toEqual({ connect: 5 });
    expect(r.stderr).toContain('no request got a response (connect 5)');
  });

  test('Ctrl-C: the figures measured so far, exit 130', async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'true' };
    const child = spawn(process.execPath, ['--', BIN, 'load', `${server.url}/slow`, '-d', '20', '-c', '2', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const kill = setTimeout(() => child.kill('SIGINT'), 1200);
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(kill);
    clearTimeout(hard);
    expect(code).toBe(130);
    const doc = parseLoadDocument(out);
    expect(doc.requests.total).toBeGreaterThan(0);
    expect(doc.durationMs).toBeLessThan(5000);
    expect(err).toContain('interrupted');
  });
});

/**
 * Runs `test` against a demo API of its own (closed after, whatever happens); `suiteFile(name, text)` writes a
 * suite file into a directory of the test's own and returns its path.
 */
async function withDemo(test: (demo: DemoServer, suiteFile: (name: string, text: string) => string) => Promise<void>): Promise<void> {
  const demo = await startTestDemo();
  const dir = mkdtempSync(join(tmpdir(), 'apitest-load-suite-'));
  const suiteFile = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  try {
    await test(demo, suiteFile);
  } finally {
    await demo.close();
  }
}

describe('apitest load --suite', () => {
  test('a step with a multipart form (a file field) sends it, encoded for each request (it was sent with no body)', async () => {
    await withLoadServer(async (s) => {
      const dir = mkdtempSync(join(tmpdir(), 'apitest-load-form-'));
      writeFileSync(join(dir, 'note.txt'), 'hello from a file');
      const file = join(dir, 'form.yaml');
      writeFileSync(file, `name: form\nsteps:\n  - name: upload\n    method: POST\n    url: ${s.url}/echo\n    form:\n      title: hi\n      attachment: { file: note.txt }\n`);
      const r = await runCli(['load', '--suite', file, '-n', '3', '-c', '1', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(s.count()).toBe(3);
      expect(s.first?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(Number(s.first?.headers['content-length'])).toBe(Buffer.byteLength(s.first?.body ?? ''));
      expect(s.first?.body).toContain('name="title"');
      expect(s.first?.body).toContain('filename="note.txt"');
      expect(s.first?.body).toContain('hello from a file');
    });
  });

  test('each virtual user runs the steps in order with its own captures, steps repeated by load.weight', async () => {
    await withDemo(async (demo) => {
      const r = await runCli(['load', '--suite', 'fixtures/load/users.yaml', '-c', '2', '-n', '40', '--json'], { env: { BASE_URL: demo.url } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = parseLoadDocument(r.stdout);
      expect(doc.url).toBe('fixtures/load/users.yaml (suite)');
      expect(doc.requests.total).toBe(40);
      expect(doc.steps?.reduce((n: number, t: { requests: number }) => n + t.requests, 0)).toBe(40);
      // Every read found the user its own virtual user created (a capture of another user, or none, would 404).
      expect(Object.keys(doc.statuses).sort()).toEqual(['200', '201']);
      expect(doc.statuses['201'] + doc.statuses['200']).toBe(40);
      expect(doc.statuses['201']).toBeGreaterThanOrEqual(10);
      expect(doc.statuses['201']).toBeLessThanOrEqual(12);
      const paths = demo.requests().map((q) => q.path);
      expect(paths).toHaveLength(40);
      expect(paths.filter((p) => p.startsWith('/health'))).toEqual([]);
    });
  });

  test('--rate: passes of the suite started on a schedule (open model), each a new arrival with its own captures; corrected and uncorrected latency', async () => {
    await withDemo(async (demo) => {
      // 40 passes/s for 1 s: 40 passes of create (weight 1) + read it back (weight 3) = 160 requests.
      const r = await runCli(['load', '--suite', 'fixtures/load/users.yaml', '-c', '4', '-d', '1', '--rate', '40/s', '--json'], { env: { BASE_URL: demo.url } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = parseLoadDocument(r.stdout);
      expect(doc.rate).toBe(40);
      // The run stops at 1 s: the last pass (due at 975 ms) may be cut before its last reads on a slow machine.
      expect(doc.requests.total).toBeGreaterThanOrEqual(150);
      expect(doc.requests.total).toBeLessThanOrEqual(160);
      expect(doc.requests.ok).toBe(doc.requests.total);
      expect(demo.requests()).toHaveLength(doc.requests.total);
      // Every pass read back the user it created itself (a capture of another pass, or none, would 404).
      expect(Object.keys(doc.statuses).sort()).toEqual(['200', '201']);
      expect(doc.statuses['201']).toBeGreaterThanOrEqual(38);
      expect(doc.statuses['200']).toBeLessThanOrEqual(3 * doc.statuses['201']);
      expect(doc.latencyUncorrected).not.toBeNull();
      expect(doc.latency.p50).toBeGreaterThanOrEqual(doc.latencyUncorrected.p50);
      expect(doc.steps?.map((t: { name: string; requests: number }) => [t.name, t.requests])).toEqual([
        ['create user', doc.statuses['201']],
        ['read it back', doc.statuses['200']],
      ]);
      const table = await runCli(['load', '--suite', 'fixtures/load/users.yaml', '-c', '2', '-n', '8', '--rate', '100/s', '--no-color'], { env: { BASE_URL: demo.url } });
      expect(table.code).toBe(0);
      expect(table.stdout).toContain('  2 connections, open model: 100 passes of the suite/s scheduled, at most 2 at once\n');
      expect(table.stdout).toMatch(/Requests {4}8 total, 8 ok, 0 failed, \d+ passes not started on time/);
      expect(table.stdout).toContain('Steps (latency of their responses, corrected as above)');
    });
  });

  test("each response is checked against its step's expect: a failed one is not ok (an expectation error); an expected 404 is ok", async () => {
    await withDemo(async (demo, suiteFile) => {
      const file = suiteFile(
        'checks.yaml',
        `name: checks\nbaseUrl: "${demo.url}"\nsteps:\n` +
        `  - name: read\n    url: /users/1\n    expect: { status: 200, jsonpath: { "$.id": 1 } }\n` +
        `  - name: missing\n    url: /users/999999\n    expect: { status: 404 }\n` +
        `  - name: wrong name\n    url: /users/1\n    expect: { jsonpath: { "$.name": "nobody at all" } }\n`,
      );
      const r = await runCli(['load', '--suite', file, '-c', '1', '-n', '30', '--json', '--expect', 'errors == 0']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('apitest: SLO failed: errors: expected == 0, got 10');
      const doc = parseLoadDocument(r.stdout);
      expect(doc.requests).toMatchObject({ total: 30, ok: 20, failed: 10 });
      expect(doc.statuses).toEqual({ '200': 20, '404': 10 });
      expect(doc.errors).toEqual({ expectation: 10 });
      // Each step's own figures, in the order of the file: the failing step shows.
      expect(doc.steps?.map((t: { name: string; requests: number; ok: number; failed: number }) => [t.name, t.requests, t.ok, t.failed])).toEqual([
        ['read', 10, 10, 0],
        ['missing', 10, 10, 0],
        ['wrong name', 10, 0, 10],
      ]);
      for (const t of doc.steps ?? []) expect(t.latency.p50).toBeGreaterThan(0);
      const table = await runCli(['load', '--suite', file, '-c', '1', '-n', '6', '--no-color']);
      expect(table.stdout).toMatch(/\n {2}Steps \(latency of their responses\)\n {4}read {8}2 req {2}0 failed {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms\n {4}missing {5}2 req {2}0 failed .*\n {4}wrong name {2}2 req {2}2 failed /);
      // An expected 429 is ok and no error; a 429 that fails a written expectation is an error; a failed
      // capture fails its step, as in apitest run.
      writeFileSync(
        file,
        `name: limits\nbaseUrl: "${demo.url}"\nsteps:\n` +
          `  - name: expected 429\n    url: /status/429\n    expect: { status: 429 }\n` +
          `  - name: unexpected 429\n    url: /status/429\n    expect: { status: 200 }\n` +
          `  - name: capture fails\n    url: /users/1\n    capture: { nope: $.no.such.field }\n`,
      );
      const limits = await runCli(['load', '--suite', file, '-c', '1', '-n', '9', '--json', '--expect', 'errors == 6']);
      expect(limits.stderr).toBe('');
      expect(limits.code).toBe(0);
      const l = parseLoadDocument(limits.stdout);
      expect(l.requests).toMatchObject({ total: 9, ok: 3, failed: 6 });
      expect(l.throttled).toBe(6);
      expect(l.errors).toEqual({ expectation: 6 });
      // A step that checks only a header: the head is kept without the body, and the check passes.
      writeFileSync(file, `name: head\nbaseUrl: "${demo.url}"\nsteps:\n  - name: typed\n    url: /users/1\n    expect: { headers: { content-type: "application/json; charset=utf-8" } }\n`);
      const head = parseLoadDocument((await runCli(['load', '--suite', file, '-c', '1', '-n', '5', '--json'])).stdout);
      expect(head.requests).toMatchObject({ total: 5, ok: 5, failed: 0 });
      expect(head.errors).toEqual({});
      // Without expectations the same 404s fail (a status of 400 or more), as in a suite run.
      writeFileSync(file, `name: plain\nbaseUrl: "${demo.url}"\nsteps:\n  - name: missing\n    url: /users/999999\n`);
      const plain = parseLoadDocument((await runCli(['load', '--suite', file, '-c', '1', '-n', '5', '--json'])).stdout);
      expect(plain.requests).toMatchObject({ total: 5, ok: 0, failed: 5 });
      expect(plain.errors).toEqual({});
    });
  });

  test('OAuth2 steps: one token for every virtual user (got once, shared), sent as a bearer token; no secret in the output', async () => {
    await withDemo(async (demo, suiteFile) => {
      const file = suiteFile(
        'oauth2.yaml',
        `name: oauth2\nbaseUrl: "${demo.url}"\nsteps:\n` +
        `  - name: me\n    url: /oauth/me\n    auth: { oauth2: { tokenUrl: "${demo.url}/oauth/token", clientId: demo-client, clientSecret: "{{ env.OAUTH2_CLIENT_SECRET }}", scope: read } }\n` +
        `    expect: { status: 200, jsonpath: { "$.client_id": demo-client } }\n`,
      );
      const r = await runCli(['load', '--suite', file, '-c', '3', '-n', '30', '--no-token-cache', '--json', '--expect', 'errors == 0'], { env: { OAUTH2_CLIENT_SECRET: 'demo-secret' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = parseLoadDocument(r.stdout);
      expect(doc.requests).toMatchObject({ total: 30, ok: 30, failed: 0 });
      expect(doc.statuses).toEqual({ '200': 30 });
      const stats = (await (await fetch(`${demo.url}/oauth/stats`)).json()) as { issued: number };
      expect(stats.issued).toBe(1);
      expect(r.stdout + r.stderr).not.toContain('demo-secret');
      // A wrong secret: the token request fails, the run stops with the token endpoint's error, no secret shown.
      const bad = await runCli(['load', '--suite', file, '-c', '2', '-n', '10', '--no-token-cache'], { env: { OAUTH2_CLIENT_SECRET: 'not-the-secret' } });
      // Exit 5, as for a single request's token refused with a status (docs/cli.md, OAuth2).
      expect(bad.code).toBe(5);
      expect(bad.stderr).toMatch(/invalid_client|token/i);
      expect(bad.stdout + bad.stderr).not.toContain('not-the-secret');
      // apitest load has no -v: a hint that would point at it points at apitest auth token -v.
      expect(bad.stderr).not.toMatch(/[;(] ?-v shows/);
    });
  });

  test('one URL with OAuth2 (--oauth2-*): one token for the run, sent with every request; a wrong secret is one line, exit 5', async () => {
    await withDemo(async (demo) => {
      const flags = ['--oauth2-token-url', `${demo.url}/oauth/token`, '--oauth2-client-id', 'demo-client', '--no-token-cache'];
      const r = await runCli(['load', `${demo.url}/oauth/me`, '-n', '20', '-c', '2', '--json', ...flags, '--oauth2-client-secret', 'demo-secret']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(parseLoadDocument(r.stdout).statuses).toEqual({ '200': 20 });
      expect(r.stdout).not.toContain('demo-secret');
      const bad = await runCli(['load', `${demo.url}/oauth/me`, '-n', '20', ...flags, '--oauth2-client-secret', 'not-the-secret']);
      expect(bad.code).toBe(5);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toContain('invalid_client');
      expect(bad.stderr).not.toContain('not-the-secret');
      expect(demo.requests().filter((q) => q.path === '/oauth/me')).toHaveLength(20);
    });
  });

  test('request flags that a suite does not take (-H, -X, --bearer, --data, -q, --timeout) are a usage error, not silently dropped; a missing --cacert is one line', async () => {
    const r = await runCli(['load', '--suite', 'fixtures/load/users.yaml', '-n', '3', '-H', 'X-From-Cli: 1', '--bearer', 'TOK-abcdefgh', '-X', 'POST', '--data', '{"a":1}', '-q', 'z=1', '--timeout', '1s'], { env: { BASE_URL: 'http://127.0.0.1:9' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("apitest: error: --suite: -X/--method, -H/--header, -q/--query, --data, --bearer, --timeout do not apply: each step's request is written in the suite file (write them in the suite file: a step's headers, method, json or body, auth, timeout, or the suite's defaults for every step; -k and --cacert do apply to the whole run)");
    const ca = await runCli(['load', '--suite', 'fixtures/load/users.yaml', '-n', '3', '--cacert', 'no/such/ca.pem'], { env: { BASE_URL: 'http://127.0.0.1:9' } });
    expect(ca.code).toBe(2);
    expect(ca.stderr.trim()).toBe('apitest: error: --cacert: cannot read "no/such/ca.pem": no such file (check the path)');
  });

  test('--var and --secret give a suite its variables (the secret masked in the report); a step with a header undici refuses: exit 2 before anything is sent', async () => {
    await withDemo(async (demo, suiteFile) => {
      const file = suiteFile('vars.yaml', `name: vars\nbaseUrl: "${demo.url}"\nsteps:\n  - name: user {{ who }} with {{ token }}\n    url: /users/{{ who }}\n    headers: { X-Token: "{{ token }}" }\n    expect: { status: 200 }\n`);
      const r = await runCli(['load', '--suite', file, '-c', '1', '-n', '3', '--var', 'who=1', '--secret', 'token=s3cr3t-t0ken-value', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = parseLoadDocument(r.stdout);
      expect(doc.requests).toMatchObject({ total: 3, ok: 3 });
      expect(demo.requests().map((q) => q.path)).toEqual(['/users/1', '/users/1', '/users/1']);
      expect(r.stdout).not.toContain('s3cr3t-t0ken-value');
      expect(doc.steps?.[0]?.name).toBe('user {{ who }} with {{ token }}');
      const refused = suiteFile('te.yaml', `name: te\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /users/1\n  - name: chunky\n    url: /echo\n    headers: { Transfer-Encoding: chunked }\n`);
      const t = await runCli(['load', '--suite', refused, '-n', '3']);
      expect(t.code).toBe(2);
      expect(t.stderr).toContain('step "chunky": apitest load cannot send its request: invalid transfer-encoding header');
      expect(demo.requests()).toHaveLength(3);
    });
  });

  test('a suite that reaches a public host: refused before the run, so nothing at all is sent (its loopback steps included)', async () => {
    await withDemo(async (demo, suiteFile) => {
      const file = suiteFile('public.yaml', `name: public\nsteps:\n  - url: "${demo.url}/users/1"\n  - url: http://203.0.113.7/x\n`);
      const r = await runCli(['load', '--suite', file, '-n', '10']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`apitest: error: load http://203.0.113.7 (suite ${file}, 10 virtual users): the host is not loopback or a private address (nothing was sent; add --yes if you mean to load it)`);
      expect(demo.requests()).toHaveLength(0);
    });
  });

  test('a bad suite file: exit 2, its problems, nothing sent', async () => {
    const r = await runCli(['load', '--suite', 'fixtures/suites/does-not-exist.yaml', '-n', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the suite');
  });

  test('a suite with a wrong key: its problem with line and column, then one summary line, as apitest run says it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-load-bad-suite-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nbase: http://127.0.0.1:9\nsteps:\n  - name: one\n    url: http://127.0.0.1:9/x\n');
    const r = await runCli(['load', '--suite', file, '-n', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:1: base: unknown key "base"`);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`apitest: error: 1 problem in ${file}; no request was sent`);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('undici and hdr-histogram-js are loaded only by apitest load', () => {
  test('--version and a single request read neither dist/undici.cjs nor dist/hdr.cjs; load reads both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-probe-'));
    const probe = join(dir, 'probe.cjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`\\nLOADED:${Object.keys(require.cache).filter((k) => /undici|hdr/.test(k)).map((k) => require('path').basename(k)).sort().join(',')}\\n`));\n");
    const loaded = (stderr: string): string => /LOADED:(.*)\n/.exec(stderr)?.[1] ?? '(no probe line)';
    const env = { NODE_OPTIONS: `--require ${probe}` };
    expect(loaded((await runCli(['--version'], { env })).stderr)).toBe('');
    expect(loaded((await runCli([`${server.url}/users`], { env })).stderr)).toBe('');
    expect(loaded((await runCli(['load', `${server.url}/users`, '-n', '3'], { env })).stderr)).toBe('hdr.cjs,undici.cjs');
  });
});

describe('apitest load: --warmup and --pipelining through the binary', () => {
  test('--warmup 0.3 -n 50: warm-up requests reach the server but are not counted; the measured 50 are', async () => {
    const before = server.count();
    const r = await runCli(['load', `${server.url}/users`, '--warmup', '0.3', '-n', '50', '-c', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = parseLoadDocument(r.stdout);
    expect(doc.requests).toEqual({ total: 50, ok: 50, failed: 0, notSentOnTime: 0 });
    expect(server.count() - before).toBeGreaterThan(50);
  });

  test('--warmup 0 -n 20 --rate 200/s: no warm-up; 20 requests on the schedule (the precise alarm wakes each), then the process ends', async () => {
    const before = server.count();
    const r = await runCli(['load', `${server.url}/users`, '--warmup', '0', '-n', '20', '--rate', '200/s', '-c', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = parseLoadDocument(r.stdout);
    expect(doc.requests.total).toBe(20);
    expect(server.count() - before).toBe(20);
    // Request 19 is due 95 ms after request 0: the run cannot be shorter (sent early, it would be).
    expect(doc.durationMs).toBeGreaterThanOrEqual(95);
    expect(doc.latencyUncorrected).not.toBeNull();
  });

  test('--pipelining 4 -n 200 -c 2: every request answered and counted once', async () => {
    const before = server.count();
    const r = await runCli(['load', `${server.url}/users`, '--pipelining', '4', '-n', '200', '-c', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = parseLoadDocument(r.stdout);
    expect(doc.requests).toEqual({ total: 200, ok: 200, failed: 0, notSentOnTime: 0 });
    expect(server.count() - before).toBe(200);
  });
});
