import { describe, expect, test } from '@jest/globals';
import { renderTableReport, simpleTable, statusColor } from '../../src/render/table-report.js';
import { createTheme } from '../../src/render/theme.js';
import type { SingleRequestDocument } from '../../src/model/request-document.js';

const plain = createTheme(0);
const view = { maxLines: null, columns: null, placeholderTimings: false };

function doc(over: Partial<SingleRequestDocument> = {}): SingleRequestDocument {
  return {
    schemaVersion: 1,
    ok: true,
    request: { method: 'GET', url: 'http://api.test/users/1', headers: {} },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: '1.1',
      headers: { 'content-type': 'application/json', 'set-cookie': ['a=****', 'b=****'] },
      body: { id: 1, tags: ['x'] },
      size: 22,
    },
    timings: { wait: 0.5, dns: 1.25, tcp: 0.5, tls: null, send: 0.25, firstByte: 12, download: 0.25, total: 14.75 },
    rateLimit: null,
    redirects: [],
    attempts: [{ status: 200, error: null, delayMs: 0 }],
    error: null,
    ...over,
  };
}

describe('renderTableReport', () => {
  test('request line, status line, headers (one row per value), timings, pretty body — in that order', () => {
    const out = renderTableReport(doc(), view, plain);
    const order = ['GET http://api.test/users/1', 'HTTP/1.1 200 OK', 'Response headers', 'Timings', 'Body'].map((s) => out.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toMatch(/│ set-cookie +│ a=\*\*\*\* +│\n│ set-cookie +│ b=\*\*\*\* +│/);
    expect(out).toMatch(/│ 0\.5 ms +│ 1\.25 ms +│ 0\.5 ms +│ - +│ 0\.25 ms +│ 12 ms +│ 0\.25 ms +│ 14\.8 ms +│/);
    expect(out).toContain('Body\n{\n  "id": 1,\n  "tags": [\n    "x"\n  ]\n}\n');
    expect(out).not.toContain('Rate limit');
    expect(out).not.toContain('Redirects');
    expect(out).not.toContain('Attempts');
    expect(out).not.toMatch(/\u001b\[/);
  });

  test('placeholder timings (golden files): ~ for each measured phase, - for the missing ones', () => {
    const out = renderTableReport(doc(), { ...view, placeholderTimings: true }, plain);
    expect(out).toMatch(/│ ~ +│ ~ +│ ~ +│ - +│ ~ +│ ~ +│ ~ +│ ~ +│/);
  });

  test('a rate-limit table when the document has rate-limit data', () => {
    const out = renderTableReport(
      doc({ rateLimit: { limit: 60, remaining: 0, resetSeconds: 30, resetAt: '2030-01-01T00:00:30.000Z', retryAfterSeconds: null, source: 'x-ratelimit' } }),
      view,
      plain,
    );
    expect(out).toMatch(/Rate limit\n/);
    expect(out).toMatch(/│ 60 +│ 0 +│ 30s +│ 2030-01-01T00:00:30\.000Z │ - +│ x-ratelimit │/);
  });

  test('redirects and attempts tables when there were any', () => {
    const out = renderTableReport(
      doc({
        redirects: [{ status: 301, url: 'http://api.test/v2' }],
        attempts: [
          { status: null, error: { kind: 'connection', code: 'ECONNRESET' }, delayMs: 0 },
          { status: 200, error: null, delayMs: 120 },
        ],
      }),
      view,
      plain,
    );
    expect(out).toMatch(/Redirects\n[\s\S]*│ 301 +│ http:\/\/api\.test\/v2 │/);
    expect(out).toMatch(/Attempts\n[\s\S]*│ 1 +│ ECONNRESET │ 0 ms +│\n│ 2 +│ 200 +│ 120 ms │/);
  });

  test('a failure: no response sections, and no error text (the one error line goes to stderr)', () => {
    const out = renderTableReport(doc({ ok: false, response: null, error: { kind: 'timeout', code: 'ETIMEDOUT', message: 'timed out after 300 ms waiting for api.test' } }), view, plain);
    expect(out).not.toContain('Response headers');
    expect(out).not.toContain('Body');
    expect(out).not.toContain('timed out');
  });

  test('bodies: text as is, binary described, empty, written to a file, cut on a TTY', () => {
    const base = doc().response!;
    const render = (response: Partial<typeof base>, maxLines: number | null = null) => renderTableReport(doc({ response: { ...base, ...response } }), { ...view, maxLines }, plain);
    expect(render({ headers: { 'content-type': 'text/plain' }, body: 'plain text' })).toContain('Body\nplain text\n');
    expect(render({ headers: {}, body: 'AAEC', bodyEncoding: 'base64' })).toContain('[binary body: 3 bytes; save it with -o FILE, or see it as base64 with --json]');
    expect(render({ body: null })).toContain('Body\n[empty body]');
    expect(render({ body: null, bodyFile: 'out.bin', size: 10 })).toContain('[body written to out.bin: 10 bytes]');
    const long = render({ headers: { 'content-type': 'text/plain' }, body: Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n') }, 3);
    expect(long).toContain('line 2\n… body cut at 3 of 10 lines; see all with --format body, or save it with -o FILE');
    expect(long).not.toContain('line 3');
  });

  test('colours: status by class, JSON keys coloured, when the theme has a level', () => {
    const out = renderTableReport(doc(), view, createTheme(1));
    expect(out).toMatch(/\u001b\[32m/);
    expect(statusColor(503, createTheme(1))('x')).toBe('\u001b[31mx\u001b[39m');
    expect(statusColor(404, createTheme(1))('x')).toBe('\u001b[33mx\u001b[39m');
    expect(statusColor(302, createTheme(1))('x')).toBe('\u001b[36mx\u001b[39m');
  });
});

describe('simpleTable', () => {
  test('wraps the value column to the terminal width on a TTY', () => {
    const out = simpleTable(['Header', 'Value'], [['x-long', 'a'.repeat(120)]], plain, 60);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
  test('no wrapping when piped (columns null)', () => {
    const out = simpleTable(['Header', 'Value'], [['x-long', 'a'.repeat(120)]], plain, null);
    expect(out).toContain('a'.repeat(120));
  });
});

test('the header-name column is as wide as the longest name (up to the terminal width)', () => {
  const name = 'x-a-rather-long-header-name-of-forty-chars';
  const out = simpleTable(['Header', 'Value'], [[name, 'v'], ['a', 'b']], createTheme(0), 120);
  expect(out).toContain(`│ ${name} │`);
  const narrow = simpleTable(['Header', 'Value'], [[name, 'v']], createTheme(0), 40);
  expect(narrow.split('\n')[0]?.length).toBeLessThanOrEqual(40);
});
