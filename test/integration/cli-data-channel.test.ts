/**
 * The data channel is never altered, and masking of the report channel is precise: credentials structurally,
 * other secrets only as whole tokens, short secrets never searched for in text. Through the real binary.
 */
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const TOKEN = 'tok_24chars_Abcdef123456'; // 24 characters

describe('masking is precise', () => {
  test('-u me:test does not rewrite /anything/latest (a short password is masked only in the Authorization header)', async () => {
    for (const args of [[], ['--json'], ['-v']]) {
      const r = await runCli([`${demo.url}/echo/latest`, '-u', 'me:test', ...args]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toContain('/echo/latest');
      expect(r.stdout + r.stderr).not.toMatch(/la\*\*\*\*/);
    }
    const doc = parseJsonDocument((await runCli([`${demo.url}/echo/latest`, '-u', 'me:test', '--json'])).stdout);
    expect(doc.request.headers.authorization).toBe('Basic ****');
  });

  test('--bearer abc does not turn a body {"x":"abcdef"} into {"x":"****def"}', async () => {
    const r = await runCli([`${demo.url}/echo`, '--bearer', 'abc', '-d', '{"x":"abcdef"}', '--json']);
    const doc = parseJsonDocument(r.stdout);
    expect(doc.response.body.json).toEqual({ x: 'abcdef' });
    expect(doc.request.headers.authorization).toBe('Bearer ****');
  });

  test('a 24-character bearer token echoed in a JSON body: masked in the table and --json, intact with --format body', async () => {
    const table = await runCli([`${demo.url}/echo`, '--bearer', TOKEN]);
    const json = await runCli([`${demo.url}/echo`, '--bearer', TOKEN, '--json']);
    const body = await runCli([`${demo.url}/echo`, '--bearer', TOKEN, '--format', 'body']);
    for (const r of [table, json, body]) expect(r.code).toBe(0);
    expect(table.stdout).not.toContain(TOKEN);
    expect(table.stdout).toContain('Bearer ****3456');
    expect(json.stdout).not.toContain(TOKEN);
    expect(parseJsonDocument(json.stdout).response.body.headers.authorization).toBe('Bearer ****3456');
    expect(JSON.parse(body.stdout).headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('the secret is scanned for in every report output, and found in none', async () => {
    const modes: string[][] = [[], ['--json'], ['-v'], ['-v', '--json'], ['--format', 'body', '-v'], ['--expect', `$.headers.authorization == "Bearer ${TOKEN}"`]];
    for (const mode of modes) {
      const r = await runCli([`${demo.url}/echo`, '--bearer', TOKEN, ...mode]);
      const report = mode.includes('body') ? r.stderr : r.stdout + r.stderr;
      expect({ mode, leaked: report.includes(TOKEN) }).toEqual({ mode, leaked: false });
    }
  });
});

describe('the data channel is never altered', () => {
  test('NDJSON items are exactly the items, even when they contain a value given as a credential', async () => {
    // The API key 'item-2' happens to be a value in the items: the data channel keeps it, the report masks it.
    const ndjson = await runCli([`${demo.url}/pages/link?per_page=2&total=3`, '--paginate', '--ndjson', '--api-key', 'item-2', '--api-key-header', 'X-Demo-Key']);
    expect(ndjson.code).toBe(0);
    expect(ndjson.stdout.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['item-1', 'item-2', 'item-3']);
    const json = parseJsonDocument((await runCli([`${demo.url}/pages/link?per_page=2&total=3`, '--paginate', '--json', '--api-key', 'item-2', '--api-key-header', 'X-Demo-Key'])).stdout);
    expect(json.items.map((i: { name: string }) => i.name)).toEqual(['item-1', '****', 'item-3']);
  });

  test('--format body with --paginate prints the items unmasked', async () => {
    const r = await runCli([`${demo.url}/pages/link?per_page=2&total=3`, '--paginate', '--format', 'body', '--api-key', 'item-2', '--api-key-header', 'X-Demo-Key']);
    expect(JSON.parse(r.stdout).map((i: { name: string }) => i.name)).toEqual(['item-1', 'item-2', 'item-3']);
  });
});

describe('credentials combine', () => {
  test('--api-key with --bearer: both are sent; with -u too', async () => {
    const server = demo.server;
    await runCli([`${demo.url}/echo/both`, '--api-key', 'key-123456', '--bearer', TOKEN]);
    const last = server.requests().filter((r) => r.path === '/echo/both').pop();
    expect(last?.headers['x-api-key']).toBe('key-123456');
    expect(last?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await runCli([`${demo.url}/echo/both-basic`, '--api-key', 'key-123456', '-u', 'bob:pw']);
    const basic = server.requests().filter((r) => r.path === '/echo/both-basic').pop();
    expect(basic?.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
    expect(basic?.headers['x-api-key']).toBe('key-123456');
  });

  test('two sources for one header: a usage error naming both, nothing sent', async () => {
    const before = demo.server.requests().length;
    for (const [args, message] of [
      [['--bearer', TOKEN, '-u', 'bob:pw'], '--bearer and -u/--user both set the Authorization header'],
      [['-u', 'bob:pw', '-H', 'Authorization: Token x'], '-u/--user and -H/--header both set the Authorization header'],
      [['--api-key', 'k123456', '-H', 'X-API-Key: other'], '--api-key and -H/--header both set the X-API-Key header'],
      // The header is named as the credential names it, whatever case -H used.
      [['-u', 'bob:pw', '-H', 'authorization: Token x'], '-u/--user and -H/--header both set the Authorization header'],
      [['--bearer', TOKEN, '-H', 'AUTHORIZATION: Token x'], '--bearer and -H/--header both set the Authorization header'],
      [['--api-key', 'k123456', '-H', 'x-api-key: other'], '--api-key and -H/--header both set the X-API-Key header'],
    ] as const) {
      const r = await runCli([`${demo.url}/echo`, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`apitest: error: ${message} (give one of them)\n`);
    }
    expect(demo.server.requests().length).toBe(before);
  });

  test("the URL's user:password is a source of the Authorization header too: with --bearer, -u, --basic or -H it is refused, nothing sent", async () => {
    const before = demo.server.requests().length;
    const withUserinfo = `${demo.url.replace('http://', 'http://a:bpassword1@')}/echo`;
    for (const [args, message] of [
      [['--bearer', 'xyz123456789'], '--bearer and the user:password of the URL'],
      [['-u', 'bob:pw'], '-u/--user and the user:password of the URL'],
      [['--basic', 'bob:pw'], '--basic and the user:password of the URL'],
      [['-H', 'Authorization: Bearer xyz123456789'], 'the user:password of the URL and -H/--header'],
      // Refused before a password is asked for (or looked for in $API_PASSWORD).
      [['-u', 'bob'], '-u/--user and the user:password of the URL'],
    ] as const) {
      const r = await runCli([withUserinfo, ...args]);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: `apitest: error: ${message} both set the Authorization header (give one of them)\n` });
    }
    // A user name alone is sent as Basic auth by the client as well.
    const userOnly = await runCli([`${demo.url.replace('http://', 'http://a@')}/echo`, '--bearer', 'xyz123456789']);
    expect(userOnly.code).toBe(2);
    expect(demo.server.requests().length).toBe(before);
    // Alone, or with an API key (another header), the URL's credentials are sent.
    const alone = await runCli([withUserinfo.replace('/echo', '/echo/userinfo'), '--api-key', 'key-123456']);
    expect(alone.code).toBe(0);
    const sent = demo.server.requests().filter((r) => r.path === '/echo/userinfo').pop();
    expect(sent?.headers.authorization).toBe(`Basic ${Buffer.from('a:bpassword1').toString('base64')}`);
    expect(sent?.headers['x-api-key']).toBe('key-123456');
  });
});
