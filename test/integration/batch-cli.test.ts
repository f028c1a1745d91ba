/**
 * `apitest batch` through the real binary, against the demo API and loopback servers the tests start; the
 * servers assert what they received.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { withDemoServer } from '../helpers/demo.js';
import { startBatchServer, type BatchServer } from '../helpers/batch-server.js';

let dir: string;
const servers: BatchServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apitest-batch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(reply?: Parameters<typeof startBatchServer>[0]): Promise<BatchServer> {
  const s = await startBatchServer(reply);
  servers.push(s);
  return s;
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const lines = (text: string): any[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const ndjson = (n: number, make: (i: number) => object = (i) => ({ id: i, name: `user ${i}` })): string => Array.from({ length: n }, (_, i) => `${JSON.stringify(make(i + 1))}\n`).join('');

describe('apitest batch against the demo API', () => {
  const demo = withDemoServer();

  test('one POST per NDJSON row, the row as the JSON body, a stable Idempotency-Key each; results on stdout, summary on stderr, exit 0', async () => {
    const input = await file('users.ndjson', ndjson(5, (i) => ({ name: `Batch ${i}`, email: `b${i}@example.com` })));
    const r = await runCli(['batch', `${demo.url}/users`, '--input', input]);
    expect(r.code).toBe(0);
    const results = lines(r.stdout);
    expect(results).toHaveLength(5);
    expect(results.map((x) => x.index).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    for (const x of results) {
      expect(Object.keys(x).slice(0, 7)).toEqual(['row', 'index', 'ok', 'status', 'attempts', 'durationMs', 'error']);
      expect(x).toMatchObject({ ok: true, status: 201, attempts: 1, error: null });
      expect(x.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const posted = demo.server.requests().filter((q) => q.method === 'POST' && q.path === '/users');
    expect(posted.map((q) => q.headers['idempotency-key']).sort()).toEqual(results.map((x) => x.key).sort());
    expect(r.stderr).toMatch(/batch: 5 rows in .* 5 ok, 0 failed, 0 retried/);
    expect(r.stderr).not.toContain('\r');
    // The same rows give the same keys in another run (content + position).
    const again = await runCli(['batch', `${demo.url}/users`, '--input', input, '--dry-run']);
    expect(lines(again.stdout).map((x) => x.headers['Idempotency-Key']).sort()).toEqual(results.map((x) => x.key).sort());
  });

  test('a row that fails (404) makes exit 1, and the others still run', async () => {
    const input = await file('ids.ndjson', '{"id":1}\n{"id":999}\n{"id":2}\n');
    const r = await runCli(['batch', demo.url, '--input', input, '--url-template', '/users/{{ id }}', '-X', 'GET']);
    expect(r.code).toBe(1);
    const byIndex = new Map(lines(r.stdout).map((x) => [x.index, x]));
    expect(byIndex.get(2)).toMatchObject({ ok: false, status: 404, error: { kind: 'http', code: 'HTTP_404' } });
    expect(byIndex.get(1)?.ok && byIndex.get(3)?.ok).toBe(true);
    expect(r.stderr).toContain('apitest: error: 1 of 3 rows failed');
  });
});

describe('apitest batch: templates and inputs', () => {
  test('CSV with quotes, a URL template (row values percent-encoded), header and query templates; __proto__ and constructor columns', async () => {
    const s = await server();
    const input = await file('rows.csv', 'id,name,__proto__,constructor\r\n1,"Ann, A.",p1,c1\n2,R&D/x,p2,c2\n');
    const r = await runCli(['batch', s.url, '--input', input, '--url-template', '/items/{{ name }}', '-H', 'X-Ctor: {{ constructor }}', '-q', 'p={{ row.__proto__ }}', '-X', 'PUT', '-c', '1']);
    expect(r.code).toBe(0);
    expect(s.received.map((q) => [q.method, q.url, q.headers['x-ctor']])).toEqual([
      ['PUT', '/items/Ann%2C%20A.?p=p1', 'c1'],
      ['PUT', '/items/R%26D%2Fx?p=p2', 'c2'],
    ]);
    expect(JSON.parse(s.received[0]?.body ?? '')).toEqual(JSON.parse('{"id":"1","name":"Ann, A.","__proto__":"p1","constructor":"c1"}'));
    // -c 1: results in row order.
    expect(lines(r.stdout).map((x) => x.index)).toEqual([1, 2]);
  });

  test('a JSON array input and a JSON body template from a file: typed values', async () => {
    const s = await server();
    const input = await file('rows.json', '[{"id": 1, "age": 41, "tags": ["a"]}, {"id": 2, "age": 7, "tags": []}]');
    const body = await file('body.json', '{"user": {"id": "{{ id }}", "age": "{{ age }}", "label": "#{{ id }}"}, "tags": "{{ tags }}", "env": "{{ env.STAGE }}"}');
    const r = await runCli(['batch', `${s.url}/u`, '--input', input, '--body-template', `@${body}`, '-c', '1'], { env: { STAGE: 'test' } });
    expect(r.code).toBe(0);
    expect(s.received.map((q) => JSON.parse(q.body))).toEqual([
      { user: { id: 1, age: 41, label: '#1' }, tags: ['a'], env: 'test' },
      { user: { id: 2, age: 7, label: '#2' }, tags: [], env: 'test' },
    ]);
    expect(s.received[0]?.headers['content-type']).toBe('application/json');
  });

  test('standard input (-), its format seen from the first character', async () => {
    const s = await server();
    const r = await runCli(['batch', `${s.url}/x`, '--input', '-'], { stdin: 'a,b\n1,2\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(s.received[0]?.body ?? '')).toEqual({ a: '1', b: '2' });
  });

  test('invalid rows are failed results with their row number (exit 1); --strict stops at the first (exit 2)', async () => {
    const s = await server();
    const input = await file('mixed.ndjson', '{"id":1}\nnot json\n{"name":"no id"}\n{"id":4}\n');
    const r = await runCli(['batch', s.url, '--input', input, '--url-template', '/x/{{ id }}', '-c', '1']);
    expect(r.code).toBe(1);
    const byIndex = new Map(lines(r.stdout).map((x) => [x.index, x]));
    expect(byIndex.get(2)).toMatchObject({ ok: false, status: null, attempts: 0, error: { kind: 'usage' } });
    expect(byIndex.get(3)?.error.message).toMatch(/row 3 \(line 3\): \{\{ id \}\}: no field "id"/);
    expect(r.stderr).toMatch(/row 2 \(line 2\): not JSON/);
    expect(s.received.map((q) => q.url)).toEqual(['/x/1', '/x/4']);

    const strict = await runCli(['batch', s.url, '--input', input, '--url-template', '/x/{{ id }}', '-c', '1', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/apitest: error: row 2 \(line 2\): not JSON.*--strict/);
  });

  test('bad input and bad options are exit 2 with nothing sent', async () => {
    const s = await server();
    const notArray = await file('obj.json', '{"a":1}');
    const rows = await file('ok.ndjson', '{"id":1}\n');
    const cases: Array<[string[], RegExp]> = [
      [['batch', s.url], /--input is required/],
      [['batch', s.url, '--input', notArray, '--input-format', 'json'], /not a JSON array/],
      [['batch', '--input', rows, '--url-template', '/x/{{ id }}'], /is relative, and no base URL is given/],
      [['batch', s.url, '--input', rows, '--url-template', '/x/{{ }}'], /an empty \{\{ \}\}/],
      [['batch', s.url, '--input', rows, '-H', 'X-A: {{ env.NOT_SET_ANYWHERE }}'], /NOT_SET_ANYWHERE is not set/],
      [['batch', s.url, '--input', rows, '--rows', '0-3'], /--rows: rows are numbered from 1/],
      [['batch', s.url, '--input', rows, '-c', '0'], /-c\/--concurrency/],
      [['batch', s.url, '--input', join(dir, 'missing.ndjson')], /--input: cannot read/],
      [['batch', s.url, '--input', rows, '--batch-wrap', 'items'], /--batch-wrap needs --batch-size/],
      [['batch', s.url, '--input', rows, '--only-failed', dir], /--only-failed: cannot read ".*": is a directory/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
    }
    expect(s.received).toHaveLength(0);
  });
});

describe('apitest batch: groups, selection, dry runs', () => {
  test('--batch-size 3 --batch-wrap items: 7 rows in 3 requests; one result line per row', async () => {
    const s = await server();
    const input = await file('seven.ndjson', ndjson(7));
    const r = await runCli(['batch', `${s.url}/bulk`, '--input', input, '--batch-size', '3', '--batch-wrap', 'items', '-c', '1']);
    expect(r.code).toBe(0);
    expect(s.received.map((q) => JSON.parse(q.body).items.map((x: { id: number }) => x.id))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const results = lines(r.stdout);
    expect(results).toHaveLength(7);
    expect(results.map((x) => x.request)).toEqual([1, 1, 1, 2, 2, 2, 3].map((n, i) => ({ number: n, rows: i === 6 ? 1 : 3 })));
    expect(new Set(s.received.map((q) => q.headers['idempotency-key'])).size).toBe(3);
  });

  test('--rows picks rows by number; --only-failed re-sends exactly the rows that failed', async () => {
    const s = await server((q) => (q.url.endsWith('/3') || q.url.endsWith('/5') ? { status: 500 } : {}));
    const input = await file('ten.ndjson', ndjson(10));
    const picked = await runCli(['batch', s.url, '--input', input, '--url-template', '/r/{{ id }}', '--rows', '2-3,5,9-'], {});
    expect(picked.code).toBe(1);
    expect(s.received.map((q) => q.url).sort()).toEqual(['/r/10', '/r/2', '/r/3', '/r/5', '/r/9']);
    const results = join(dir, 'picked.ndjson');
    await writeFile(results, picked.stdout);
    s.received.length = 0;
    const retried = await runCli(['batch', s.url, '--input', input, '--url-template', '/r/{{ id }}', '--only-failed', results]);
    expect(s.received.map((q) => q.url).sort()).toEqual(['/r/3', '/r/5']);
    expect(retried.code).toBe(1);
  });

  test('--only-failed a file with no line end (/dev/zero): one line, exit 2, nothing sent (it grew one line until a RangeError)', async () => {
    const s = await server();
    const input = await file('one.ndjson', ndjson(1));
    const r = await runCli(['batch', s.url, '--input', input, '--only-failed', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['apitest: error: --only-failed: "/dev/zero", line 1: longer than 64 MiB, not a batch result (give the results file of an apitest batch run (--results))']);
    expect(s.received).toHaveLength(0);
  });

  test('--dry-run prints every request and sends nothing; with --print-curl, curl lines with credentials as $VARIABLES', async () => {
    const s = await server();
    const input = await file('two.ndjson', ndjson(2));
    const dry = await runCli(['batch', s.url, '--input', input, '--url-template', '/u/{{ id }}', '--dry-run', '--bearer', 'tok-abcdefghijkl']);
    expect(dry.code).toBe(0);
    const printed = lines(dry.stdout);
    expect(printed.map((p) => [p.rows, p.method, p.url])).toEqual([
      [[1], 'POST', `${s.url}/u/1`],
      [[2], 'POST', `${s.url}/u/2`],
    ]);
    expect(dry.stdout).not.toContain('tok-abcdefghijkl');
    const curl = await runCli(['batch', s.url, '--input', input, '--url-template', '/u/{{ id }}', '--dry-run', '--print-curl', '--bearer', 'tok-abcdefghijkl']);
    expect(curl.stdout.split('\n')[0]).toMatch(/^curl .*\/u\/1 -H 'Idempotency-Key: [0-9a-f-]{36}' .*-H "Authorization: Bearer \$ACCESS_TOKEN" --data-raw '\{"id":1,"name":"user 1"\}'/);
    expect(s.received).toHaveLength(0);
  });
});

describe('apitest batch: rate limits', () => {
  test('a 429 with Retry-After pauses the whole batch, not just the row; it speeds up again after', async () => {
    const s = await server((_q, n) => (n === 5 ? { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"slow down"}' } : { delayMs: 20 }));
    const input = await file('forty.ndjson', ndjson(40));
    const r = await runCli(['batch', `${s.url}/x`, '--input', input, '-c', '4', '--retry', '2', '--retry-delay', '50ms'], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    const limited = s.received[4] as { at: number };
    // Requests already sent may still arrive just after the 429; none starts once they are in, until the second is over.
    const startedDuringPause = s.received.filter((q) => q.at > limited.at + 300 && q.at < limited.at + 900);
    expect(startedDuringPause).toHaveLength(0);
    expect(s.received.length).toBe(41);
    expect(r.stderr).toMatch(/the whole batch waits/);
    expect(r.stderr).toMatch(/server asked to slow down: 1 pause/);
    const retried = lines(r.stdout).filter((x) => x.attempts === 2);
    expect(retried).toHaveLength(1);
  });

  test('--rate is one token bucket for the whole run, whatever -c', async () => {
    const s = await server();
    const input = await file('ten-rate.ndjson', ndjson(10));
    const r = await runCli(['batch', `${s.url}/x`, '--input', input, '-c', '8', '--rate', '20/s']);
    expect(r.code).toBe(0);
    const times = s.received.map((q) => q.at);
    // Without the bucket, -c 8 would send the ten within a few ms; arrival times blur the first ones (new connections).
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(300);
  });
});

describe('apitest batch: results file and journal', () => {
  test('--results writes the file atomically with its journal beside it; a second run needs --resume, which sends nothing more', async () => {
    const s = await server();
    const input = await file('five.ndjson', ndjson(5));
    const results = join(dir, 'out.ndjson');
    const first = await runCli(['batch', `${s.url}/x`, '--input', input, '--results', results]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(lines(await readFile(results, 'utf8'))).toHaveLength(5);
    const journal = (await readFile(`${results}.journal`, 'utf8')).trim().split('\n');
    expect(JSON.parse(journal[0] as string)).toMatchObject({ apitest: 'batch-journal', version: 1 });
    expect(journal).toHaveLength(6);

    const again = await runCli(['batch', `${s.url}/x`, '--input', input, '--results', results]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/journal .* already exists .*--resume/);

    const resumed = await runCli(['batch', `${s.url}/x`, '--input', input, '--results', results, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/5 rows skipped: done already/);
    expect(s.received).toHaveLength(5);
    // The results still hold every row once (copied from the journal).
    expect(lines(await readFile(results, 'utf8')).map((x) => x.index).sort()).toEqual([1, 2, 3, 4, 5]);

    const other = await runCli(['batch', `${s.url}/other`, '--input', input, '--results', results, '--resume']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/written for other requests/);
  });
});

describe('apitest batch: progress and help', () => {
  test('a progress bar on a terminal (stderr a TTY, CI unset), and none with CI set', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/run-cli.js');
    const s = await server(() => ({ delayMs: 5 }));
    const input = await file('progress.ndjson', ndjson(30));
    const onTerminal = (ci: string | undefined): Promise<string> =>
      new Promise((resolve) => {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
        if (ci !== undefined) env.CI = ci;
        const command = `"${process.execPath}" -- "${BIN}" batch ${s.url}/x --input ${input} -c 2 --results ${join(dir, `progress-${ci ?? 'tty'}.ndjson`)}`;
        const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.on('close', () => {
          clearTimeout(timer);
          resolve(out);
        });
        child.stdin.end();
      });
    const tty = await onTerminal(undefined);
    expect(tty).toMatch(/\r\u001b\[2K(\[[█░]+\]  )?\d+(\/30)? rows  \d+\/s/);
    expect(tty).toContain('batch: 30 rows in');
    const ci = await onTerminal('true');
    expect(ci).not.toContain('\u001b[2K');
    expect(ci).toContain('batch: 30 rows in');
  });

  test('apitest batch --help shows the options and examples; apitest --help lists the command', async () => {
    const help = await runCli(['batch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--url-template <template>/);
    expect(help.stdout).toMatch(/-c, --concurrency <n>/);
    expect(help.stdout).toMatch(/--resume/);
    expect(help.stdout).toMatch(/Examples:\n\s+\$ apitest batch/);
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/batch \[options\] \[url\]\s+send one request per row/);
  });
});

describe('apitest batch: expectations and response bodies', () => {
  test('--expect fails a row whose response does not match (exit 1); --results-body puts each response in its line', async () => {
    const s = await server((q) => ({ body: JSON.stringify({ id: JSON.parse(q.body).id, ok: JSON.parse(q.body).id !== 2 }) }));
    const input = await file('expect.ndjson', ndjson(3));
    const r = await runCli(['batch', `${s.url}/x`, '--input', input, '--expect-status', '201', '--expect', '$.ok == true', '--results-body', '-c', '1']);
    expect(r.code).toBe(1);
    const results = lines(r.stdout);
    expect(results.map((x) => [x.index, x.ok, x.error?.kind ?? null])).toEqual([
      [1, true, null],
      [2, false, 'expectation'],
      [3, true, null],
    ]);
    expect(results[0].response).toMatchObject({ status: 201, headers: { 'content-type': 'application/json' }, body: { id: 1, ok: true } });
  });
});

describe('apitest batch: cookies and -c', () => {
  test('-b name=value goes with every row; -b FILE is refused (exit 2, nothing sent); -c is the concurrency', async () => {
    const s = await server();
    const input = await file('cookies.ndjson', '{"id":1}\n{"id":2}\n');
    const r = await runCli(['batch', `${s.url}/c`, '--input', input, '-b', 'team=blue; tier=gold', '-c', '2']);
    expect(r.code).toBe(0);
    expect(s.received.map((q) => q.headers.cookie)).toEqual(['team=blue; tier=gold', 'team=blue; tier=gold']);
    const refused = await runCli(['batch', `${s.url}/c`, '--input', input, '-b', 'jar.txt']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('cookie files are for single requests');
    expect(s.received).toHaveLength(2);
  });
});
