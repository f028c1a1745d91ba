import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let demo: DemoServer;
const dir = mkdtempSync(join(tmpdir(), 'apitest-suite-load-'));
const suite = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
beforeAll(async () => {
  demo = await startTestDemo();
});
afterAll(async () => {
  await demo.close();
});

describe('loading and interpolating a suite', () => {
  test('auth header and query names and form file paths are interpolated', async () => {
    writeFileSync(join(dir, 'up.txt'), 'uploaded bytes');
    const file = suite(
      'templates.yaml',
      `name: t\nbaseUrl: "${demo.url}"\nvars: { q: key, h: X-Custom-Key, f: up.txt }\nsteps:\n` +
        `  - name: query\n    url: /echo\n    auth: { apiKey: k1, query: "{{ q }}" }\n    expect: { jsonpath: { "$.query.key": k1 } }\n` +
        `  - name: header\n    url: /echo\n    auth: { apiKey: k2, header: "{{ h }}" }\n    expect: { jsonpath: { "$.headers.x-custom-key": k2 } }\n` +
        `  - name: form\n    method: POST\n    url: /echo\n    form: { f: { file: "{{ f }}" } }\n    expect: { that: [ "$.body contains uploaded bytes" ] }\n`,
    );
    const r = await runCli(['run', file]);
    expect(r.stdout).toMatch(/3 passed, 0 failed/);
    expect(r.code).toBe(0);
  });
  test('a literal form file that does not exist, a bad literal auth header, and a baseUrl with a query are found before sending', async () => {
    const before = demo.requests().length;
    const file = suite(
      'bad.yaml',
      `name: b\nbaseUrl: "${demo.url}/api?x=1"\nsteps:\n` +
        `  - name: form\n    method: POST\n    url: /echo\n    form: { f: { file: missing.txt } }\n` +
        `  - name: header\n    url: /echo\n    auth: { apiKey: k, header: "X Bad" }\n`,
    );
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+: baseUrl: .*has a query or fragment/);
    expect(r.stderr).toMatch(/steps\[0\]\.form\.f\.file: cannot read "missing\.txt": no such file/);
    expect(r.stderr).toMatch(/steps\[1\]\.auth\.header: invalid header name "X Bad"/);
    expect(demo.requests().length).toBe(before);
  });
  test('a file means the same with or without an alias (YAML 1.2 numbers, tags)', async () => {
    const body = `    method: POST\n    url: /echo\n    json: { a: 0b101, b: -0x1F, e: 0x1F, d: !!float 1 }\n    expect: { jsonpath: { "$.json.a": "0b101", "$.json.b": "-0x1F", "$.json.e": 31 } }\n`;
    const plain = suite('plain.yaml', `name: &n p\nbaseUrl: "${demo.url}"\nsteps:\n  - name: s\n${body}`);
    const aliased = suite('aliased.yaml', `name: &n p\nbaseUrl: "${demo.url}"\nvars: { x: *n }\nsteps:\n  - name: s\n${body}`);
    for (const file of [plain, aliased]) {
      const r = await runCli(['run', file]);
      expect(r.stdout).toMatch(/1 passed, 0 failed/);
    }
  });
});
