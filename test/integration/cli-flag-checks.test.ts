/** Flags checked before anything is sent: each error names its flag, exit 2, nothing reaches the server. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/run-cli.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let demo: DemoServer;
beforeAll(async () => {
  demo = await startTestDemo();
});
afterAll(async () => {
  await demo.close();
});

describe('flag checks', () => {
  test('--ndjson with --json or --format is a usage error, nothing sent', async () => {
    const before = demo.requests().length;
    for (const extra of [['--json'], ['--format', 'table']]) {
      const r = await runCli([`${demo.url}/pages/link`, '--paginate', '--ndjson', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^apitest: error: --ndjson cannot be combined with/);
    }
    expect(demo.requests().length).toBe(before);
  });
  test('--api-key-header without --api-key is a usage error', async () => {
    const r = await runCli([`${demo.url}/echo`, '-H', 'X-Tok: S3cretValue123', '--api-key-header', 'X-Tok']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-key-header needs --api-key/);
  });
  test.each([
    [['--expect', 'bogus'], '--expect:'],
    [['--expect-status', '9xx'], '--expect-status:'],
    [['--schema', '/nonexistent/schema.json'], '--schema:'],
    [['--paginate', '--cursor-path', ']]'], '--cursor-path:'],
    [['--paginate', '--items-path', '$['], '--items-path:'],
  ])('%j: the error names the flag', async (args, flag) => {
    const r = await runCli([`${demo.url}/users/1`, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`apitest: error: ${flag}`)).toBe(true);
  });
  test('--basic without a password and no API_PASSWORD says the password is missing', async () => {
    const r = await runCli([`${demo.url}/users/1`, '--basic', 'bob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--basic: no password given and the environment variable API_PASSWORD is not set/);
  });
  test('a header value that cannot be sent is a usage error, nothing sent', async () => {
    const before = demo.requests().length;
    for (const value of ['✓', 'a\u0001b']) {
      const r = await runCli([`${demo.url}/echo`, '-H', `X-A: ${value}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^apitest: error: -H\/--header: the value of header X-A contains/);
    }
    const token = await runCli([`${demo.url}/echo`, '--bearer', 'tok\u0007en-secret-value']);
    expect(token.code).toBe(2);
    expect(token.stderr).not.toContain('secret-value');
    expect(demo.requests().length).toBe(before);
  });
});
