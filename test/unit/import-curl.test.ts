import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import type { ImportResult } from '../../src/import/findings.js';
import { importCurl, type CurlImportOptions } from '../../src/import/from-curl.js';
import { createRequestSpec, NO_AUTH, type RequestInput } from '../../src/model/request-spec.js';
import { Secret } from '../../src/redact/secret.js';
import { curlCommand } from '../../src/render/curl-command.js';
import { suiteProblems } from '../helpers/imported-suite.js';

const FILES: Record<string, string> = { 'body.json': '{"from":"file"}\n', 'lines.txt': 'a=1\r\nb=2\n', 'note.txt': 'hello note', 'photo.png': 'png', 'up/photo.png': 'png' };
const options: CurlImportOptions = { readFile: (path) => (path in FILES ? Buffer.from(FILES[path] as string) : path === 'bin.dat' ? Buffer.from([0, 1, 2, 255]) : null) };

// Where the suites would be saved: form files must exist there (the loader checks them).
const dir = mkdtempSync(join(tmpdir(), 'apitest-import-curl-'));
mkdirSync(join(dir, 'suites'));
mkdirSync(join(dir, 'up'));
writeFileSync(join(dir, 'suites', 'photo.png'), 'png');
writeFileSync(join(dir, 'up', 'photo.png'), 'png');

/** Imports and checks that the suite loads without problems (saved in dir/suites); returns the one step and the findings. */
async function one(line: string, opts: CurlImportOptions = options): Promise<{ step: Record<string, any>; result: ImportResult; unmapped: string[]; notes: string[] }> {
  const result = importCurl(line, opts);
  expect(await suiteProblems(result, join(dir, 'suites'))).toEqual([]);
  expect(result.suite.steps).toHaveLength(1);
  return {
    step: result.suite.steps[0] as Record<string, any>,
    result,
    unmapped: result.findings.filter((f) => f.severity === 'unmapped').map((f) => `${f.where}: ${f.message}`),
    notes: result.findings.filter((f) => f.severity === 'note').map((f) => `${f.where}: ${f.message}`),
  };
}

function usageError(line: string): string {
  try {
    importCurl(line, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${line}`);
}

describe('import curl: method, URL, headers', () => {
  test('a GET with headers; curl-only output options are notes', async () => {
    const { step, unmapped, notes } = await one(`curl -sS 'https://api.example.com/users?page=2' -H 'Accept: application/json' -H "X-Trace:  t-1 " -A 'my-agent/1.0'`);
    expect(step).toEqual({ name: 'GET /users', method: 'GET', url: 'https://api.example.com/users?page=2', headers: { Accept: 'application/json', 'X-Trace': 't-1', 'User-Agent': 'my-agent/1.0' } });
    expect(unmapped).toEqual([]);
    expect(notes).toEqual(['argument 1: -s: left out: it changes only what curl prints or saves', 'argument 1: -S: left out: it changes only what curl prints or saves']);
  });

  test('clustered short options, attached values, long options and -X', async () => {
    const { step } = await one(`curl -XPUT -HX-A:1 -kL --max-redirs 3 -m 2.5 --retry 2 --retry-delay 1 --compressed --url localhost:3000/items/7`);
    expect(step).toEqual({ name: 'PUT /items/7', method: 'PUT', url: 'http://localhost:3000/items/7', headers: { 'X-A': '1' }, insecure: true, followRedirects: true, maxRedirects: 3, timeout: 2.5, retry: { limit: 2, delay: 1, maxDelay: 1 } });
  });

  test('-I is HEAD, -T uploads with PUT (the file name is added to a URL ending in /), -r is a Range header', async () => {
    expect((await one('curl -I https://x.test/a')).step.method).toBe('HEAD');
    const upload = await one('curl -T note.txt https://x.test/files/');
    expect(upload.step).toMatchObject({ method: 'PUT', url: 'https://x.test/files/note.txt', body: 'hello note' });
    expect((await one('curl -r 0-99 https://x.test/big')).step.headers).toEqual({ Range: 'bytes=0-99' });
  });

  test('-G puts the data in the query; --url-query is appended URL-encoded', async () => {
    const { step } = await one(`curl -G https://x.test/search -d q=api --data-urlencode 'name=Ann Lee' --url-query 'tag=a&b'`);
    expect(step).toMatchObject({ method: 'GET', url: 'https://x.test/search?tag=a%26b&q=api&name=Ann+Lee' });
    expect(step.body).toBeUndefined();
  });

  test('a header with ";" is empty; "Name:" (removing curl\'s own) and headers from a file are not imported', async () => {
    const { step, unmapped } = await one(`curl https://x.test -H 'X-Empty;' -H 'Accept:' -H @headers.txt -H 'no colon'`);
    expect(step.headers).toEqual({ 'X-Empty': '' });
    expect(unmapped).toEqual([
      'argument 4: -H "Accept:": not imported: it removes a header curl adds itself; a suite sends its own',
      'argument 6: -H @headers.txt: not imported: headers from a file are not read',
      'argument 8: -H "no colon": not imported: not a "Name: value" header',
    ]);
  });

  test('a repeated header is sent once with both values, and said so', async () => {
    const { step, unmapped } = await one(`curl https://x.test -H 'X-A: 1' -H 'x-a: 2'`);
    expect(step.headers).toEqual({ 'X-A': '1, 2' });
    expect(unmapped).toEqual(['argument 4: the x-a header is given twice; the suite sends one x-a header with both values, joined by a comma']);
  });
});

