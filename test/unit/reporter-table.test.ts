import { describe, expect, test } from '@jest/globals';
import { renderTableFile, renderTableReport, renderTableSummary, tableStep } from '../../src/render/reporters/table.js';
import { createTheme } from '../../src/render/theme.js';
import { expectGolden } from '../golden/reporters/golden.js';
import { sampleReport } from '../golden/reporters/sample-report.js';

const plain = createTheme(0);

describe('table reporter', () => {
  test('golden: the whole report, timings shown', async () => {
    const report = sampleReport();
    await expectGolden('table.txt', renderTableReport(report.files, report.summary, { placeholderTimings: false }, plain));
  });

  test('golden: placeholder timings, colours', async () => {
    const report = sampleReport();
    await expectGolden('table-color.txt', renderTableReport(report.files, report.summary, { placeholderTimings: true }, createTheme(1)));
  });

  test('the last line is exactly "N passed, N failed[, N skipped]"', () => {
    const lines = (s: string): string[] => s.trimEnd().split('\n');
    expect(lines(renderTableSummary({ passed: 3, failed: 0, skipped: 0, durationMs: 1 }, plain)).at(-1)).toBe('3 passed, 0 failed');
    expect(lines(renderTableSummary({ passed: 1, failed: 2, skipped: 4, durationMs: 1 }, plain)).at(-1)).toBe('1 passed, 2 failed, 4 skipped');
    const report = sampleReport();
    expect(lines(renderTableReport(report.files, report.summary, { placeholderTimings: true }, plain)).at(-1)).toBe('2 passed, 4 failed, 3 skipped');
  });

  test('tableStep keeps what the table shows: the same output, without headers, timings, captures, passed checks', () => {
    const report = sampleReport();
    const slim = report.files.map((f) => ({ ...f, steps: f.steps.map(tableStep) }));
    for (const view of [{ placeholderTimings: false }, { placeholderTimings: true }]) {
      expect(renderTableReport(slim, report.summary, view, createTheme(1))).toBe(renderTableReport(report.files, report.summary, view, createTheme(1)));
    }
    const steps = slim.flatMap((f) => f.steps);
    expect(steps.every((s) => Object.keys(s.request?.headers ?? {}).length === 0 && Object.keys(s.response?.headers ?? {}).length === 0)).toBe(true);
    expect(steps.every((s) => Object.keys(s.captures).length === 0 && s.expectations.every((e) => !e.ok))).toBe(true);
    const full = report.files.flatMap((f) => f.steps);
    expect(JSON.stringify(steps).length).toBeLessThan(JSON.stringify(full).length);
  });

  test('a failed step lists each failed expectation with expected and actual', () => {
    const file = sampleReport().files[0];
    if (!file) throw new Error('no file');
    const text = renderTableFile(file, { placeholderTimings: true }, plain);
    expect(text).toContain('  ✗ read it back');
    expect(text).toContain('      ✗ $.name == "Ann"\n          expected: "Ann"\n          actual:   "Dee"');
    expect(text).toContain('error (variable): {{ etag2 }} has no value');
  });
});
