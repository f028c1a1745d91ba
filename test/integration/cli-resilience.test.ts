import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../helpers/run-cli.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let demo: DemoServer;
let failing: Server;
let failingUrl: string;

beforeAll(async () => {
  demo = await startTestDemo();
  // A two-page collection whose second page fails: page 1 links to a 503 on the demo API.
  failing = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('link', `<${demo.url}/status/503>; rel="next"`);
    res.end(JSON.stringify([{ id: 1 }, { id: 2 }]));
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/items`;
});
afterAll(async () => {
  await demo.close();
  failing.closeAllConnections();
  await new Promise((resolve) => failing.close(resolve));
});

const hits = (path: string, key?: string): number =>
  demo.requests().filter((r) => r.path === path && (key === undefined || r.query.key === key)).length;

describe('retry', () => {
  test('recovers from a flaky endpoint, and reports every attempt', async () => {
    const r = await runCli([`${demo.url}/flaky?fail=2&key=r1`, '--retry', '3', '--retry-delay', '50ms', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 200]);
    expect(doc.attempts[0].delayMs).toBe(0);
    expect(doc.attempts[1].delayMs).toBeGreaterThanOrEqual(0);
    expect(doc.attempts[1].delayMs).toBeLessThanOrEqual(50);
    expect(doc.attempts[2].delayMs).toBeLessThanOrEqual(100);
    expect(hits('/flaky', 'r1')).toBe(3);
    expect(r.stderr).toMatch(/retrying in/);
  });
  test('the exit code is that of the last attempt when retries run out', async () => {
    const r = await runCli([`${demo.url}/flaky?fail=5&key=r2`, '--retry', '1', '--retry-delay', '10ms', '--json']);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout).attempts).toHaveLength(2);
  });
  test('a POST is not retried', async () => {
    const r = await runCli([`${demo.url}/flaky?fail=1&key=r3`, '-X', 'POST', '--retry', '3', '--retry-delay', '10ms', '--json']);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout).attempts).toHaveLength(1);
    expect(hits('/flaky', 'r3')).toBe(1);
  });
  test('a POST with an Idempotency-Key, or with --retry-all-methods, is retried', async () => {
    const a = await runCli([`${demo.url}/flaky?fail=1&key=r4`, '-X', 'POST', '-H', 'Idempotency-Key: k1', '--retry', '2', '--retry-delay', '10ms']);
    expect(a.code).toBe(0);
    const b = await runCli([`${demo.url}/flaky?fail=1&key=r5`, '-X', 'POST', '--retry-all-methods', '--retry', '2', '--retry-delay', '10ms']);
    expect(b.code).toBe(0);
    expect(hits('/flaky', 'r4')).toBe(2);
    expect(hits('/flaky', 'r5')).toBe(2);
  });
  test('connection errors are retried: a refused port is tried 1 + n times', async () => {
    const r = await runCli(['http://127.0.0.1:9/x', '--retry', '2', '--retry-delay', '10ms', '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.attempts).toHaveLength(3);
    expect(doc.attempts[0].error).toEqual({ kind: 'connection', code: 'ECONNREFUSED' });
  });
  test('Retry-After is honoured: the second request comes about 1 s after the first', async () => {
    const r = await runCli([`${demo.url}/throttled?after=1&key=ra1`, '--retry', '2', '--retry-delay', '10ms', '--json']);
    expect(r.code).toBe(0);
    const times = demo.requests().filter((x) => x.path === '/throttled' && x.query.key === 'ra1').map((x) => x.time);
    expect(times).toHaveLength(2);
    const gap = (times[1] ?? 0) - (times[0] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(2500);
    expect(JSON.parse(r.stdout).attempts[1].delayMs).toBe(1000);
  });
  test('a Retry-After longer than --retry-max-delay fails at once with exit 5 and says how long', async () => {
    const started = Date.now();
    const r = await runCli([`${demo.url}/ratelimit/retry-after?seconds=120`, '--retry', '3', '--retry-max-delay', '2s', '--json']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(5);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('RETRY_AFTER_TOO_LONG');
    expect(r.stderr).toMatch(/asks to wait 2 m \(Retry-After\), longer than --retry-max-delay 2 s/);
  });
  test('bad retry flags are usage errors', async () => {
    for (const args of [['--retry', 'x'], ['--retry-on', '700'], ['--retry-delay', 'soon'], ['--rate', '10/day'], ['--burst', '0']]) {
      const r = await runCli([`${demo.url}/users`, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^apitest: error: --/);
    }
  });
});

describe('rate limiting', () => {
  test('--rate 20/s over 41 requests takes at least 1.9 s, evenly spaced', async () => {
    const r = await runCli([`${demo.url}/pages/page?total=40&tag=rate`, '--paginate', 'page', '--page-size', '1', '--rate', '20/s', '--json'], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.items).toHaveLength(40);
    const times = demo.requests().filter((x) => x.path === '/pages/page' && x.query.tag === 'rate').map((x) => x.time);
    expect(times.length).toBeGreaterThanOrEqual(40);
    expect((times[times.length - 1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1900);
    // Arrival times at the server: on a loaded machine one request can arrive late and the next on time (a gap of
    // 5 ms was seen), so single gaps say little. Evenly spaced: any three consecutive requests span at least 50 ms
    // (paced at 50 ms they span 100 ms; a burst would put them within a few ms). The span above checks the rate.
    const spans = times.slice(2).map((t, i) => t - (times[i] ?? 0));
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(50);
  });
  test('server awareness: a response with no requests remaining makes the next one wait; --no-respect-rate-limit does not', async () => {
    const r = await runCli([`${demo.url}/pages/limited?total=6&per_page=2`, '--paginate', 'page', '--json'], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.items).toHaveLength(6);
    expect(doc.rateLimitWaits.length).toBeGreaterThanOrEqual(1);
    expect(doc.rateLimitWaits[0].waitMs).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/rate limit reached: waiting/);
    const off = await runCli([`${demo.url}/pages/limited?total=6&per_page=2`, '--paginate', 'page', '--no-respect-rate-limit', '--json']);
    expect(JSON.parse(off.stdout).rateLimitWaits).toEqual([]);
  });
});

describe('pagination', () => {
  const ids = (doc: { items: Array<{ id: number }> }): number[] => doc.items.map((i) => i.id);
  const all = Array.from({ length: 25 }, (_, i) => i + 1);
  test.each([
    ['link', '/pages/link', 'link', 'last-page'],
    ['link (auto, relative URLs)', '/pages/link-relative', 'auto', 'last-page'],
    ['page', '/pages/page', 'page', 'short-page'],
    ['offset', '/pages/offset', 'offset', 'short-page'],
    ['cursor', '/pages/cursor', 'cursor', 'last-page'],
    ['cursor (auto, under meta)', '/pages/cursor-meta', 'auto', 'last-page'],
    ['cursor (auto, next URL)', '/pages/cursor-url', 'auto', 'last-page'],
    ['page with has_more', '/pages/has-more', 'page', 'has-more-false'],
  ])('%s returns every item exactly once', async (_name, path, style, stop) => {
    const r = await runCli([`${demo.url}${path}`, '--paginate', style, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(ids(doc)).toEqual(all);
    expect(doc.stopReason).toBe(stop);
    expect(doc.pages.length).toBeGreaterThanOrEqual(3);
    expect(doc.pages.reduce((n: number, p: { items: number }) => n + p.items, 0)).toBe(25);
    if (style === 'auto') expect(['link', 'cursor']).toContain(doc.paginationStyle);
  });
  test('--paginate before the URL still takes the URL', async () => {
    const r = await runCli(['--paginate', `${demo.url}/pages/link`, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).items).toHaveLength(25);
  });
  test('--max-items returns exactly n items (the last page cut)', async () => {
    const r = await runCli([`${demo.url}/pages/link`, '--paginate', '--max-items', '13', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(ids(doc)).toEqual(all.slice(0, 13));
    expect(doc.stopReason).toBe('max-items');
  });
  test('--max-pages stops early', async () => {
    const doc = JSON.parse((await runCli([`${demo.url}/pages/cursor`, '--paginate', '--max-pages', '2', '--json'])).stdout);
    expect(doc.pages).toHaveLength(2);
    expect(doc.stopReason).toBe('max-pages');
  });
  test('a loop is detected and reported as a warning', async () => {
    const r = await runCli([`${demo.url}/pages/loop`, '--paginate', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stopReason).toBe('loop');
    expect(r.stderr).toMatch(/warning: pagination loop/);
  });
  test('--ndjson streams one item per line; the summary goes to stderr', async () => {
    const r = await runCli([`${demo.url}/pages/cursor`, '--paginate', '--ndjson']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(all);
    expect(r.stderr).toMatch(/3 pages, 25 items .*style cursor \(detected\); stopped: last-page/);
  });
  test('the table shows one row per page and a summary', async () => {
    const r = await runCli([`${demo.url}/pages/link`, '--paginate', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Pages/);
    expect(r.stdout).toMatch(/Summary: 3 pages, 25 items in .*style link \(detected\); stopped: last-page/);
  });
  test('a page that finally fails ends the run with its exit code, after the items already fetched', async () => {
    const r = await runCli([failingUrl, '--paginate', '--json']);
    expect(r.code).toBe(5);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(doc.stopReason).toBe('error');
    expect(doc.pages.map((p: { status: number }) => p.status)).toEqual([200, 503]);
  });
  test('bad pagination flags are usage errors', async () => {
    for (const args of [['--paginate', 'sideways'], ['--paginate', '--max-pages', '0'], ['--paginate', '--cursor-path', '$['], ['--ndjson']]) {
      const r = await runCli([`${demo.url}/pages/link`, ...args]);
      expect(r.code).toBe(2);
    }
  });
});
