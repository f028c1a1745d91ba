/**
 * Requests that travel: `--print-curl` (run with the real curl against the demo API, compared with what apitest
 * itself sends), `--dry-run`, and `--har` (validated against the HAR 1.2 JSON Schema of the har-schema package).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import { withDemoServer } from '../helpers/demo.js';
import { runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const dir = mkdtempSync(join(tmpdir(), 'apitest-travel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);

const TOKEN = 'tok-Travel-9f8e7d6c5b4a';
const PASSWORD = 'pw-Travel-Secret-42';

function hasCurl(): boolean {
  try {
    require('node:child_process').execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a printed curl line in a POSIX shell with `env`; resolves with its stdout. */
function runShell(line: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Echo {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

/** What the server saw, minus what differs between any two clients (agent, connection handling, encodings offered). */
function comparable(echo: Echo) {
  const headers = Object.fromEntries(Object.entries(echo.headers).filter(([name]) => !['user-agent', 'accept-encoding', 'connection', 'host', 'accept'].includes(name)));
  return { method: echo.method, path: echo.path, query: echo.query, headers, body: echo.body };
}

const describeCurl = hasCurl() ? describe : describe.skip;

describeCurl('--print-curl: the printed command sends what apitest sends', () => {
  const cases: Array<[string, string[], Record<string, string>]> = [
    ['GET with query, headers and a bearer token', ['/echo/a?x=1', '-q', 'y=two words', '-H', 'X-Trace: t1', '--bearer'], { ACCESS_TOKEN: TOKEN }],
    ['POST JSON with quotes and a Basic password', ['/echo/b', '-d', `{"name":"it's \\"quoted\\" $HOME"}`, '-u', `bob:${PASSWORD}`], {}],
    ['PUT form data and an API key header', ['/echo/c', '-X', 'PUT', '-d', 'a=1', '-d', 'b=2', '--api-key', TOKEN], {}],
    ['DELETE with an API key in the query', ['/echo/d', '-X', 'DELETE', '--api-key', TOKEN, '--api-key-query', 'key'], {}],
    ['a header that holds a credential', ['/echo/e', '-H', `X-Session-Token: ${TOKEN}`], {}],
  ];
  test.each(cases)('%s', async (_name, [path, ...args], env) => {
    const url = `${demo.url}${path}`;
    const printed = await runCli([url, ...args, '--print-curl', '--dry-run'], { env });
    expect(printed.code).toBe(0);
    const line = printed.stdout.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line.startsWith('curl ')).toBe(true);
    for (const secret of [TOKEN, PASSWORD]) expect(line).not.toContain(secret);
    expect(printed.stderr).toBe('');
    // --dry-run: nothing was sent.
    expect(demo.server.requests().some((r) => r.path === new URL(url).pathname)).toBe(false);

    const viaApitest = await runCli([url, ...args, '--format', 'body'], { env });
    expect(viaApitest.code).toBe(0);
    const viaCurl = await runShell(`${line} -sS`, { ACCESS_TOKEN: TOKEN, API_PASSWORD: PASSWORD, API_KEY: TOKEN, X_SESSION_TOKEN: TOKEN });
    expect(viaCurl.stderr).toBe('');
    expect(viaCurl.code).toBe(0);
    expect(comparable(JSON.parse(viaCurl.stdout))).toEqual(comparable(JSON.parse(viaApitest.stdout)));
  });

  test('--show-secrets prints the values; without --dry-run the line goes to stderr and the request is sent', async () => {
    const shown = await runCli([`${demo.url}/echo/f`, '--bearer', TOKEN, '--print-curl', '--dry-run', '--show-secrets']);
    expect(shown.stdout).toContain(`Authorization: Bearer ${TOKEN}`);
    const sent = await runCli([`${demo.url}/echo/g`, '--bearer', TOKEN, '--print-curl', '--json']);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toMatch(/^curl http:\/\/127\.0\.0\.1:\d+\/echo\/g -H "Authorization: Bearer \$ACCESS_TOKEN"/);
    expect(JSON.parse(sent.stdout).ok).toBe(true);
  });

  test('--dry-run alone checks the request and sends nothing; a bad request is still exit 2', async () => {
    const ok = await runCli([`${demo.url}/echo/h`, '--dry-run']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/^apitest: note: --dry-run: the request is valid; nothing was sent \(GET http/);
    expect(demo.server.requests().some((r) => r.path === '/echo/h')).toBe(false);
    const bad = await runCli([`${demo.url}/echo/h`, '-H', 'Bad Header: x', '--dry-run']);
    expect(bad.code).toBe(2);
  });

  test('apitest run --print-curl prints one line per step on stderr', async () => {
    const suite = join(dir, 'curl.yaml');
    writeFileSync(suite, `baseUrl: "${demo.url}"\nsteps:\n  - name: one\n    url: /echo/s1\n  - name: two\n    method: POST\n    url: /echo/s2\n    json: { a: 1 }\n`);
    const r = await runCli(['run', suite, '--print-curl']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^# one$/), expect.stringMatching(/^curl .*\/echo\/s1 /), '# two', expect.stringMatching(/^curl .*\/echo\/s2 .*--data-raw '\{"a":1\}'/)]);
  });
});

describe('--har', () => {
  function harValidator(): (value: unknown) => boolean {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    const schemas = require('har-schema') as Record<string, { $id: string }>;
    for (const [name, schema] of Object.entries(schemas)) if (name !== 'har') ajv.addSchema(schema);
    const validate = ajv.compile(schemas.har as object);
    return (value) => {
      const ok = validate(value) as boolean;
      if (!ok) throw new Error(`not a valid HAR 1.2 log: ${JSON.stringify(validate.errors, null, 2)}`);
      return ok;
    };
  }
  const valid = harValidator();

  test('a request with redirects: one entry per hop, masked credentials, HAR timings; valid HAR 1.2', async () => {
    const file = join(dir, 'redirects.har');
    const r = await runCli([`${demo.url}/redirect/2`, '-L', '--bearer', TOKEN, '--har', file]);
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TOKEN);
    const har = JSON.parse(text);
    expect(valid(har)).toBe(true);
    expect(har.log.creator.name).toBe('apitest');
    expect(har.log.pages).toHaveLength(1);
    expect(har.log.entries.map((e: { response: { status: number } }) => e.response.status)).toEqual([302, 302, 200]);
    const first = har.log.entries[0];
    expect(first.pageref).toBe(har.log.pages[0].id);
    expect(first.response.redirectURL).toBe('/redirect/1');
    expect(first.request.headers).toContainEqual({ name: 'authorization', value: expect.stringMatching(/^Bearer \*\*\*\*/) });
    for (const key of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']) expect(typeof first.timings[key]).toBe('number');
    expect(har.log.entries[2].response.content.text).toContain('"redirected"');
  });

  test('retries are entries too, and a binary body is base64', async () => {
    const file = join(dir, 'retries.har');
    const r = await runCli([`${demo.url}/flaky?fail=2&key=har-retries`, '--retry', '3', '--retry-delay', '10ms', '--har', file]);
    expect(r.code).toBe(0);
    const har = JSON.parse(readFileSync(file, 'utf8'));
    expect(valid(har)).toBe(true);
    expect(har.log.entries.map((e: { response: { status: number } }) => e.response.status)).toEqual([503, 503, 200]);

    const bin = join(dir, 'binary.har');
    expect((await runCli([`${demo.url}/bytes/64`, '--har', bin])).code).toBe(0);
    const content = JSON.parse(readFileSync(bin, 'utf8')).log.entries[0].response.content;
    expect(content.encoding).toBe('base64');
    expect(Buffer.from(content.text, 'base64')).toHaveLength(64);
  });

  test('a request that got no response is an entry with status 0 and the error', async () => {
    const file = join(dir, 'refused.har');
    const r = await runCli(['http://127.0.0.1:9/x', '--har', file]);
    expect(r.code).toBe(3);
    const har = JSON.parse(readFileSync(file, 'utf8'));
    expect(valid(har)).toBe(true);
    expect(har.log.entries[0].response.status).toBe(0);
    expect(har.log.entries[0]._error.kind).toBe('connection');
  });

  test('pages of a walk, and the steps of a suite (one page each); secrets masked', async () => {
    const walk = join(dir, 'walk.har');
    expect((await runCli([`${demo.url}/pages/link?per_page=5&total=12`, '--paginate', '--har', walk, '--json'])).code).toBe(0);
    const pages = JSON.parse(readFileSync(walk, 'utf8'));
    expect(valid(pages)).toBe(true);
    expect(pages.log.entries.length).toBeGreaterThanOrEqual(3);

    const suite = join(dir, 'har.yaml');
    writeFileSync(suite, `baseUrl: "${demo.url}"\nsteps:\n  - name: login\n    url: /echo/login\n    auth: { bearer: "{{ env.ACCESS_TOKEN }}" }\n  - name: next\n    method: POST\n    url: /echo/next\n    json: { token: "{{ env.ACCESS_TOKEN }}" }\n`);
    const file = join(dir, 'suite.har');
    const r = await runCli(['run', suite, '--har', file], { env: { ACCESS_TOKEN: TOKEN } });
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TOKEN);
    const har = JSON.parse(text);
    expect(valid(har)).toBe(true);
    expect(har.log.pages.map((p: { title: string }) => p.title)).toEqual(['login', 'next']);
    expect(har.log.entries).toHaveLength(2);
    expect(har.log.entries[1].request.postData.mimeType).toBe('application/json');
  });

  test('--har to a missing directory is a usage error before anything is sent', async () => {
    const r = await runCli([`${demo.url}/echo/never`, '--har', join(dir, 'no/such/dir.har')]);
    expect(r.code).toBe(2);
    expect(demo.server.requests().some((q) => q.path === '/echo/never')).toBe(false);
  });
});
