/**
 * Golden files for the table report (colours off, timings replaced by `~` under APITEST_PLACEHOLDER_TIMINGS=1).
 * What varies between runs (port, Date, ETag, ISO reset times, version) is normalised before comparing,
 * keeping widths so the table borders still line up. APITEST_UPDATE_GOLDEN=1 rewrites the files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const GOLDEN_DIR = new URL('../golden/', import.meta.url);
const UPDATE = process.env.APITEST_UPDATE_GOLDEN === '1';

/** `label` padded with `~` to the width of what it replaces, so tables keep their shape. */
function same(width: string, label: string): string {
  return label.length >= width.length ? label : label + '~'.repeat(width.length - label.length);
}

export function normalise(text: string): string {
  return text
    .replace(/(127\.0\.0\.1|localhost):\d{2,5}/g, (m, host: string) => `${host}:${same(m.slice(host.length + 1), 'PORT')}`)
    .replace(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g, (m) => same(m, '<http-date>'))
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, (m) => same(m, '<iso-time>'))
    .replace(/(│ etag +│ )("[^"]*")/g, (_m, cell: string, tag: string) => cell + same(tag, '<etag>'))
    .replace(/apitest\/\d+\.\d+\.\d+[\w.+-]*/g, (m) => same(m, 'apitest/<version>'));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface GoldenCase {
  name: string;
  args: (base: string) => string[] | Promise<string[]>;
  code: number;
}

const cases: GoldenCase[] = [
  { name: 'get-user', args: (b) => [`${b}/users/1`], code: 0 },
  { name: 'status-404', args: (b) => [`${b}/status/404`], code: 5 },
  { name: 'status-429-retry-after', args: (b) => [`${b}/status/429`], code: 5 },
  { name: 'ratelimit-x-seconds', args: (b) => [`${b}/ratelimit/x-seconds?limit=10&remaining=0&reset=10`], code: 0 },
  { name: 'redirect-follow', args: (b) => [`${b}/redirect/2`, '-L'], code: 0 },
  { name: 'redirect-not-followed', args: (b) => [`${b}/redirect/1`], code: 0 },
  { name: 'text-body', args: (b) => [`${b}/text`], code: 0 },
  { name: 'binary-body', args: (b) => [`${b}/bytes/16`], code: 0 },
  { name: 'post-echo-masked', args: (b) => [`${b}/echo?page=2`, '-d', '{"name":"Ann"}', '--bearer=tok_golden_0123456789_wxyz'], code: 0 },
  { name: 'connection-refused', args: async () => [`http://127.0.0.1:${await closedPort()}/users`], code: 3 },
];

describe('golden table output', () => {
  test.each(cases)('$name', async ({ name, args, code }) => {
    const result = await runCli(await args(demo.url), { env: { APITEST_PLACEHOLDER_TIMINGS: '1' } });
    expect(result.code).toBe(code);
    const actual = normalise(result.stdout);
    const actualErr = normalise(result.stderr);
    const outFile = new URL(`${name}.out`, GOLDEN_DIR);
    const errFile = new URL(`${name}.err`, GOLDEN_DIR);
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(outFile, actual);
      if (actualErr !== '') writeFileSync(errFile, actualErr);
      return;
    }
    if (!existsSync(outFile)) throw new Error(`missing golden file test/golden/${name}.out: run with APITEST_UPDATE_GOLDEN=1`);
    expect(actual).toBe(readFileSync(outFile, 'utf8'));
    expect(actualErr).toBe(existsSync(errFile) ? readFileSync(errFile, 'utf8') : '');
  });
});
