/** The one table of error kinds (src/errors.ts) is what the docs and the published schemas say. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { ERROR_KINDS, ExitCode, REQUEST_ERROR_KINDS, STEP_ERROR_KINDS, type ErrorKind } from '../../src/errors.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** `| 3 | … | \`tls\` | … |` rows of a markdown table: exit code → kinds named on the row. */
function tableRows(markdown: string, heading: string): Array<{ exit: number; kinds: string[] }> {
  const section = markdown.slice(markdown.indexOf(heading));
  const table = section.slice(0, section.search(/\n\n(?!\|)/) + 1);
  return [...table.matchAll(/^\| (\d+) \|(.*)$/gm)].map((m) => ({ exit: Number(m[1]), kinds: [...(m[2] ?? '').matchAll(/`([a-z]+)`/g)].map((k) => k[1] ?? '') }));
}

describe('error kinds', () => {
  test('every kind has an exit code from the ExitCode table; internal errors are 70', () => {
    for (const row of Object.values(ERROR_KINDS)) expect(Object.values(ExitCode)).toContain(row.exitCode);
    expect(ERROR_KINDS.internal.exitCode).toBe(70);
  });

  test("docs/cli.md's exit-code table names each single-request kind on the row of its exit code", () => {
    const rows = tableRows(read('docs/cli.md'), '## Exit codes');
    for (const kind of REQUEST_ERROR_KINDS) {
      const row = rows.find((r) => r.kinds.includes(kind));
      expect({ kind, exit: row?.exit }).toEqual({ kind, exit: ERROR_KINDS[kind].exitCode });
    }
    expect(rows.flatMap((r) => r.kinds).filter((k) => !(k in ERROR_KINDS))).toEqual([]);
  });

  test("the README's exit-code table has exactly the exit codes of the table", () => {
    const codes = tableRows(read('README.md'), '## Exit codes').map((r) => r.exit);
    expect([...new Set(codes)].sort((a, b) => a - b)).toEqual([...new Set([0, ...Object.values(ERROR_KINDS).map((r) => r.exitCode)])].sort((a, b) => a - b));
  });

  test("the published schemas' kind enums are the table's", () => {
    const request = JSON.parse(read('docs/json-output.schema.json'));
    const report = JSON.parse(read('docs/suite-report.schema.json'));
    expect(JSON.stringify(request)).toContain(JSON.stringify(REQUEST_ERROR_KINDS));
    expect(JSON.stringify(report)).toContain(JSON.stringify(STEP_ERROR_KINDS));
    const all = new Set<ErrorKind>([...REQUEST_ERROR_KINDS, ...STEP_ERROR_KINDS]);
    expect([...all].sort()).toEqual(Object.keys(ERROR_KINDS).sort());
  });
});
