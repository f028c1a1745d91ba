/**
 * Bodies, streaming, the wire view, hints and warnings, through the real binary against the demo API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { BIN, parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();

/**
 * A server on 127.0.0.1 whose n-th request gets `faults[n]`, and every later one a whole 100-byte body of `x`.
 * Each socket is answered once and then ended (or reset by the fault); close() destroys what is left.
 */
async function attemptServer(faults: Array<(socket: Socket) => void>): Promise<{ url: string; attempts: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      const fault = faults[count++];
      if (fault) fault(socket);
      else socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\nConnection: close\r\n\r\n${'x'.repeat(100)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('--format body streams', () => {
  test('a slow drip reaches stdout chunk by chunk, as it arrives', async () => {
    const started = Date.now();
    const arrivals: number[] = [];
    const child = spawn(process.execPath, ['--', BIN, `${demo.url}/drip?chunks=4&interval=400`, '--format', 'body'], { env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      arrivals.push(Date.now() - started);
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(out).toBe('chunk 1 of 4\nchunk 2 of 4\nchunk 3 of 4\nchunk 4 of 4\n');
    // The first chunk is on stdout while the server is still sending the rest (1.2 s more).
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(800);
  });

  test('a binary body bound for a terminal is not written there; a note says how to get it (exit 0)', async () => {
    const child = spawn('script', ['-qfec', `"${process.execPath}" -- "${BIN}" ${demo.url}/bytes/2000 --format body`, '/dev/null'], { env: { ...process.env, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const out = Buffer.concat(chunks);
    expect(code).toBe(0);
    expect(out.toString()).toMatch(/apitest: note: a binary body \(2000 bytes\) is not written to the terminal; save it with -o FILE, or redirect stdout/);
    expect(out.includes(Buffer.from([0, 1, 2, 3]))).toBe(false);
  });

  test('a body cut off after bytes reached stdout is not retried: stdout holds one response, the line says why', async () => {
    // Requests 1 and 2: PARTIAL- then a reset; any later one: 100 × x.
    const partial = (s: Socket): void => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nPARTIAL-`, () => setTimeout(() => s.resetAndDestroy(), 50));
    };
    const server = await attemptServer([partial, partial]);
    try {
      const r = await runCli([`${server.url}/x`, '--retry', '2', '--retry-delay', '50ms', '--format', 'body']);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('PARTIAL-');
      expect(r.stderr).toMatch(/^apitest: error: connection reset by .*\(not retried: 8 bytes were already written to stdout, and a retry cannot take them back; save the body with -o FILE, which starts over on a retry\)\n$/);
      expect(server.attempts()).toBe(1);
      // The same with -o FILE is retried (request 2 is cut off, request 3 whole): the file starts over.
      const dir = mkdtempSync(join(tmpdir(), 'apitest-retry-'));
      const file = await runCli([`${server.url}/x`, '--retry', '2', '--retry-delay', '50ms', '-o', join(dir, 'body.txt')]);
      expect(file.code).toBe(0);
      expect(server.attempts()).toBe(3);
      expect(readFileSync(join(dir, 'body.txt'), 'utf8')).toBe('x'.repeat(100));
    } finally {
      await server.close();
    }
  });

  test('a reset before any body byte reached stdout is retried: stdout holds exactly the retried response', async () => {
    const server = await attemptServer([(s) => s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n`, () => setTimeout(() => s.resetAndDestroy(), 50))]);
    try {
      const r = await runCli([`${server.url}/x`, '--retry', '2', '--retry-delay', '50ms', '--format', 'body']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('x'.repeat(100));
      expect(server.attempts()).toBe(2);
    } finally {
      await server.close();
    }
  });

  test('the same binary body to a pipe is written byte for byte', async () => {
    const r = await runCli([`${demo.url}/bytes/2000`, '--format', 'body']);
    expect(r.stdoutBytes.length).toBe(2000);
    expect(r.stdoutBytes[1999]).toBe(1999 % 256);
  });
});

describe('the wire view and the report', () => {
  test('-v: a header given twice is two lines; the headers the client adds are shown', async () => {
    const r = await runCli([`${demo.url}/echo`, '-H', 'X-Twice: 1', '-H', 'X-Twice: 2', '-d', 'a=1', '-v']);
    const sent = r.stderr.split('\n').filter((l) => l.startsWith('> '));
    expect(sent.filter((l) => l.toLowerCase().startsWith('> x-twice:')).map((l) => l.toLowerCase())).toEqual(['> x-twice: 1', '> x-twice: 2']);
    for (const name of ['Host', 'Connection', 'Content-Length', 'Accept-Encoding', 'User-Agent', 'Content-Type']) {
      expect(sent.some((l) => l.toLowerCase().startsWith(`> ${name.toLowerCase()}:`))).toBe(true);
    }
  });

  test('--json: request.headers gives a repeated header as an array', async () => {
    const doc = parseJsonDocument((await runCli([`${demo.url}/echo`, '-H', 'X-Twice: 1', '-H', 'X-Twice: 2', '--json'])).stdout);
    expect(doc.request.headers['x-twice']).toEqual(['1', '2']);
  });

  test('timings have sub-millisecond resolution and add up to the total', async () => {
    const doc = parseJsonDocument((await runCli([`${demo.url}/users/1`, '--json'])).stdout);
    const phases = ['wait', 'dns', 'tcp', 'tls', 'send', 'firstByte', 'download'].map((p) => doc.timings[p] ?? 0);
    expect(Math.abs(phases.reduce((a: number, b: number) => a + b, 0) - doc.timings.total)).toBeLessThan(1);
    expect(phases.some((v: number) => v > 0 && !Number.isInteger(v))).toBe(true);
  });

  test('an NDJSON body is shown in the table one pretty-printed value per line', async () => {
    const r = await runCli([`${demo.url}/ndjson?count=2`]);
    expect(r.stdout).toContain('Body\n{\n  "id": 1,\n  "name": "item-1"\n}\n{\n  "id": 2,\n  "name": "item-2"\n}\n');
  });

  test('every expectations[] entry has its five fields (message null when it passed)', async () => {
    const doc = parseJsonDocument((await runCli([`${demo.url}/users/1`, '--expect', 'status == 200', '--json'])).stdout);
    expect(doc.expectations).toEqual([{ expression: 'status == 200', ok: true, expected: 200, actual: 200, message: null }]);
  });
});

describe('one error line, with true hints', () => {
  test('a 404: one line on stderr, nothing about the error on stdout', async () => {
    const r = await runCli([`${demo.url}/status/404`]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`apitest: error: 404 Not Found from ${demo.url}/status/404: not found (check the URL path)\n`);
    expect(r.stdout).not.toMatch(/error/i);
  });

  test('failed expectations: listed once in the report, then one line "N of M expectations failed"', async () => {
    const r = await runCli([`${demo.url}/users/1`, '--expect', 'status == 200', '--expect', '$.id == 2', '--expect', '$.name == "Bob"']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('apitest: error: 2 of 3 expectations failed\n');
    expect(r.stdout.match(/\$\.id == 2/g)).toHaveLength(1);
  });

  test('--retry is suggested only when it was not used; after retries the line says how many attempts were made', async () => {
    const once = await runCli([`${demo.url}/status/503`]);
    expect(once.stderr).toMatch(/\(the server failed; --retry may help if it is transient\)\n$/);
    const retried = await runCli([`${demo.url}/status/503`, '--retry', '2', '--retry-delay', '10ms']);
    expect(retried.code).toBe(5);
    expect(retried.stderr.trim().split('\n').pop()).toBe(`apitest: error: 503 Service Unavailable from ${demo.url}/status/503: server error (after 3 attempts) (the server failed)`);
    const notFound = await runCli([`${demo.url}/status/404`]);
    expect(notFound.stderr).not.toContain('--retry');
  });

  test('--retry with a POST that may not be retried: said once, before sending', async () => {
    const r = await runCli([`${demo.url}/status/503`, '-X', 'POST', '--retry', '2']);
    expect(r.stderr.split('\n')[0]).toBe('apitest: warning: --retry: a POST is not retried (it is not idempotent); add an Idempotency-Key header, or --retry-all-methods, to allow it');
    const withKey = await runCli([`${demo.url}/status/201`, '-X', 'POST', '--retry', '2', '-H', 'Idempotency-Key: k1']);
    expect(withKey.stderr).toBe('');
  });
});

describe('pagination warnings', () => {
  test('auto stops while the body says more pages exist: a warning naming the styles, stopReason undetected', async () => {
    const r = await runCli([`${demo.url}/pages/has-more?per_page=2&total=5`, '--paginate', '--json']);
    expect(r.code).toBe(0);
    expect(parseJsonDocument(r.stdout).stopReason).toBe('undetected');
    expect(r.stderr).toMatch(/^apitest: warning: --paginate stopped after 1 page: the body says more pages exist .* --paginate page/);
  });

  test('a page with no items at all (HTML): a warning', async () => {
    const r = await runCli([`${demo.url}/html`, '--paginate', '--json']);
    expect(r.stderr).toMatch(/^apitest: warning: --paginate found no items: the first page is not JSON \(text\/html; charset=utf-8\)/);
  });
});
