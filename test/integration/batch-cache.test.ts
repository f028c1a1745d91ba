/**
 * `apitest batch --cache` through the real binary against the demo API's /cache routes (docs/batch.md, "The
 * request of a row"): each test has its own demo server (its own counters) and its own cache directory. The server
 * is asked what it answered (GET /cache/counts) and what it received (its request log).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';
import { runCli } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'apitest-batch-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let demo: DemoServer;
let work: string;
let dir: string;
beforeEach(async () => {
  demo = await startTestDemo();
  work = mkdtempSync(join(root, 'case-'));
  dir = join(work, 'http');
});
afterEach(async () => {
  await demo.close();
});

const lines = (text: string): any[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l))
    .sort((a, b) => a.index - b.index);
const rows = (ids: number[]): string => {
  const path = join(work, `rows-${ids.join('-')}.ndjson`);
  writeFileSync(path, ids.map((id) => `${JSON.stringify({ id })}\n`).join(''));
  return path;
};
const counts = async (): Promise<Record<string, { full: number; notModified: number }>> => (await (await fetch(`${demo.url}/cache/counts`)).json()) as never;
const received = (prefix: string): Array<Record<string, string | string[]>> => demo.requests().filter((r) => r.path.startsWith(prefix)).map((r) => r.headers);
const batch = (input: string, template: string, more: string[] = []) => runCli(['batch', demo.url, '--input', input, '--url-template', template, '-X', 'GET', ...more]);

describe('apitest batch --cache', () => {
  test('a second run over the same rows is all HIT and sends nothing; each line says what the cache did', async () => {
    const input = rows([1, 2, 3, 4, 5]);
    const first = await batch(input, '/cache/max-age/60?id={{ id }}', ['--cache', dir, '-c', '3']);
    expect(first.code).toBe(0);
    const a = lines(first.stdout);
    expect(a).toHaveLength(5);
    for (const x of a) {
      expect(x).toMatchObject({ ok: true, status: 200, attempts: 1, error: null, cache: { status: 'MISS', storable: true, ttl: 60 } });
      expect(x.cache.reason).toContain('max-age=60');
      expect(Object.keys(x.cache)).toEqual(['status', 'age', 'ttl', 'storable', 'reason']);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(5);

    const second = await batch(input, '/cache/max-age/60?id={{ id }}', ['--cache', dir, '-c', '3']);
    expect(second.code).toBe(0);
    const b = lines(second.stdout);
    expect(b.map((x) => x.cache.status)).toEqual(['HIT', 'HIT', 'HIT', 'HIT', 'HIT']);
    for (const x of b) expect(x).toMatchObject({ ok: true, status: 200, error: null, cache: { storable: true } });
    expect(b.every((x) => x.cache.ttl > 55)).toBe(true);
    expect(second.stderr).toMatch(/batch: 5 rows in .* 5 ok, 0 failed/);
    // The server answered each row once, in the first run.
    expect(await counts()).toEqual({ 'max-age': { full: 5, notModified: 0 } });
    expect(received('/cache/max-age')).toHaveLength(5);
  });

  test('--cache URL: the optional directory does not take the URL (default directory, XDG_CACHE_HOME)', async () => {
    const input = rows([1, 2]);
    const env = { XDG_CACHE_HOME: join(work, 'xdg') };
    const first = await runCli(['batch', '--cache', demo.url, '--input', input, '--url-template', '/cache/max-age/60?id={{ id }}', '-X', 'GET'], { env });
    expect(first.code).toBe(0);
    expect(lines(first.stdout).map((x) => x.cache.status)).toEqual(['MISS', 'MISS']);
    expect(readdirSync(join(work, 'xdg', 'apitest', 'http')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    const second = await runCli(['batch', demo.url, '--input', input, '--url-template', '/cache/max-age/60?id={{ id }}', '-X', 'GET', '--cache'], { env });
    expect(lines(second.stdout).map((x) => x.cache.status)).toEqual(['HIT', 'HIT']);
  });

  test('--offline answers from the cache only: a row not stored fails (connection, ECACHEMISS; exit 1); nothing is sent', async () => {
    const stored = await batch(rows([1, 2]), '/cache/max-age/60?id={{ id }}', ['--cache', dir]);
    expect(stored.code).toBe(0);
    const before = demo.requests().length;
    const r = await batch(rows([1, 2, 3]), '/cache/max-age/60?id={{ id }}', ['--cache', dir, '--offline', '--results', join(work, 'out.ndjson')]);
    expect(r.code).toBe(1);
    const [one, two, three] = lines(readFileSync(join(work, 'out.ndjson'), 'utf8'));
    expect(one).toMatchObject({ ok: true, status: 200, cache: { status: 'HIT' } });
    expect(two).toMatchObject({ ok: true, status: 200, cache: { status: 'HIT' } });
    expect(three).toMatchObject({ ok: false, status: null, error: { kind: 'connection', code: 'ECACHEMISS' }, cache: { status: 'MISS', storable: false } });
    expect(three.error.message).toContain('is not in the cache');
    expect(r.stderr).toContain('1 of 3 rows failed');
    expect(demo.requests().length).toBe(before);
    // --offline alone (no --cache) uses the default directory: nothing there, every row fails.
    const empty = await runCli(['batch', demo.url, '--input', rows([1]), '--url-template', '/cache/max-age/60?id={{ id }}', '-X', 'GET', '--offline'], { env: { XDG_CACHE_HOME: join(work, 'none') } });
    expect(empty.code).toBe(1);
    expect(lines(empty.stdout)[0]).toMatchObject({ ok: false, error: { code: 'ECACHEMISS' } });
  });

  test('stale rows are revalidated (304: REVALIDATED, the stored body); --no-cache revalidates fresh ones; --cache-ttl makes them HIT', async () => {
    const input = rows([1, 2, 3]);
    const first = await batch(input, '/cache/etag?id={{ id }}', ['--cache', dir, '--results-body']);
    expect(lines(first.stdout).map((x) => x.cache)).toEqual(Array(3).fill({ status: 'MISS', age: 0, ttl: 0, storable: true, reason: expect.any(String) }));
    const second = await batch(input, '/cache/etag?id={{ id }}', ['--cache', dir, '--results-body']);
    const b = lines(second.stdout);
    expect(b.map((x) => x.cache.status)).toEqual(['REVALIDATED', 'REVALIDATED', 'REVALIDATED']);
    expect(b.map((x) => x.response.body.version)).toEqual(['demo-v1', 'demo-v1', 'demo-v1']);
    expect(received('/cache/etag').filter((h) => h['if-none-match'] === '"demo-v1"')).toHaveLength(3);
    expect(await counts()).toEqual({ etag: { full: 3, notModified: 3 } });

    // max-age=60 rows are fresh: --no-cache sends them again with Cache-Control: no-cache (no validator: a full 200).
    const fresh = rows([7, 8]);
    await batch(fresh, '/cache/max-age/60?id={{ id }}', ['--cache', dir]);
    const again = await batch(fresh, '/cache/max-age/60?id={{ id }}', ['--cache', dir, '--no-cache']);
    expect(again.code).toBe(0);
    expect(lines(again.stdout).map((x) => x.cache.status)).toEqual(['MISS', 'MISS']);
    expect(received('/cache/max-age').filter((h) => h['cache-control'] === 'no-cache')).toHaveLength(2);

    // --cache-ttl 60: the etag rows (max-age=0) are fresh for a minute: HIT, nothing sent.
    const sent = demo.requests().length;
    const ttl = await batch(input, '/cache/etag?id={{ id }}', ['--cache', dir, '--cache-ttl', '60']);
    expect(lines(ttl.stdout).map((x) => x.cache.status)).toEqual(['HIT', 'HIT', 'HIT']);
    expect(demo.requests().length).toBe(sent);
  });

  test('POST rows are BYPASS (sent, not stored); without --cache no line has a cache field; --no-cache alone sends Cache-Control: no-cache', async () => {
    const input = rows([1, 2]);
    const users = join(work, 'users.ndjson');
    writeFileSync(users, '{"name":"Ann","email":"ann@example.com"}\n{"name":"Bob","email":"bob@example.com"}\n');
    const post = await runCli(['batch', `${demo.url}/users`, '--input', users, '--cache', dir]);
    expect(post.code).toBe(0);
    for (const x of lines(post.stdout)) expect(x).toMatchObject({ ok: true, status: 201, cache: { status: 'BYPASS', storable: false, ttl: null } });
    const plain = await batch(input, '/cache/max-age/60?id={{ id }}');
    expect(plain.code).toBe(0);
    for (const x of lines(plain.stdout)) expect('cache' in x).toBe(false);
    const noCache = await batch(input, '/cache/etag?id={{ id }}', ['--no-cache']);
    expect(noCache.code).toBe(0);
    for (const x of lines(noCache.stdout)) expect('cache' in x).toBe(false);
    expect(received('/cache/etag').map((h) => h['cache-control'])).toEqual(['no-cache', 'no-cache']);
  });

  test('bad cache flags are exit 2 with nothing sent', async () => {
    const input = rows([1]);
    const cases: Array<[string[], RegExp]> = [
      [['batch', `${demo.url}/users`, '--input', input, '--offline'], /--offline answers GET requests only/],
      [['batch', demo.url, '--input', input, '--url-template', '/cache/etag', '-X', 'GET', '--cache-ttl', '60'], /--cache-ttl needs --cache/],
      [['batch', demo.url, '--input', input, '--url-template', '/cache/etag', '-X', 'GET', '--cache', '--cache-ttl', 'soon'], /--cache-ttl: invalid duration/],
      [['batch', demo.url, '--input', input, '--url-template', '/cache/etag', '-X', 'GET', '--offline', '--no-cache'], /--offline and --no-cache cannot be used together/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: { XDG_CACHE_HOME: join(work, 'xdg') } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(demo.requests()).toHaveLength(0);
  });
});

