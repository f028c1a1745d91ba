/**
 * Auth flags and secrets: what is sent (asserted at the server), and that no credential is printed in any
 * output (table, --json, -v, --format body, error lines) unless --show-secrets.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestDemo, withDemoServer, type DemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const TOKEN = 'tok_9f8e7d6c5b4a_DistinctiveSecret_ab12';
const PASSWORD = 'pw-Distinctive-Password-77';

function lastRequest(server: DemoServer, path: string) {
  const found = server.requests().filter((r) => r.path === path);
  const last = found[found.length - 1];
  if (!last) throw new Error(`no request to ${path} arrived`);
  return last;
}

interface AuthCase {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Strings that must never be printed: the credential and its encoded forms. */
  secrets: string[];
  /** What the server must have received. */
  check: (headers: Record<string, string | string[]>, query: Record<string, string | string[]>) => void;
}

const basicB64 = Buffer.from(`bob:${PASSWORD}`).toString('base64');
const authCases: AuthCase[] = [
  { name: '--bearer TOKEN', args: [`--bearer=${TOKEN}`], env: {}, secrets: [TOKEN], check: (h) => expect(h.authorization).toBe(`Bearer ${TOKEN}`) },
  { name: '--bearer from $ACCESS_TOKEN', args: ['--bearer'], env: { ACCESS_TOKEN: TOKEN }, secrets: [TOKEN], check: (h) => expect(h.authorization).toBe(`Bearer ${TOKEN}`) },
  { name: '--api-key KEY (X-API-Key)', args: [`--api-key=${TOKEN}`], env: {}, secrets: [TOKEN], check: (h) => expect(h['x-api-key']).toBe(TOKEN) },
  { name: '--api-key from $API_KEY in --api-key-header', args: ['--api-key', '--api-key-header', 'X-Token'], env: { API_KEY: TOKEN }, secrets: [TOKEN], check: (h) => expect(h['x-token']).toBe(TOKEN) },
  {
    name: '--api-key with --api-key-query',
    args: [`--api-key=${TOKEN}`, '--api-key-query', 'api_key'],
    env: {},
    secrets: [TOKEN, encodeURIComponent(TOKEN)],
    check: (h, q) => {
      expect(q.api_key).toBe(TOKEN);
      expect(h['x-api-key']).toBeUndefined();
    },
  },
  { name: '--basic user:password', args: ['--basic', `bob:${PASSWORD}`], env: {}, secrets: [basicB64, PASSWORD], check: (h) => expect(h.authorization).toBe(`Basic ${basicB64}`) },
  { name: '--basic user with $API_PASSWORD', args: ['--basic', 'bob'], env: { API_PASSWORD: PASSWORD }, secrets: [basicB64, PASSWORD], check: (h) => expect(h.authorization).toBe(`Basic ${basicB64}`) },
];

/** The report channel: masked everywhere. */
const outputs: Array<[string, string[]]> = [
  ['table', []],
  ['--json', ['--json']],
  ['-v', ['-v']],
  ['-v --json', ['-v', '--json']],
];