describe('import curl: bodies', () => {
  test('-d with a JSON Content-Type becomes json: when that sends the same bytes; other JSON stays text', async () => {
    const { step } = await one(`curl https://x.test/users -H 'Content-Type: application/json' -d '{"name":"Ann","tags":["a"]}'`);
    expect(step).toMatchObject({ method: 'POST', json: { name: 'Ann', tags: ['a'] }, headers: { 'Content-Type': 'application/json' } });
    for (const text of ['{"name": "Ann"}', '{"n":1.0}', '{"s":"\\u00e9"}', '{"big":12345678901234567890}']) {
      const { step: kept } = await one(`curl https://x.test/users -H 'Content-Type: application/json' -d '${text}'`);
      expect(kept).toMatchObject({ body: text });
      expect(kept.json).toBeUndefined();
    }
  });

  test('-d JSON without a Content-Type is sent as curl sends it (form type), with a note', async () => {
    const { step, notes } = await one(`curl https://x.test/users -d '{"name":"Ann"}'`);
    expect(step).toMatchObject({ body: '{"name":"Ann"}', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(notes).toEqual([expect.stringContaining('curl sends this JSON as application/x-www-form-urlencoded')]);
  });

  test('several -d are joined with &; a form-looking body needs no Content-Type', async () => {
    const { step } = await one('curl https://x.test -d a=1 -d b=2 --data-raw @literal --data-urlencode "c=x y"');
    expect(step).toMatchObject({ body: 'a=1&b=2&@literal&c=x+y' });
    expect(step.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
    expect((await one('curl https://x.test -d a=1 -d b=2')).step.headers).toBeUndefined();
  });

  test('--data-urlencode in its five forms', async () => {
    const { step } = await one(`curl https://x.test --data-urlencode 'plain text' --data-urlencode '=a&b' --data-urlencode 'n=é/' --data-urlencode @note.txt --data-urlencode 'f@note.txt'`);
    expect(step.body).toBe('plain+text&a%26b&n=%C3%A9%2F&hello+note&f=hello+note');
  });

  test('--json sends JSON and asks for it; pieces are concatenated', async () => {
    const { step } = await one(`curl https://x.test --json '{"a":' --json '1}'`);
    expect(step).toMatchObject({ method: 'POST', json: { a: 1 }, headers: { Accept: 'application/json' } });
  });

  test('@file: -d strips line ends, --data-binary keeps them; binary and missing files are findings', async () => {
    expect((await one('curl https://x.test -d @lines.txt')).step.body).toBe('a=1b=2');
    expect((await one('curl https://x.test --data-binary @lines.txt')).step.body).toBe('a=1\r\nb=2\n');
    expect((await one(`curl https://x.test -H 'Content-Type: application/json' --data-binary @body.json`)).step.body).toBe('{"from":"file"}\n');
    const binary = await one('curl https://x.test --data-binary @bin.dat');
    expect(binary.unmapped).toEqual(['argument 2: --data-binary: not imported: "bin.dat" is binary; a suite body is text']);
    const missing = await one('curl https://x.test -d @nope.txt');
    expect(missing.unmapped).toEqual(['argument 2: -d: not imported: cannot read "nope.txt", so the data is left out']);
  });

  test('@- reads a here-document or a here-string; a pipe into curl is not seen', async () => {
    expect((await one("curl -X POST https://x.test -H 'Content-Type: application/json' -d @- <<'EOF'\n{\"a\":1}\nEOF\n")).step.json).toEqual({ a: 1 });
    expect((await one("curl https://x.test --data-binary @- <<< 'a=1'")).step.body).toBe('a=1\n');
    const piped = importCurl("echo '{}' | curl https://x.test -d @-", options);
    expect(piped.findings.map((f) => `${f.severity} ${f.where}: ${f.message}`)).toEqual([
      'note command 1: "echo" is not a curl command: left out',
      expect.stringMatching(/^unmapped command 2, argument 2: -d: not imported: the data is read from standard input/),
    ]);
  });

  test('-F name=@file asks whether the file can be read, not for its bytes (a file too large to read here still uploads)', async () => {
    const readableOnly: CurlImportOptions = { ...options, readFile: () => null, readable: (path) => path === 'photo.png' };
    expect((await one('curl https://x.test/up -F file=@photo.png', readableOnly)).unmapped).toEqual([]);
    const result = importCurl('curl https://x.test/up -F file=@gone.png', readableOnly);
    expect(result.findings.map((f) => f.message)).toContain('-F file: the file "gone.png" cannot be read here: the suite will not load until it can');
  });

  test('-F: text fields and files; a form without a file is a finding; -F with -d is refused as curl refuses it', async () => {
    const { step, unmapped } = await one(`curl https://x.test/up -F 'file=@photo.png;type=image/png' -F note=hi -F 'text=<note.txt' --form-string 'raw=@not-a-file'`);
    expect(step.form).toEqual({ file: { file: 'photo.png' }, note: 'hi', text: 'hello note', raw: '@not-a-file' });
    expect(unmapped).toEqual(['argument 2: -F file: ";type=…" not imported: a suite form field has no content type']);
    const plain = await one('curl https://x.test -F a=1');
    expect(plain.unmapped).toEqual(['argument 2: -F: curl sends multipart/form-data; a suite form without a file field is sent as application/x-www-form-urlencoded']);
    expect(usageError('curl https://x.test -F a=1 -d b=2')).toContain('-F and -d cannot be used together');
  });

  test('a form file path is written relative to where the suite goes', async () => {
    const { step } = await one('curl https://x.test -F f=@up/photo.png', { ...options, formFilePath: (p) => `../${p}` });
    expect(step.form).toEqual({ f: { file: '../up/photo.png' } });
  });

  test('text a suite would read as a template is kept literal, through a variable', async () => {
    const result = importCurl(`curl https://x.test -H 'Content-Type: application/json' -d '{"tpl":"{{ user }}","n":1}' -H 'X-T: a{{b}}c'`, options);
    expect(await suiteProblems(result)).toEqual([]);
    expect(result.suite.vars).toEqual({ text_1: 'a{{b}}c', text_2: '{{ user }}' });
    expect(result.suite.steps[0]).toMatchObject({ json: { tpl: '{{ text_2 }}', n: 1 }, headers: { 'X-T': '{{ text_1 }}' } });
  });
});

describe('import curl: credentials', () => {
  test('-u user:password: the password goes to $API_PASSWORD, named on stderr but never shown', async () => {
    const { step, notes, result } = await one('curl -u ann:s3cret-pw https://x.test/me');
    expect(step.auth).toEqual({ basic: { user: 'ann', password: '{{ env.API_PASSWORD }}' } });
    expect(notes).toEqual(['argument 1: the password of -u is not written into the suite: it is read from $API_PASSWORD (set it before running the suite)']);
    expect(JSON.stringify(result)).not.toContain('s3cret-pw');
  });

  test('-u user without a password: curl would ask; the URL\'s user:password works the same', async () => {
    expect((await one('curl -u ann https://x.test')).step.auth).toEqual({ basic: { user: 'ann', password: '{{ env.API_PASSWORD }}' } });
    const { step } = await one('curl https://bob:p%40ss@x.test/a');
    expect(step).toMatchObject({ url: 'https://x.test/a', auth: { basic: { user: 'bob', password: '{{ env.API_PASSWORD }}' } } });
  });

  test('Authorization headers become auth; other credential headers, cookies and query keys are read from the environment', async () => {
    const basic = Buffer.from('ann:pw-123').toString('base64');
    expect((await one(`curl https://x.test -H 'Authorization: Basic ${basic}'`)).step.auth).toEqual({ basic: { user: 'ann', password: '{{ env.API_PASSWORD }}' } });
    const { step, result } = await one(`curl 'https://x.test/a?api_key=k-123456&x=1' -H 'Authorization: Bearer tok-abcdef' -H 'X-Api-Key: key-987654' -H 'X-Session-Token: st-55555' -b 'sid=s-1; theme=dark' -H 'Authorization2: Token z'`);
    expect(step).toMatchObject({
      url: 'https://x.test/a?x=1',
      query: { api_key: '{{ env.API_KEY }}' },
      auth: { bearer: '{{ env.ACCESS_TOKEN }}' },
      headers: { 'X-Api-Key': '{{ env.X_API_KEY }}', 'X-Session-Token': '{{ env.X_SESSION_TOKEN }}', Cookie: '{{ env.COOKIE }}', Authorization2: '{{ env.AUTHORIZATION2 }}' },
    });
    for (const secret of ['k-123456', 'tok-abcdef', 'key-987654', 'st-55555', 's-1']) expect(JSON.stringify(result)).not.toContain(secret);
  });

  test('an API key header alone becomes apiKey auth; --oauth2-bearer is a bearer', async () => {
    expect((await one(`curl https://x.test -H 'X-API-Key: k-1234567'`)).step.auth).toEqual({ apiKey: '{{ env.API_KEY }}', header: 'X-API-Key' });
    expect((await one('curl https://x.test --oauth2-bearer t-1234567')).step.auth).toEqual({ bearer: '{{ env.ACCESS_TOKEN }}' });
  });

  test('shell variables are environment references, and are not moved or noted', async () => {
    const { step, notes } = await one(`curl "$BASE_URL/users" -H "Authorization: Bearer $TOKEN" -u "ann:\${PW}"`);
    expect(step.url).toBe('{{ env.BASE_URL }}/users');
    expect(step.auth).toEqual({ bearer: '{{ env.TOKEN }}' });
    expect(notes).toEqual([]);
  });

  test('the same secret twice gets one variable; two different ones get two', async () => {
    const result = importCurl(`curl https://x.test/a -H 'Authorization: Bearer t-111111' ; curl https://x.test/b -H 'Authorization: Bearer t-111111'; curl https://x.test/c -H 'Authorization: Bearer t-222222'`, options);
    expect(result.suite.steps.map((s) => s.auth)).toEqual([{ bearer: '{{ env.ACCESS_TOKEN }}' }, { bearer: '{{ env.ACCESS_TOKEN }}' }, { bearer: '{{ env.ACCESS_TOKEN_2 }}' }]);
  });
});

describe('import curl: what is not imported, and bad input', () => {
  test('every option without an equivalent is listed with its argument index', async () => {
    const { unmapped, notes } = await one('curl -x http://proxy:3128 --cacert ca.pem --digest -u a:b --http2 --frobnicate https://x.test -o out.json -c jar.txt');
    expect(unmapped).toEqual([
      'argument 1: -x: not imported: a suite has no proxy setting',
      'argument 3: --cacert: not imported: a suite cannot name a CA file (give it to the run instead)',
      'argument 5: --digest: not imported: a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
      'argument 8: --http2: not imported: a suite speaks HTTP/1.1',
      'argument 9: --frobnicate: not imported: not a curl option curl 8 knows (if it takes a value, that value was read as a URL)',
      'argument 13: -c: not imported: a suite does not save cookies to a file',
    ]);
    expect(notes).toContain('argument 11: -o: left out: it changes only what curl prints or saves');
  });

  test('substitutions are not run: they read COMMAND_n, listed at their argument', async () => {
    const { step, unmapped } = await one(`curl https://x.test -H "Authorization: Bearer $(cat token.txt)"`);
    expect(step.auth).toEqual({ bearer: '{{ env.COMMAND_1 }}' });
    expect(unmapped).toEqual(['argument 3: $(cat token.txt) is not run: its output is read from the environment variable COMMAND_1']);
  });

  test('URL globs are said to be imported literally (unless -g)', async () => {
    expect((await one('curl https://x.test/a?x=[1]')).unmapped).toEqual([expect.stringContaining('curl expands into several requests')]);
    expect((await one('curl -g https://x.test/a?x=[1]')).unmapped).toEqual([]);
    expect((await one('curl https://[::1]:8080/a')).unmapped).toEqual([]);
  });

  test('several commands become several steps; what is piped to is a note', async () => {
    const result = importCurl('$ curl https://x.test/a | jq .\ncurl -X DELETE https://x.test/b && echo done', options);
    expect(await suiteProblems(result)).toEqual([]);
    expect(result.suite.steps.map((s) => `${s.method} ${s.url}`)).toEqual(['GET https://x.test/a', 'DELETE https://x.test/b']);
    expect(result.findings.map((f) => f.where)).toEqual(['command 2', 'command 4']);
    const next = importCurl('curl https://x.test/a -H "A: 1" --next -X POST https://x.test/b -d x=1', options);
    expect(next.suite.steps.map((s) => [s.method, s.headers])).toEqual([['GET', { A: '1' }], ['POST', undefined]]);
  });

  test('input that is not a curl command line is a usage error naming the problem', () => {
    expect(usageError(`curl 'https://x.test`)).toMatch(/unterminated ' quote at character 6/);
    expect(usageError('wget https://x.test')).toMatch(/no curl command found/);
    expect(usageError('')).toMatch(/no curl command found/);
    expect(usageError('curl -H')).toMatch(/argument 1: -H needs a value/);
    expect(usageError('curl ftp://x.test/file')).toMatch(/no HTTP URL/);
    expect(usageError('curl -s')).toMatch(/no HTTP URL/);
    expect(usageError('curl http://')).toBe('argument 1: invalid URL "http://"');
    expect(usageError("curl $'http://x.test/a\\tb'")).toBe('argument 1: URL "http://x.test/a\\tb" contains control characters (remove them, or URL-encode them)');
  });
});

describe('import curl: the line --print-curl prints comes back as the same request', () => {
  const LABELS = { url: 'url', method: 'method', headers: 'headers', bearer: 'bearer', basic: 'basic', apiKey: 'api key', apiKeyHeader: 'auth header', timeout: 'timeout', connectTimeout: 'connect timeout', maxRedirects: 'max redirects', maxBody: 'max body' };
  const spec = (over: Partial<RequestInput>) =>
    createRequestSpec({ url: 'http://h.test/x', method: null, headers: [], body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 30_000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null, ...over }, LABELS);

  test('method, headers, JSON body, bearer, redirects, TLS, timeout', async () => {
    const line = curlCommand(
      spec({ method: 'PATCH', headers: [['X-Trace', "it's"]], body: { kind: 'bytes', data: Buffer.from('{"a":"b c"}') }, auth: { authorization: { kind: 'bearer', token: new Secret('t0k3n-value') }, apiKey: null }, followRedirects: true, maxRedirects: 3, insecure: true, timeoutMs: 2500 }),
      { showSecrets: false, caFile: null },
    );
    const { step, unmapped } = await one(line);
    expect(step).toEqual({
      name: 'PATCH /x',
      method: 'PATCH',
      url: 'http://h.test/x',
      headers: { 'X-Trace': "it's", 'Content-Type': 'application/json' },
      auth: { bearer: '{{ env.ACCESS_TOKEN }}' },
      json: { a: 'b c' },
      insecure: true,
      followRedirects: true,
      maxRedirects: 3,
      timeout: 2.5,
    });
    expect(unmapped).toEqual([]);
  });
});
