/** Output: the table report, --json (validated against the generated schema), --format body, -o, -v, colours. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const ANSI = /\u001b\[[0-9;]*m/;

describe('table report (default)', () => {
  test('status line, headers table, timings table, pretty JSON body', async () => {
    const result = await runCli([`${demo.url}/users/1`]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^GET ${demo.url}/users/1\\n`));
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(out).toMatch(/Response headers\n┌/);
    expect(out).toMatch(/│ content-type +│ application\/json; charset=utf-8 +│/);
    expect(out).toMatch(/Timings\n┌/);
    for (const phase of ['DNS', 'TCP', 'TLS', 'First byte', 'Download', 'Total']) expect(out).toContain(phase);
    expect(out).toMatch(/│ [\d.]+ ms +│/);
    expect(out).toContain('Body\n{\n  "id": 1,\n  "name": "Ann",');
    expect(out).not.toContain('Rate limit');
    expect(out).not.toMatch(ANSI);
    expect(result.stderr).toBe('');
  });

  test.each([
    ['/ratelimit/x', 'x-ratelimit'],
    ['/ratelimit/ietf', 'ratelimit'],
    ['/ratelimit/structured', 'ratelimit-structured'],
    ['/status/429', 'retry-after'],
  ])('a rate-limit table when %s carries rate-limit headers', async (path, source) => {
    const result = await runCli([`${demo.url}${path}`, '--no-fail']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Rate limit\n┌/);
    expect(result.stdout).toMatch(/Limit +│ Remaining +│ Reset in +│ Reset at +│ Retry-After +│ Source/);
    expect(result.stdout).toContain(source);
  });

  test('a text body is shown as text; a binary body is described, not dumped', async () => {
    const text = await runCli([`${demo.url}/text`]);
    expect(text.stdout).toContain('Body\napitest demo API\n');
    const binary = await runCli([`${demo.url}/bytes/64`]);
    expect(binary.stdout).toContain('[binary body: 64 bytes; save it with -o FILE, or see it as base64 with --json]');
  });
});

describe('--json', () => {
  test('exactly one document on stdout, nothing else; numbers are numbers', async () => {
    const result = await runCli([`${demo.url}/users/1`, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const doc = parseJsonDocument(result.stdout);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      ok: true,
      request: { method: 'GET', url: `${demo.url}/users/1` },
      response: { status: 200, statusText: 'OK', httpVersion: '1.1', body: { id: 1, name: 'Ann' } },
      rateLimit: null,
      redirects: [],
      attempts: [{ status: 200, error: null, delayMs: 0 }],
      error: null,
    });
    expect(doc.response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(typeof doc.response.size).toBe('number');
    for (const phase of ['wait', 'tcp', 'send', 'firstByte', 'download', 'total']) expect(typeof doc.timings[phase]).toBe('number');
    // 127.0.0.1 over http: no DNS lookup, no TLS handshake.
    expect(doc.timings).toMatchObject({ dns: null, tls: null });
    // The phases add up to the total (within 1 ms).
    const phases = ['wait', 'dns', 'tcp', 'tls', 'send', 'firstByte', 'download'].reduce((sum, p) => sum + (doc.timings[p] ?? 0), 0);
    expect(Math.abs(phases - doc.timings.total)).toBeLessThan(1);
    expect(doc.timings.tls).toBeNull();
    expect(Object.keys(doc.response.headers).every((h: string) => h === h.toLowerCase())).toBe(true);
  });

  test('--format json is the same as --json', async () => {
    const result = await runCli([`${demo.url}/users/2`, '--format', 'json']);
    expect(parseJsonDocument(result.stdout).response.body.name).toBe('Bob');
  });

  test('repeated response headers are arrays', async () => {
    const result = await runCli([`${demo.url}/headers?X-Multi=a&X-Multi=b&X-Single=1`, '--json']);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.headers['x-single']).toBe('1');
    expect(doc.response.headers['x-multi']).toEqual(['a', 'b']);
    expect(doc.response.headers['set-cookie']).toBeUndefined();
  });

  test('text bodies are strings; binary bodies are base64 with bodyEncoding', async () => {
    const text = parseJsonDocument((await runCli([`${demo.url}/text`, '--json'])).stdout);
    expect(typeof text.response.body).toBe('string');
    expect(text.response.bodyEncoding).toBeUndefined();
    const bin = parseJsonDocument((await runCli([`${demo.url}/bytes/4`, '--json'])).stdout);
    expect(bin.response.body).toBe(Buffer.from([0, 1, 2, 3]).toString('base64'));
    expect(bin.response.bodyEncoding).toBe('base64');
    expect(bin.response.size).toBe(4);
  });

  test('X-RateLimit-Reset above 10^9 is epoch seconds', async () => {
    const before = Date.now();
    const doc = parseJsonDocument((await runCli([`${demo.url}/ratelimit/x?limit=60&remaining=59&reset=3600`, '--json'])).stdout);
    expect(doc.rateLimit).toMatchObject({ limit: 60, remaining: 59, retryAfterSeconds: null, source: 'x-ratelimit' });
    expect(doc.rateLimit.resetSeconds).toBeGreaterThanOrEqual(3598);
    expect(doc.rateLimit.resetSeconds).toBeLessThanOrEqual(3601);
    const resetAt = Date.parse(doc.rateLimit.resetAt);
    expect(resetAt - before).toBeGreaterThan(3590_000);
    expect(resetAt - before).toBeLessThan(3610_000);
  });

  test('X-RateLimit-Reset below 10^9 is seconds from now', async () => {
    const doc = parseJsonDocument((await runCli([`${demo.url}/ratelimit/x-seconds?reset=10`, '--json'])).stdout);
    expect(doc.rateLimit).toMatchObject({ limit: 5, remaining: 4, resetSeconds: 10, source: 'x-ratelimit' });
  });

  test('RateLimit-* (IETF) headers', async () => {
    const doc = parseJsonDocument((await runCli([`${demo.url}/ratelimit/ietf?limit=7&remaining=3&reset=20`, '--json'])).stdout);
    expect(doc.rateLimit).toMatchObject({ limit: 7, remaining: 3, resetSeconds: 20, source: 'ratelimit' });
  });

  test('Retry-After in seconds, and as an HTTP date', async () => {
    const secs = await runCli([`${demo.url}/ratelimit/retry-after?seconds=7`, '--json']);
    expect(secs.code).toBe(5);
    expect(parseJsonDocument(secs.stdout).rateLimit).toMatchObject({ retryAfterSeconds: 7, source: 'retry-after' });
    const date = await runCli([`${demo.url}/ratelimit/retry-after?seconds=30&date=1`, '--json']);
    const rl = parseJsonDocument(date.stdout).rateLimit;
    expect(rl.source).toBe('retry-after');
    expect(rl.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(rl.retryAfterSeconds).toBeLessThanOrEqual(32);
  });
});

describe('--format body', () => {
  test('prints only the body, as received', async () => {
    const result = await runCli([`${demo.url}/users/1`, '--format', 'body']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 1, name: 'Ann' });
    expect(result.stdout).not.toContain('HTTP/1.1');
  });

  test('binary bodies are written byte for byte', async () => {
    const result = await runCli([`${demo.url}/bytes/300`, '--format', 'body']);
    expect(result.stdoutBytes.length).toBe(300);
    expect(result.stdoutBytes[257]).toBe(1);
  });
});

describe('-o, --output', () => {
  test('streams the body to the file; the report still goes to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-out-'));
    const file = join(dir, 'bytes.bin');
    const result = await runCli([`${demo.url}/bytes/200000`, '-o', file]);
    expect(result.code).toBe(0);
    expect(readFileSync(file).length).toBe(200000);
    expect(result.stdout).toContain('HTTP/1.1 200 OK');
    expect(result.stdout).toContain(`[body written to ${file}: 200000 bytes]`);
    expect(readdirSync(dir)).toEqual(['bytes.bin']);
  });

  test('with --json the document names the file and has body null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-out-'));
    const file = join(dir, 'user.json');
    const doc = parseJsonDocument((await runCli([`${demo.url}/users/1`, '-o', file, '--json'])).stdout);
    expect(doc.response.body).toBeNull();
    expect(doc.response.bodyFile).toBe(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('Ann');
  });

  test.each([
    ['/drop', [], 3],
    ['/hang', ['--timeout', '300ms'], 4],
    ['/bytes/2147483648', ['--timeout', '400ms'], 4],
  ])('no file (and no partial file) when %s fails', async (path, extra, code) => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-out-'));
    const file = join(dir, 'out.bin');
    const result = await runCli([`${demo.url}${path}`, '-o', file, ...extra]);
    expect(result.code).toBe(code);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a failed download leaves an existing file untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-out-'));
    const file = join(dir, 'keep.txt');
    writeFileSync(file, 'old content');
    const result = await runCli([`${demo.url}/drop`, '-o', file]);
    expect(result.code).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });
});

describe('-v, --verbose', () => {
  test('the request and response as on the wire, on stderr; stdout unchanged', async () => {
    const result = await runCli([`${demo.url}/echo?a=1`, '-v', '-d', '{"x":1}', '-H', 'X-Trace: t1', '--json']);
    expect(result.code).toBe(0);
    parseJsonDocument(result.stdout);
    const err = result.stderr;
    expect(err).toContain('> POST /echo?a=1 HTTP/1.1\n');
    expect(err).toContain(`> Host: ${demo.url.replace('http://', '')}\n`);
    expect(err.match(/^> host:/gim)).toHaveLength(1);
    expect(err).toContain('> x-trace: t1\n');
    expect(err).toContain('> content-type: application/json\n');
    expect(err).toContain('>\n{"x":1}\n');
    expect(err).toContain('< HTTP/1.1 200 OK\n');
    expect(err).toMatch(/^< content-type: application\/json; charset=utf-8$/m);
  });

  test('every hop of a redirect is shown', async () => {
    const result = await runCli([`${demo.url}/redirect/2`, '-L', '-v']);
    expect(result.stderr.match(/^> GET /gm)).toHaveLength(3);
    expect(result.stderr.match(/^< HTTP\/1\.1 302 Found/gm)).toHaveLength(2);
  });
});

describe('colours', () => {
  test('off when stdout is not a TTY', async () => {
    const result = await runCli([`${demo.url}/users/1`]);
    expect(result.stdout).not.toMatch(ANSI);
  });

  test('FORCE_COLOR=1 turns them on even when piped', async () => {
    const result = await runCli([`${demo.url}/users/1`], { env: { FORCE_COLOR: '1' } });
    expect(result.stdout).toMatch(ANSI);
  });

  test('NO_COLOR=1 wins over FORCE_COLOR', async () => {
    const result = await runCli([`${demo.url}/users/1`], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(result.stdout).not.toMatch(ANSI);
  });

  test('--no-color wins over FORCE_COLOR', async () => {
    const result = await runCli([`${demo.url}/users/1`, '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(result.stdout).not.toMatch(ANSI);
  });

  test('--json never has colour codes', async () => {
    const result = await runCli([`${demo.url}/users/1`, '--json'], { env: { FORCE_COLOR: '3' } });
    expect(result.stdout).not.toMatch(ANSI);
    parseJsonDocument(result.stdout);
  });
});

describe('TLS warnings', () => {
  test('-k prints a warning on stderr (even for http)', async () => {
    const result = await runCli([`${demo.url}/users/1`, '-k']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('apitest: warning: -k/--insecure: TLS certificates are not verified\n');
  });
});