describe.each(authCases)('$name', ({ args, env, secrets, check }) => {
  test('is sent to the server', async () => {
    const path = `/echo/sent-${args.join('-').replace(/\W+/g, '_')}`;
    const result = await runCli([`${demo.url}${path}`, ...args], { env });
    expect(result.code).toBe(0);
    const seen = lastRequest(demo.server, path);
    check(seen.headers, seen.query);
  });

  test.each(outputs)('is masked in %s output (although /echo echoes it back)', async (_name, outputArgs) => {
    const result = await runCli([`${demo.url}/echo`, ...args, ...outputArgs], { env });
    expect(result.code).toBe(0);
    const everything = result.stdout + result.stderr;
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).toContain('****');
    if (outputArgs.includes('--json')) parseJsonDocument(result.stdout);
  });

  test('--format body is the data channel: the body exactly as the server sent it; -v on stderr is masked', async () => {
    const result = await runCli([`${demo.url}/echo`, ...args, '--format', 'body', '-v'], { env });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(JSON.stringify(body)).toContain(secrets.find((s) => JSON.stringify(body).includes(s)) ?? secrets[0]);
    for (const secret of secrets) expect(result.stderr).not.toContain(secret);
  });

  test('is shown with --show-secrets', async () => {
    const result = await runCli([`${demo.url}/echo`, ...args, '-v', '--show-secrets'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toContain(secrets[0]);
  });
});

describe('masking details', () => {
  test('a long bearer token keeps its last four characters: Bearer ****ab12', async () => {
    const result = await runCli([`${demo.url}/echo`, `--bearer=${TOKEN}`, '--json']);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.request.headers.authorization).toBe('Bearer ****ab12');
    expect(doc.response.body.headers.authorization).toBe('Bearer ****ab12');
  });

  test('Basic credentials are masked whole (their tail would be the password): Basic ****', async () => {
    const result = await runCli([`${demo.url}/echo`, '--basic', `bob:${PASSWORD}`, '--json']);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.request.headers.authorization).toBe('Basic ****');
    expect(doc.response.body.headers.authorization).toBe('Basic ****');
  });

  test('a short secret (< 12 characters) shows as **** only', async () => {
    const result = await runCli([`${demo.url}/echo`, '--bearer=short-tok', '--json', '-v']);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.request.headers.authorization).toBe('Bearer ****');
    expect(result.stdout + result.stderr).not.toContain('short-tok');
  });

  test('credentials given with -H / --headers are masked too, also where the server echoes them', async () => {
    const result = await runCli([
      `${demo.url}/echo`,
      '-H', `Authorization: Token ${TOKEN}`,
      '--headers', JSON.stringify({ Cookie: `session=${PASSWORD}` }),
      '-v', '--json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.request.headers.authorization).toBe('Token ****ab12');
  });

  test('Set-Cookie in a response is masked; --show-secrets shows it', async () => {
    const masked = await runCli([`${demo.url}/cookies`, '--json']);
    const doc = parseJsonDocument(masked.stdout);
    expect(doc.response.headers['set-cookie']).toEqual([expect.stringContaining('****')]);
    expect(masked.stdout).not.toContain('secret-session-value');
    const table = await runCli([`${demo.url}/cookies`]);
    expect(table.stdout).not.toContain('secret-session-value');
    const shown = await runCli([`${demo.url}/cookies`, '--show-secrets']);
    expect(shown.stdout).toContain('secret-session-value');
  });

  test('a URL password is masked in the report', async () => {
    const url = demo.url.replace('http://', `http://bob:${PASSWORD}@`);
    const result = await runCli([`${url}/echo`, '--json', '-v']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(parseJsonDocument(result.stdout).request.url).toContain('bob:****@');
  });

  test('error lines are masked: an api-key query parameter in a 404 message', async () => {
    const result = await runCli([`${demo.url}/status/404`, `--api-key=${TOKEN}`, '--api-key-query', 'key']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^apitest: error: 404 Not Found from .*key=\*\*\*\*ab12/);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  test('-o writes the body unmasked, as received', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-secrets-'));
    const file = join(dir, 'echo.json');
    const result = await runCli([`${demo.url}/echo`, `--bearer=${TOKEN}`, '-o', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(TOKEN);
    expect(readFileSync(file, 'utf8')).toContain(TOKEN);
  });
});

describe('auth is never sent unless a flag asks', () => {
  test('$ACCESS_TOKEN, $API_KEY and $API_PASSWORD alone send nothing', async () => {
    const path = '/echo/no-auth';
    const result = await runCli([`${demo.url}${path}`], { env: { ACCESS_TOKEN: TOKEN, API_KEY: TOKEN, API_PASSWORD: PASSWORD } });
    expect(result.code).toBe(0);
    const seen = lastRequest(demo.server, path);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.query).toEqual({});
  });
});

describe('credentials and redirects', () => {
  let other: DemoServer;
  beforeAll(async () => {
    other = await startTestDemo();
  });
  afterAll(async () => {
    await other.close();
  });

  const credentialArgs: Array<[string, string[], string]> = [
    ['--bearer', [`--bearer=${TOKEN}`], 'authorization'],
    ['--basic', ['--basic', `bob:${PASSWORD}`], 'authorization'],
    ['--api-key', [`--api-key=${TOKEN}`], 'x-api-key'],
    ['--api-key-header', [`--api-key=${TOKEN}`, '--api-key-header', 'X-Token'], 'x-token'],
    ['-H Authorization', ['-H', `Authorization: Bearer ${TOKEN}`], 'authorization'],
    ['-H Cookie', ['-H', `Cookie: s=${TOKEN}`], 'cookie'],
    ['-H X-API-Key', ['-H', `X-API-Key: ${TOKEN}`], 'x-api-key'],
  ];

  test.each(credentialArgs)('%s is not sent to another origin after a redirect', async (_name, args, header) => {
    const path = `/echo/cross-${header}-${args.length}-${_name.replace(/\W+/g, '')}`;
    const target = `${other.url}${path}`;
    const result = await runCli([`${demo.url}/redirect-to?url=${encodeURIComponent(target)}`, '-L', ...args, '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.redirects).toEqual([{ status: 302, url: target }]);
    expect(lastRequest(demo.server, '/redirect-to').headers[header]).toBeDefined();
    const seen = lastRequest(other, path);
    expect(seen.headers[header]).toBeUndefined();
    expect(doc.response.body.headers[header]).toBeUndefined();
  });

  test('localhost and 127.0.0.1 are different origins', async () => {
    const path = '/echo/cross-host-name';
    const target = `http://localhost:${demo.server.port}${path}`;
    const result = await runCli([`${demo.url}/redirect-to?url=${encodeURIComponent(target)}`, '-L', `--bearer=${TOKEN}`]);
    expect(result.code).toBe(0);
    expect(lastRequest(demo.server, path).headers.authorization).toBeUndefined();
  });

  test('a same-origin redirect keeps the credential', async () => {
    const path = '/echo/same-origin';
    const result = await runCli([`${demo.url}/redirect-to?url=${path}`, '-L', `--bearer=${TOKEN}`, '--json']);
    expect(result.code).toBe(0);
    expect(lastRequest(demo.server, path).headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.stdout).not.toContain(TOKEN);
  });

  test('without -L nothing is followed, so the other origin gets no request at all', async () => {
    const path = '/echo/not-followed';
    const result = await runCli([`${demo.url}/redirect-to?url=${encodeURIComponent(`${other.url}${path}`)}`, `--bearer=${TOKEN}`]);
    expect(result.code).toBe(0);
    expect(other.requests().filter((r) => r.path === path)).toHaveLength(0);
  });
});
