/** What goes on the wire: URL rules, method, headers, query, bodies, forms; asserted at the demo server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const tmp = mkdtempSync(join(tmpdir(), 'apitest-request-'));

interface Echo {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  bodyBytes: number;
}

/** Runs apitest against /echo and returns what the server saw (the echoed request), via --format body. */
async function echo(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<Echo> {
  const result = await runCli([...args, '--format', 'body'], options);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Echo;
}

describe('URL rules', () => {
  test('a URL without scheme is http://', async () => {
    const hostPort = demo.url.replace('http://', '');
    const seen = await echo([`${hostPort}/echo`]);
    expect(seen.path).toBe('/echo');
  });

  test('`:PORT/path` is http://localhost:PORT/path', async () => {
    const seen = await echo([`:${demo.server.port}/echo/short`]);
    expect(seen.path).toBe('/echo/short');
    expect(seen.headers.host).toBe(`localhost:${demo.server.port}`);
  });

  test('--url gives the URL too (long form only: -u is curl\'s --user)', async () => {
    expect((await echo(['--url', `${demo.url}/echo/a`])).path).toBe('/echo/a');
  });

  test('the URL given twice is a usage error', async () => {
    const result = await runCli([`${demo.url}/echo`, '--url', `${demo.url}/echo`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apitest: error: the URL is given twice/);
  });
});

describe('method', () => {
  test('GET by default, POST when a body is given', async () => {
    expect((await echo([`${demo.url}/echo`])).method).toBe('GET');
    expect((await echo([`${demo.url}/echo`, '-d', 'x'])).method).toBe('POST');
    expect((await echo([`${demo.url}/echo`, '-F', 'a=1'])).method).toBe('POST');
  });

  test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('-X %s without a body is sent and answered (no hang)', async (method) => {
    const seen = await echo([`${demo.url}/echo`, '-X', method, '--timeout', '5s']);
    expect(seen.method).toBe(method);
    expect(seen.bodyBytes).toBe(0);
  });

  test('the method is upper-cased; -X overrides the POST default', async () => {
    expect((await echo([`${demo.url}/echo`, '-X', 'patch'])).method).toBe('PATCH');
    expect((await echo([`${demo.url}/echo`, '-X', 'PUT', '-d', '{"a":1}'])).method).toBe('PUT');
  });

  test('HEAD shows the headers and an empty body', async () => {
    const result = await runCli([`${demo.url}/users/1`, '-X', 'HEAD', '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.request.method).toBe('HEAD');
    expect(doc.response.status).toBe(200);
    expect(doc.response.body).toBeNull();
  });
});

describe('headers and query', () => {
  test('-H is repeatable, --headers adds a JSON object, -H wins on the same name', async () => {
    const seen = await echo([
      `${demo.url}/echo`,
      '-H', 'X-One: 1',
      '-H', 'X-Two:   two words  ',
      '--headers', '{"X-Three": "3", "X-One": "from-json"}',
    ]);
    expect(seen.headers['x-one']).toBe('1');
    expect(seen.headers['x-two']).toBe('two words');
    expect(seen.headers['x-three']).toBe('3');
  });

  test('a User-Agent and Accept-Encoding are sent unless given', async () => {
    const seen = await echo([`${demo.url}/echo`]);
    expect(seen.headers['user-agent']).toMatch(/^apitest\//);
    expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
    const mine = await echo([`${demo.url}/echo`, '-H', 'User-Agent: mine/1']);
    expect(mine.headers['user-agent']).toBe('mine/1');
  });

  test('-q is repeatable, URL-encoded and appended to an existing query', async () => {
    const seen = await echo([`${demo.url}/echo?z=0`, '-q', 'a=b c', '-q', 'sym=&?=/', '-q', 'a=2', '-q', 'empty=']);
    expect(seen.query).toEqual({ z: '0', a: ['b c', '2'], sym: '&?=/', empty: '' });
  });
});

describe('bodies', () => {
  test('-d with JSON is sent as application/json', async () => {
    const seen = await echo([`${demo.url}/echo`, '-d', '{"name":"Ann"}']);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.json).toEqual({ name: 'Ann' });
  });

  test('-d with other text is text/plain; charset=utf-8', async () => {
    const seen = await echo([`${demo.url}/echo`, '-d', 'héllo world']);
    expect(seen.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(seen.body).toBe('héllo world');
  });

  test('a Content-Type given with -H is kept', async () => {
    const seen = await echo([`${demo.url}/echo`, '-d', '{"a":1}', '-H', 'content-type: application/vnd.api+json']);
    expect(seen.headers['content-type']).toBe('application/vnd.api+json');
  });

  test('-d @file sends the file as is', async () => {
    const file = join(tmp, 'body.json');
    writeFileSync(file, '[1, 2, 3]\n');
    const seen = await echo([`${demo.url}/echo`, '-d', `@${file}`]);
    expect(seen.body).toBe('[1, 2, 3]\n');
    expect(seen.headers['content-type']).toBe('application/json');
  });

  test('-d @- reads stdin', async () => {
    const seen = await echo([`${demo.url}/echo`, '-d', '@-'], { stdin: '{"from":"stdin"}' });
    expect(seen.json).toEqual({ from: 'stdin' });
  });

  test('-F sends multipart fields and files', async () => {
    const file = join(tmp, 'note.txt');
    writeFileSync(file, 'file content\n');
    const seen = await echo([`${demo.url}/echo`, '-F', 'title=hello', '-F', `upload=@${file}`]);
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.body).toContain('Content-Disposition: form-data; name="title"\r\n\r\nhello\r\n');
    expect(seen.body).toContain('Content-Disposition: form-data; name="upload"; filename="note.txt"');
    expect(seen.body).toContain('file content\n');
  });
});

describe('redirects', () => {
  test('without -L a 3xx is shown as is (exit 0)', async () => {
    const result = await runCli([`${demo.url}/redirect/2`, '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.status).toBe(302);
    expect(doc.response.headers.location).toBe('/redirect/1');
    expect(doc.redirects).toEqual([]);
  });

  test('-L follows and lists the hops', async () => {
    const result = await runCli([`${demo.url}/redirect/3`, '-L', '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.status).toBe(200);
    expect(doc.response.body).toEqual({ redirected: true });
    expect(doc.redirects).toEqual([1, 2, 3].map((i) => ({ status: 302, url: `${demo.url}/redirect/${3 - i}` })));
    expect(doc.request.url).toBe(`${demo.url}/redirect/0`);
  });

  test('--max-redirects stops the chain: exit 3 with a hint', async () => {
    const result = await runCli([`${demo.url}/redirect/5`, '-L', '--max-redirects', '2', '--json']);
    expect(result.code).toBe(3);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(result.stderr).toMatch(/^apitest: error: too many redirects: stopped after 2 .*--max-redirects/);
  });

  test.each([
    [301, 'GET'],
    [302, 'GET'],
    [303, 'GET'],
    [307, 'POST'],
    [308, 'POST'],
  ])('POST then %i: %s on the next hop', async (status, method) => {
    const seen = await echo([`${demo.url}/status/${status}`, '-L', '-d', '{"a":1}']);
    expect(seen.path).toBe('/echo');
    expect(seen.method).toBe(method);
    if (method === 'GET') {
      expect(seen.bodyBytes).toBe(0);
      expect(seen.headers['content-type']).toBeUndefined();
    } else {
      expect(seen.json).toEqual({ a: 1 });
    }
  });
});

describe('compressed responses', () => {
  let server: Server;
  let url: string;
  const payload = JSON.stringify({ compressed: true, items: Array.from({ length: 50 }, (_, i) => i) });
  const gz = gzipSync(payload);
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-saw-accept-encoding': String(req.headers['accept-encoding']) });
      res.end(gz);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('gzip bodies are decoded; size counts the bytes received', async () => {
    const result = await runCli([url, '--json']);
    expect(result.code).toBe(0);
    const doc = parseJsonDocument(result.stdout);
    expect(doc.response.body).toEqual(JSON.parse(payload));
    expect(doc.response.size).toBe(gz.length);
    expect(doc.response.headers['x-saw-accept-encoding']).toBe('gzip, deflate, br');
  });
});
