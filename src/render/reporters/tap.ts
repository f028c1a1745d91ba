/**
 * `--reporter tap`: TAP version 14. One test point per step, numbered across files; a comment line names
 * each file. Skipped steps are `ok N - name # SKIP reason`; a failed step carries a YAML diagnostics
 * block (message, severity, kind, expected, actual; all failed expectations when there are several).
 * Pure.
 */
import { stringify } from 'yaml';
import type { StepReport, SuiteReport } from '../../model/suite-report.js';
import { summaryLine } from './show-value.js';

export function renderTapReport(report: SuiteReport): string {
  const total = report.files.reduce((n, f) => n + f.steps.length, 0);
  const lines = ['TAP version 14', `1..${total}`];
  let n = 0;
  for (const file of report.files) {
    lines.push(`# ${oneLine(file.name)} (${oneLine(file.file)})`);
    for (const step of file.steps) {
      n++;
      const name = description(step.name);
      if (step.skipped) lines.push(`ok ${n} - ${name} # SKIP ${step.skipReason ?? 'skip'}`);
      else if (step.ok) lines.push(`ok ${n} - ${name}`);
      else lines.push(`not ok ${n} - ${name}`, ...diagnostics(step, file.file));
    }
  }
  lines.push(`# ${summaryLine(report.summary)}`);
  return `${lines.join('\n')}\n`;
}

function diagnostics(step: StepReport, file: string): string[] {
  const failed = step.expectations.filter((e) => !e.ok);
  const first = failed[0];
  const block: Record<string, unknown> = {
    message: step.error?.message ?? first?.message ?? 'failed',
    severity: 'fail',
    kind: step.error?.kind ?? 'expectation',
  };
  if (first) {
    block.expected = first.expected;
    block.actual = first.actual;
  }
  if (failed.length > 1) block.failures = failed.map((e) => ({ expression: e.expression, expected: e.expected, actual: e.actual }));
  if (step.request) block.request = `${step.request.method} ${step.request.url}`;
  if (step.response) block.status = step.response.status;
  block.file = file;
  const yaml = stringify(block, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' }).trimEnd();
  return ['  ---', ...yaml.split('\n').map((line) => `  ${line}`), '  ...'];
}

/** A test point description: one line, `#` and `\` escaped (TAP 14). */
function description(name: string): string {
  return oneLine(name).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
