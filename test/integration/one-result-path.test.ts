/**
 * A single request and a suite step are settled by the same code (src/result/settle.ts): through the real
 * binary, the same response gives the same `body contains` results, the same masking and the same timing fields
 * in the `--json` document, the table and a suite report.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const tmp = mkdtempSync(join(tmpdir(), 'apitest-one-path-'));
const TOKEN = 'tok_OneResultPath_0123456789';

function suiteReport(steps: string): any {
  const file = join(tmp, `s-${Math.random().toString(36).slice(2)}.yaml`);
  const report = `${file}.json`;
  writeFileSync(file, `name: one path\nbaseUrl: "${demo.url}"\nsteps:\n${steps}`);
  return { file, report };
}

describe('one result path', () => {
  test('a JSON body that echoes the bearer token: same checks, same masking, same timing fields everywhere', async () => {
    const checks = ['body contains "latest"', `body contains "${TOKEN}"`, 'status == 200'];
    const args = [`${demo.url}/echo/latest`, '--bearer', TOKEN, ...checks.flatMap((c) => ['--expect', c])];
    const json = await runCli([...args, '--json']);
    const table = await runCli(args);
    const { file, report } = suiteReport(
      `  - name: echo\n    url: /echo/latest\n    auth: { bearer: "{{ env.TOKEN }}" }\n    expect:\n      that:\n${checks.map((c) => `        - '${c}'`).join('\n')}\n`,
    );
    const suite = await runCli(['run', file, '--reporter', `json:${report}`], { env: { TOKEN } });
    expect([json.code, table.code, suite.code]).toEqual([0, 0, 0]);

    const doc = parseJsonDocument(json.stdout);
    const step = JSON.parse(readFileSync(report, 'utf8')).files[0].steps[0];
    const results = (list: Array<{ expression: string; ok: boolean }>) => list.map((e) => [e.expression, e.ok]);
    const masked = [
      ['body contains "latest"', true],
      ['body contains "****6789"', true],
      ['status == 200', true],
    ];
    expect(results(doc.expectations)).toEqual(masked);
    expect(results(step.expectations)).toEqual(masked);
    for (const [expression] of masked) expect(table.stdout).toContain(`✔ ${expression}`);
    for (const out of [json.stdout, json.stderr, table.stdout, table.stderr, suite.stdout, suite.stderr, readFileSync(report, 'utf8')]) expect(out).not.toContain(TOKEN);
    // The same masked credential header, and the same timing fields (rounded to 0.01 ms in both).
    expect(step.request.headers.authorization).toBe(doc.request.headers.authorization);
    expect(Object.keys(step.response.timings)).toEqual(Object.keys(doc.timings));
    for (const t of [doc.timings.total, step.response.timings.total]) expect(Math.round(t * 100) / 100).toBe(t);
  });

  test('a binary body: `body contains` reads its UTF-8 text in a single request and in a suite step alike', async () => {
    // /bytes/n sends bytes 0, 1, 2, …: "ABC" is bytes 65-67, among invalid UTF-8 sequences.
    const cli = await runCli([`${demo.url}/bytes/256`, '--expect', 'body contains "ABC"', '--json']);
    const { file, report } = suiteReport(`  - url: /bytes/256\n    expect:\n      body: { contains: ABC }\n`);
    const suite = await runCli(['run', file, '--reporter', `json:${report}`]);
    expect(cli.code).toBe(0);
    expect(suite.code).toBe(0);
    expect(parseJsonDocument(cli.stdout).expectations[0].ok).toBe(true);
    expect(JSON.parse(readFileSync(report, 'utf8')).files[0].steps[0].expectations[0].ok).toBe(true);
  });

  test('a 404 with a failing expectation: the status decides (exit 5) in both, listed first as `status < 400`', async () => {
    const cli = await runCli([`${demo.url}/status/404`, '--expect', '$.status == 200', '--json']);
    const { file, report } = suiteReport(`  - url: /status/404\n    expect:\n      jsonpath: { $.status: 200 }\n`);
    const suite = await runCli(['run', file, '--reporter', `json:${report}`]);
    const doc = parseJsonDocument(cli.stdout);
    const step = JSON.parse(readFileSync(report, 'utf8')).files[0].steps[0];
    expect(cli.code).toBe(5);
    expect(doc.error.kind).toBe('http');
    expect(step.error.kind).toBe('http');
    expect(doc.expectations.map((e: any) => e.expression)).toEqual(['status < 400', '$.status == 200']);
    expect(step.expectations.map((e: any) => e.expression)).toEqual(['status < 400', '$.status == 200']);
    expect(cli.stderr).toBe(`apitest: error: 404 Not Found from ${demo.url}/status/404: not found (check the URL path)\n`);
  });
});
