import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { renderTapReport } from '../../src/render/reporters/tap.js';
import { expectGolden } from '../golden/reporters/golden.js';
import { sampleReport } from '../golden/reporters/sample-report.js';

describe('tap reporter', () => {
  test('golden', async () => {
    await expectGolden('report.tap', renderTapReport(sampleReport()));
  });

  test('TAP 14: version first, plan, one point per step, SKIP, escaped #', () => {
    const lines = renderTapReport(sampleReport()).trimEnd().split('\n');
    expect(lines[0]).toBe('TAP version 14');
    expect(lines[1]).toBe('1..9');
    const points = lines.filter((l) => /^(not )?ok \d+ /.test(l));
    expect(points.map((l) => /^(not ok|ok) (\d+)/.exec(l)?.slice(1, 3).join(' '))).toEqual(['ok 1', 'not ok 2', 'not ok 3', 'not ok 4', 'ok 5', 'ok 6', 'ok 7', 'not ok 8', 'ok 9']);
    expect(lines).toContain('ok 5 - old check # SKIP skip');
    expect(lines).toContain('not ok 3 - delete <tmp> & "quote" \\# not a comment');
  });

  test('a failure has a YAML diagnostics block with message, expected and actual', () => {
    const text = renderTapReport(sampleReport());
    const block = /not ok 2 - read it back\n {2}---\n([\s\S]*?)\n {2}\.\.\.\n/.exec(text)?.[1];
    expect(block).toBeDefined();
    const diag = parse((block ?? '').replace(/^ {2}/gm, '')) as Record<string, unknown>;
    expect(diag).toMatchObject({ message: '$.name: expected == "Ann", got "Dee" (and 1 more)', severity: 'fail', expected: 'Ann', actual: 'Dee' });
    expect(diag.failures).toHaveLength(2);
  });
});
