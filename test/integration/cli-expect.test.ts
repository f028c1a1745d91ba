import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let demo: DemoServer;
const dir = mkdtempSync(join(tmpdir(), 'apitest-expect-'));
beforeAll(async () => {
  demo = await startTestDemo();
});
afterAll(async () => {
  await demo.close();
});

describe('expectations on a single request', () => {
  test('passing checks exit 0; the table shows each as passed', async () => {
    const r = await runCli([`${demo.url}/users/1`, '--expect', 'status == 200', '--expect', '$.name == "Ann"', '--expect', 'header content-type contains json', '--expect', 'count $.roles >= 1', '--expect', 'duration < 5000', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Expectations\n✔ status == 200\n✔ \$\.name == "Ann"\n✔ header content-type contains json\n✔ count \$\.roles >= 1\n✔ duration < 5000/);
  });
  test('a failed expectation exits 1 and reports expression, expected and actual', async () => {
    const r = await runCli([`${demo.url}/users/1`, '--expect', '$.email matches /@example\\.org$/', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.kind).toBe('expectation');
    expect(doc.expectations).toEqual([
      expect.objectContaining({ expression: '$.email matches /@example\\.org$/', ok: false, actual: 'ann@example.com' }),
    ]);
    expect(r.stderr).toBe('apitest: error: 1 of 1 expectation failed\n');
  });
  test('duration: the actual value is the total time rounded to 0.01 ms, as the timings show it (--json, table, suite reports, walks)', async () => {
    const twoDecimals = /^\d+(\.\d{1,2})?$/;
    const r = await runCli([`${demo.url}/users/1`, '--expect', 'duration < 0.001', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const check = doc.expectations[0];
    expect(String(check.actual)).toMatch(twoDecimals);
    expect(check.actual).toBe(doc.timings.total);
    expect(check.message).toBe(`duration: expected < 0.001, got ${check.actual}`);
    const table = await runCli([`${demo.url}/users/1`, '--expect', 'duration < 0.001', '--no-color']);
    expect(/actual: {3}(\S+)/.exec(table.stdout)?.[1]).toMatch(twoDecimals);
    const walk = await runCli([`${demo.url}/pages/link`, '--paginate', '--expect', 'duration < 0.001', '--json']);
    expect(String(JSON.parse(walk.stdout).expectations[0].actual)).toMatch(twoDecimals);
    const suite = join(dir, 'duration.yaml');
    writeFileSync(suite, `name: d\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /users/1\n    expect:\n      duration: { lt: 0.001 }\n      that: [ "duration < 0.001" ]\n`);
    const report = await runCli(['run', suite, '--reporter', 'json']);
    expect(report.code).toBe(1);
    const step = JSON.parse(report.stdout).files[0].steps[0];
    expect(step.expectations.length).toBe(2);
    for (const e of step.expectations) {
      expect(String(e.actual)).toMatch(twoDecimals);
      expect(e.message).toContain(String(e.actual));
    }
  });
  test('--expect-status replaces the "status >= 400 exits 5" rule', async () => {
    expect((await runCli([`${demo.url}/users/999`])).code).toBe(5);
    expect((await runCli([`${demo.url}/users/999`, '--expect-status', '404'])).code).toBe(0);
    expect((await runCli([`${demo.url}/users/999`, '--expect-status', '2xx'])).code).toBe(1);
    expect((await runCli([`${demo.url}/users/1`, '--expect-status', '200,201'])).code).toBe(0);
  });
  test('--schema validates the JSON body (draft-07 and 2020-12)', async () => {
    const draft7 = join(dir, 'user-07.json');
    writeFileSync(draft7, JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' } } }));
    const strict = join(dir, 'user-2020.json');
    writeFileSync(strict, JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['nickname'] }));
    expect((await runCli([`${demo.url}/users/1`, '--schema', draft7])).code).toBe(0);
    const bad = await runCli([`${demo.url}/users/1`, '--schema', strict, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).expectations[0].message).toMatch(/nickname/);
  });
  test('bad expressions, status lists and schema files are usage errors before any request', async () => {
    const before = demo.requests().length;
    for (const args of [['--expect', 'status =! 200'], ['--expect', '$[ == 1'], ['--expect-status', 'abc'], ['--schema', join(dir, 'missing.json')], ['--expect', '$.x matches /(/']]) {
      const r = await runCli([`${demo.url}/users/1`, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^apitest: error: /);
    }
    expect(demo.requests().length).toBe(before);
  });
});
