/**
 * The HTTP cache through the real binary against the demo API's /cache routes (docs/demo-api.md): one test per
 * RFC 9111 case, each with its own demo server (its own counters) and its own cache directory (under the run's
 * temporary root). The server is asked what it answered (GET /cache/counts) and what it received (its request log).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'apitest-http-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let demo: DemoServer;
let dir: string;
beforeEach(async () => {
  demo = await startTestDemo();
  dir = join(mkdtempSync(join(root, 'case-')), 'http');
});
afterEach(async () => {
  await demo.close();
});

interface CacheInfo {
  status: string;
  age: number | null;
  ttl: number | null;
  storable: boolean;
  reason: string;
}
interface Doc {
  ok: boolean;
  cache?: CacheInfo;
  response: { status: number; headers: Record<string, string>; body: unknown } | null;
  error: { kind: string; code: string; message: string } | null;
}

const get = async (path: string, more: string[] = [], env: Record<string, string> = {}): Promise<CliResult & { doc: Doc }> => {
  const result = await runCli([`${demo.url}${path}`, '--cache', dir, '--json', ...more], { env });
  return { ...result, doc: JSON.parse(result.stdout) as Doc };
};
const counts = async (): Promise<Record<string, { full: number; notModified: number }>> => (await (await fetch(`${demo.url}/cache/counts`)).json()) as never;
const received = (path: string): Array<Record<string, string | string[]>> => demo.requests().filter((r) => r.path === path).map((r) => r.headers);
const files = (): string[] => readdirSync(dir);

describe('--cache (RFC 9111, private)', () => {
  test('fresh: max-age=60 is stored, the second run is a HIT and sends nothing', async () => {
    const first = await get('/cache/max-age/60');
    expect(first.code).toBe(0);
    expect(first.doc.cache).toMatchObject({ status: 'MISS', storable: true, ttl: 60 });
    expect(first.doc.cache?.reason).toContain('max-age=60');
    const second = await get('/cache/max-age/60');
    expect(second.code).toBe(0);
    expect(second.doc.cache).toMatchObject({ status: 'HIT', storable: true });
    expect(second.doc.cache?.ttl).toBeGreaterThan(55);
    expect(second.doc.response?.body).toEqual(first.doc.response?.body);
    expect(await counts()).toEqual({ 'max-age': { full: 1, notModified: 0 } });
    // The file and its directory are private.
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of files()) {
      expect(f).toMatch(/^[0-9a-f]{64}\.json$/);
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
  });

  test('stale: revalidated with If-None-Match; the 304 keeps the stored body and its headers are merged', async () => {
    const first = await get('/cache/etag');
    expect(first.doc.cache).toMatchObject({ status: 'MISS', storable: true, ttl: 0 });
    const second = await get('/cache/etag');
    expect(second.code).toBe(0);
    expect(second.doc.cache).toMatchObject({ status: 'REVALIDATED', storable: true });
    expect(second.doc.response?.status).toBe(200);
    expect(second.doc.response?.body).toEqual({ route: 'etag', served: 1, version: 'demo-v1' });
    // Stored headers kept (x-demo-served of the 200), the 304's own added (x-demo-validated).
    expect(second.doc.response?.headers['x-demo-served']).toBe('1');
    expect(second.doc.response?.headers['x-demo-validated']).toBe('1');
    expect(second.doc.response?.headers.etag).toBe('"demo-v1"');
    expect(received('/cache/etag').map((h) => h['if-none-match'])).toEqual([undefined, '"demo-v1"']);
    expect(await counts()).toEqual({ etag: { full: 1, notModified: 1 } });
  });

  test('Last-Modified: revalidated with If-Modified-Since (no-cache: every use)', async () => {
    await get('/cache/last-modified');
    const second = await get('/cache/last-modified');
    expect(second.doc.cache?.status).toBe('REVALIDATED');
    expect(received('/cache/last-modified').map((h) => h['if-modified-since'])).toEqual([undefined, 'Mon, 01 Jan 2024 00:00:00 GMT']);
  });

  test('Vary: another Accept-Language is a MISS, the same one a HIT', async () => {
    const fr = await get('/cache/vary', ['-H', 'Accept-Language: fr']);
    expect(fr.doc.cache?.status).toBe('MISS');
    const en = await get('/cache/vary', ['-H', 'Accept-Language: en']);
    expect(en.doc.cache?.status).toBe('MISS');
    expect(en.doc.response?.body).toMatchObject({ greeting: 'hello' });
    const frAgain = await get('/cache/vary', ['-H', 'Accept-Language: fr']);
    expect(frAgain.doc.cache?.status).toBe('HIT');
    expect(frAgain.doc.response?.body).toMatchObject({ greeting: 'bonjour' });
    expect(await counts()).toEqual({ vary: { full: 2, notModified: 0 } });
    // One file for the URL, holding both variants.
    expect(files()).toHaveLength(1);
  });

  test('no-store is never written', async () => {
    const first = await get('/cache/no-store');
    expect(first.doc.cache).toMatchObject({ status: 'MISS', storable: false, ttl: null });
    expect(first.doc.cache?.reason).toContain('no-store');
    const second = await get('/cache/no-store');
    expect(second.doc.cache?.status).toBe('MISS');
    expect(files()).toEqual([]);
    expect(await counts()).toEqual({ 'no-store': { full: 2, notModified: 0 } });
  });

  test('private: stored for a request without credentials, not for one with Authorization', async () => {
    const withToken = await get('/cache/private', ['--bearer', 'tok-private-1234']);
    expect(withToken.doc.cache).toMatchObject({ status: 'MISS', storable: false });
    expect(withToken.doc.cache?.reason).toMatch(/credentials \(Authorization\).*public, s-maxage or must-revalidate/);
    expect((await get('/cache/private', ['--bearer', 'tok-private-1234'])).doc.cache?.status).toBe('MISS');
    expect(files()).toEqual([]);
    // Without credentials a private cache keeps it.
    expect((await get('/cache/private')).doc.cache?.status).toBe('MISS');
    expect((await get('/cache/private')).doc.cache?.status).toBe('HIT');
    // ... and never serves it to a request with credentials (they are part of the key).
    expect((await get('/cache/private', ['--bearer', 'tok-private-1234'])).doc.cache?.status).toBe('MISS');
  });

  test('must-revalidate: stored for a request with credentials; a stale one is not served --offline (exit 3), another stale one is', async () => {
    const first = await get('/cache/must-revalidate', ['--bearer', 'tok-mr-5678']);
    expect(first.doc.cache).toMatchObject({ status: 'MISS', storable: true });
    expect((await get('/cache/must-revalidate', ['--bearer', 'tok-mr-5678'])).doc.cache?.status).toBe('REVALIDATED');
    const offline = await runCli([`${demo.url}/cache/must-revalidate`, '--bearer', 'tok-mr-5678', '--offline', '--cache', dir]);
    expect(offline.code).toBe(3);
    expect(offline.stderr.trim().split('\n')).toHaveLength(1);
    expect(offline.stderr).toMatch(/--offline: the cached GET .*must-revalidate cannot be used: it is stale and says it must be revalidated/);
    // A stale response without must-revalidate may be served offline (STALE).
    await get('/cache/etag');
    const stale = await get('/cache/etag', ['--offline']);
    expect(stale.code).toBe(0);
    expect(stale.doc.cache?.status).toBe('STALE');
    expect(received('/cache/etag')).toHaveLength(1);
  });

  test('--offline: a miss is exit 3 with one stderr line, and nothing is sent', async () => {
    const result = await runCli([`${demo.url}/cache/max-age/60`, '--offline', '--cache', dir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`apitest: error: --offline: GET ${demo.url}/cache/max-age/60 is not in the cache (run it once with --cache, without --offline, to store it)\n`);
    expect(received('/cache/max-age/60')).toEqual([]);
    await get('/cache/max-age/60');
    const hit = await get('/cache/max-age/60', ['--offline']);
    expect(hit.code).toBe(0);
    expect(hit.doc.cache?.status).toBe('HIT');
  });

  test('--cache-ttl: forces the freshness lifetime (max-age=0 held for 60 s)', async () => {
    const first = await get('/cache/max-age/0', ['--cache-ttl', '60']);
    expect(first.doc.cache).toMatchObject({ status: 'MISS', ttl: 60 });
    expect(first.doc.cache?.reason).toContain('--cache-ttl 60s');
    const second = await get('/cache/max-age/0', ['--cache-ttl', '1m']);
    expect(second.doc.cache?.status).toBe('HIT');
    // Without it the stored response is stale (and has no validator): fetched again.
    expect((await get('/cache/max-age/0')).doc.cache?.status).toBe('MISS');
    expect(await counts()).toEqual({ 'max-age': { full: 2, notModified: 0 } });
  });

  test('--no-cache: sends Cache-Control: no-cache and revalidates a fresh stored response', async () => {
    await get('/cache/etag', [], {});
    const fresh = await runCli([`${demo.url}/cache/etag?max-age=600`, '--cache', dir, '--json']);
    expect((JSON.parse(fresh.stdout) as Doc).cache?.status).toBe('MISS');
    const revalidated = await get('/cache/etag?max-age=600', ['--no-cache']);
    expect(revalidated.doc.cache?.status).toBe('REVALIDATED');
    const headers = received('/cache/etag').at(-1) ?? {};
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers['if-none-match']).toBe('"demo-v1"');
    // Without --cache, --no-cache only sends the header.
    const plain = await runCli([`${demo.url}/cache/max-age/60`, '--no-cache', '--json']);
    expect(plain.code).toBe(0);
    expect((JSON.parse(plain.stdout) as Doc).cache).toBeUndefined();
    expect(received('/cache/max-age/60').at(-1)?.['cache-control']).toBe('no-cache');
  });

  test('the stored body is decoded: a gzip response, then a 304 that says Content-Encoding: gzip', async () => {
    const first = await get('/cache/gzip');
    expect(first.doc.response?.body).toEqual({ route: 'gzip', served: 1, text: 'decoded once, stored decoded', items: [1, 2, 3] });
    const [file] = files();
    const stored = JSON.parse(readFileSync(join(dir, file ?? ''), 'utf8')) as { variants: Array<{ body: string; decodedFrom: string[]; policy: { resh: Record<string, string> } }> };
    const variant = stored.variants[0];
    expect(JSON.parse(Buffer.from(variant?.body ?? '', 'base64').toString('utf8'))).toEqual(first.doc.response?.body);
    expect(() => gunzipSync(Buffer.from(variant?.body ?? '', 'base64'))).toThrow();
    expect(variant?.decodedFrom).toEqual(['gzip']);
    expect(variant?.policy.resh['content-encoding']).toBeUndefined();
    const second = await get('/cache/gzip');
    expect(second.code).toBe(0);
    expect(second.doc.cache?.status).toBe('REVALIDATED');
    expect(second.doc.response?.body).toEqual(first.doc.response?.body);
    expect(second.doc.response?.headers['content-encoding']).toBeUndefined();
  });

  test('credentials never appear in cache file names or contents', async () => {
    const secrets = { bearer: 'bearer-SECRET-abc123', key: 'apikey-SECRET-def456', password: 'pw-SECRET-ghi789' };
    await get('/cache/must-revalidate', ['--bearer', secrets.bearer]);
    await get('/cache/must-revalidate', ['-u', `ann:${secrets.password}`]);
    await get('/cache/must-revalidate', ['--api-key', secrets.key]);
    await get('/cache/must-revalidate', ['--api-key', secrets.key, '--api-key-query', 'api_key']);
    await get('/cache/must-revalidate', ['-H', `Cookie: session=${secrets.key}`]);
    expect(files()).toHaveLength(5);
    const basic = Buffer.from(`ann:${secrets.password}`).toString('base64');
    for (const name of files()) {
      const text = readFileSync(join(dir, name), 'utf8');
      for (const secret of [...Object.values(secrets), basic]) {
        expect(name).not.toContain(secret);
        expect(text).not.toContain(secret);
      }
    }
  });

  test('cache ls lists what is stored; cache clear removes it', async () => {
    await get('/cache/max-age/60');
    const ls = await runCli(['cache', 'ls', '--dir', dir, '--json']);
    expect(ls.code).toBe(0);
    const listed = JSON.parse(ls.stdout) as { entries: Array<{ method: string; url: string; status: number; ttl: number }> };
    expect(listed.entries).toEqual([expect.objectContaining({ method: 'GET', url: `${demo.url}/cache/max-age/60`, status: 200 })]);
    const clear = await runCli(['cache', 'clear', '--dir', dir]);
    expect(clear.code).toBe(0);
    expect(clear.stdout).toBe(`removed 1 cached response from ${dir}\n`);
    expect(files()).toEqual([]);
    // --cache DIR names the directory as a request does (the same as --dir); two different ones are a usage error.
    await get('/cache/max-age/60');
    const byCache = await runCli(['cache', 'ls', '--cache', dir, '--json']);
    expect(JSON.parse(byCache.stdout).entries).toHaveLength(1);
    const both = await runCli(['cache', 'clear', '--dir', dir, '--cache', `${dir}-other`]);
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 2, stderr: 'apitest: error: --dir and --cache name two cache directories (give one of them)\n' });
    expect((await runCli(['cache', 'clear', '--cache', dir])).code).toBe(0);
    expect(files()).toEqual([]);
  });

  test('cache explain: storable or why not, lifetime and source, validators, Vary, advice; stores nothing', async () => {
    const etag = await runCli(['cache', 'explain', `${demo.url}/cache/etag`, '--json']);
    expect(etag.code).toBe(0);
    expect(JSON.parse(etag.stdout)).toMatchObject({ storable: true, lifetime: { seconds: 0, source: 'max-age' }, validators: { etag: '"demo-v1"', lastModified: null }, vary: [], advice: [] });
    const privateWithToken = await runCli(['cache', 'explain', `${demo.url}/cache/private`, '--bearer', 'tok-explain-1', '--json']);
    const doc = JSON.parse(privateWithToken.stdout) as { storable: boolean; reason: string; advice: string[]; shared: string };
    expect(doc.storable).toBe(false);
    expect(doc.reason).toContain('credentials');
    expect(doc.advice.join('\n')).toContain('must-revalidate');
    expect(doc.shared).toContain('private');
    const vary = await runCli(['cache', 'explain', `${demo.url}/cache/vary`]);
    expect(vary.stdout).toContain('vary: accept-language');
    expect(vary.stdout).toContain('freshness: 60s — max-age=60 [max-age]');
    const heuristic = await runCli(['cache', 'explain', `${demo.url}/cache/heuristic`, '--json']);
    expect(JSON.parse(heuristic.stdout)).toMatchObject({ storable: true, lifetime: { source: 'heuristic' } });
    // An OAuth2 request gets its token first (the credentials are named in the verdict).
    const oauth2 = await runCli(
      ['cache', 'explain', `${demo.url}/oauth/me`, '--oauth2-token-url', `${demo.url}/oauth/token`, '--oauth2-client-id', 'demo-client', '--oauth2-client-secret', '--json'],
      { env: { OAUTH2_CLIENT_SECRET: 'demo-secret', XDG_CACHE_HOME: join(dir, '..', 'xdg') } },
    );
    expect(oauth2.code).toBe(0);
    expect(JSON.parse(oauth2.stdout)).toMatchObject({ storable: false, reason: expect.stringContaining('credentials (OAuth2)') });
  });

  test('bad combinations are usage errors (exit 2) and nothing is sent', async () => {
    const cases: string[][] = [
      ['--cache-ttl', '60'],
      ['--cache', dir, '--cache-ttl', 'soon'],
      ['--offline', '--no-cache'],
      ['-X', 'POST', '--offline'],
    ];
    for (const args of cases) {
      const result = await runCli([`${demo.url}/cache/max-age/60`, ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(received('/cache/max-age/60')).toEqual([]);
  });

  test('expectations: cache == "HIT"', async () => {
    await get('/cache/max-age/60');
    const hit = await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir, '--expect', 'cache == "HIT"']);
    expect(hit.code).toBe(0);
    const miss = await runCli([`${demo.url}/cache/no-store`, '--cache', dir, '--expect', 'cache == "HIT"']);
    expect(miss.code).toBe(1);
    const noCache = await runCli([`${demo.url}/cache/max-age/60`, '--expect', 'cache == "HIT"']);
    expect(noCache.code).toBe(1);
    expect(noCache.stdout + noCache.stderr).toContain('the HTTP cache was not used');
  });

  test('the table says what the cache did', async () => {
    await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir]);
    const table = await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir]);
    expect(table.stdout).toMatch(/^cache: HIT \(age \d+s, ttl \d+s, storable\) — fresh for \d+s more \(max-age=60\)$/m);
    const verbose = await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir, '-v']);
    expect(verbose.stderr).toBe('apitest: answered from the HTTP cache (HIT): nothing was sent\n');
  });

  test('-o: a HIT writes the stored body to the file', async () => {
    const out = join(dir, '..', 'body.json');
    await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir, '-o', out]);
    rmSync(out);
    const hit = await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir, '-o', out, '--json']);
    expect(hit.code).toBe(0);
    expect((JSON.parse(hit.stdout) as Doc).cache?.status).toBe('HIT');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ route: 'max-age', served: 1 });
    // A destination that refuses the body is exit 3 (kind write), as without the cache.
    const full = await runCli([`${demo.url}/cache/max-age/60`, '--cache', dir, '-o', '/dev/full']);
    expect(full.code).toBe(3);
    expect(full.stderr).toContain('no space left on device (ENOSPC)');
  });

  test('--paginate: every page goes through the cache; a second walk is all HITs', async () => {
    const walk = async (): Promise<{ pages: Array<{ cache?: string }>; items: unknown[]; cache?: CacheInfo }> =>
      JSON.parse((await runCli([`${demo.url}/pages/link`, '--paginate', '--cache', dir, '--cache-ttl', '60', '--json'])).stdout) as never;
    const first = await walk();
    expect(first.pages.map((p) => p.cache)).toEqual(['MISS', 'MISS', 'MISS']);
    const second = await walk();
    expect(second.pages.map((p) => p.cache)).toEqual(['HIT', 'HIT', 'HIT']);
    expect(second.items).toEqual(first.items);
    expect(second.cache?.status).toBe('HIT');
    expect(demo.requests().filter((r) => r.path === '/pages/link')).toHaveLength(3);
  });
});

describe('suites: defaults.cache and expect.cache', () => {
  test('a step answered from the cache, per-step cache status in the reports, expect.cache checked', async () => {
    const xdg = join(dir, '..', 'xdg');
    const suite = join(dir, '..', 'cache.yaml');
    writeFileSync(
      suite,
      [
        'name: cache',
        'baseUrl: "{{ env.BASE_URL }}"',
        'defaults:',
        '  cache: true',
        'steps:',
        '  - name: first',
        '    url: /cache/max-age/120',
        '    expect:',
        '      cache: { status: MISS, storable: true, minTtl: 60s }',
        '  - name: second',
        '    url: /cache/max-age/120',
        '    expect:',
        '      cache: HIT',
        '  - name: without cache',
        '    url: /cache/max-age/120',
        '    cache: false',
        '  - name: too short',
        '    url: /cache/max-age/30',
        '    expect:',
        '      cache: { minTtl: 1m }',
        '',
      ].join('\n'),
    );
    const env = { BASE_URL: demo.url, XDG_CACHE_HOME: xdg };
    const result = await runCli(['run', suite, '--reporter', 'json'], { env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { files: Array<{ steps: Array<{ name: string; ok: boolean; cache?: CacheInfo; expectations: Array<{ expression: string; ok: boolean }> }> }> };
    const steps = report.files[0]?.steps ?? [];
    expect(steps.map((s) => [s.name, s.ok, s.cache?.status])).toEqual([
      ['first', true, 'MISS'],
      ['second', true, 'HIT'],
      ['without cache', true, undefined],
      ['too short', false, 'MISS'],
    ]);
    expect(steps[3]?.expectations.find((e) => !e.ok)?.expression).toBe('cache ttl >= 60');
    expect(readdirSync(join(xdg, 'apitest', 'http'))).toHaveLength(2);
    const table = await runCli(['run', suite], { env });
    expect(table.stdout).toMatch(/second .* cache: HIT/);
  });
});
