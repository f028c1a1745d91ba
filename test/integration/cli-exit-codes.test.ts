/** The exit-code table through the real binary, and the one-line error report on stderr. */
import { createServer } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();

/** A port on 127.0.0.1 with nothing listening: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^apitest: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('exit codes', () => {
  test('0: a 200', async () => {
    const result = await runCli([`${demo.url}/users/1`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  test('3: connection refused (nothing listening)', async () => {
    const port = await closedPort();
    const result = await runCli([`http://127.0.0.1:${port}/x`, '--json']);
    expect(result.code).toBe(3);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.response).toBeNull();
    expect(doc.error).toEqual({ kind: 'connection', code: 'ECONNREFUSED', message: expect.stringContaining(`127.0.0.1:${port}`) });
    expectErrorLine(result.stderr, /connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*is the server running/);
  });

  test('3: the server drops the connection (reset)', async () => {
    const result = await runCli([`${demo.url}/drop`, '--json']);
    expect(result.code).toBe(3);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.error.kind).toBe('connection');
    expect(doc.error.code).toBe('ECONNRESET');
    expectErrorLine(result.stderr, /connection reset by .*ECONNRESET/);
  });

  test('3: a host that does not resolve', async () => {
    const result = await runCli(['http://no-such-host.invalid/x', '--timeout', '5s']);
    expect(result.code).toBe(3);
    expectErrorLine(result.stderr, /could not resolve host no-such-host\.invalid/);
  });

  test('4: /hang with --timeout 300ms', async () => {
    const started = Date.now();
    const result = await runCli([`${demo.url}/hang`, '--timeout', '300ms', '--json']);
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(5000);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.error).toEqual({ kind: 'timeout', code: 'ETIMEDOUT', message: expect.stringContaining('timed out after 300 ms') });
    expectErrorLine(result.stderr, /timed out after 300 ms .*raise --timeout/);
  });

  test('4: /delay/2000 with --timeout 0.5 (a bare number is seconds, as curl -m)', async () => {
    const result = await runCli([`${demo.url}/delay/2000`, '--timeout', '0.5']);
    expect(result.code).toBe(4);
    expectErrorLine(result.stderr, /timed out after 500 ms/);
  });

  test('0: /delay/100 within --timeout 5s', async () => {
    const result = await runCli([`${demo.url}/delay/100`, '--timeout', '5s']);
    expect(result.code).toBe(0);
  });

  test.each([
    [404, /404 Not Found from .*: not found \(check the URL path\)/],
    [500, /500 Internal Server Error from .*: server error/],
    [401, /401 Unauthorized from .*: authentication failed \(check the credentials/],
    [403, /403 Forbidden from .*: permission denied/],
    [429, /429 Too Many Requests from .*: rate limit exceeded/],
  ])('5: status %i, with the report still on stdout', async (status, message) => {
    const result = await runCli([`${demo.url}/status/${status}`]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain(`HTTP/1.1 ${status}`);
    expectErrorLine(result.stderr, message);
  });

  test.each([404, 500, 401])('--no-fail: status %i exits 0', async (status) => {
    const result = await runCli([`${demo.url}/status/${status}`, '--no-fail', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.status).toBe(status);
    expect(doc.error).toBeNull();
  });

  test('with --json a 404 still prints the document: ok false, error kind http', async () => {
    const result = await runCli([`${demo.url}/status/404`, '--json']);
    expect(result.code).toBe(5);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.response.status).toBe(404);
    expect(doc.error).toEqual({ kind: 'http', code: 'HTTP_404', message: expect.stringContaining('404 Not Found') });
  });

  test('--debug adds the stack, at src/*.ts lines (the bundle is source-mapped), then its cause', async () => {
    const result = await runCli([`${demo.url}/drop`, '--debug']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^apitest: error: connection reset/);
    expect(result.stderr).toMatch(/\nConnectionError: connection reset[^\n]*\n\s+at mapTransportError \(src\/engine\/map-transport-error\.ts:\d+:\d+\)/);
    expect(result.stderr).toMatch(/\nCaused by: [^\n]*\n\s+at /);
    expect(result.stderr).not.toMatch(/dist\/apitest\.cjs:\d+/);
    // without --debug: one line
    expect((await runCli([`${demo.url}/drop`])).stderr.split('\n')).toHaveLength(2);
  });
});
