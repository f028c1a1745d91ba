/**
 * `--reporter junit`: JUnit XML as GitHub Actions, GitLab and Jenkins read it.
 * `testsuites` > one `testsuite` per file (name, tests, failures, errors, skipped, time, file) > one
 * `testcase` per step (name, classname = the suite's name, time in seconds).
 * A step that got no response (connection, TLS, timeout, or an invalid request) is an `error`; any other
 * failed step (expectation, status >= 400, capture, variable) a `failure`, whose text lists each failed
 * expectation with its expected and actual values. Skipped steps carry `skipped`. Pure.
 */
import type { FileReport, StepReport, SuiteReport } from '../../model/suite-report.js';
import { showValue } from './show-value.js';
import { openTag, xmlText } from './xml.js';

const ERROR_KINDS = new Set(['connection', 'tls', 'timeout', 'usage']);

export function renderJunitReport(report: SuiteReport): string {
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = report.files.map((file) => {
    const counts = countFile(file);
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    return renderSuite(file, counts);
  });
  const head = openTag('testsuites', { name: 'apitest', ...totals, time: seconds(report.summary.durationMs) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}>\n${suites.join('')}</testsuites>\n`;
}

function countFile(file: FileReport): { tests: number; failures: number; errors: number; skipped: number } {
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const step of file.steps) {
    if (step.skipped) skipped++;
    else if (!step.ok && isError(step)) errors++;
    else if (!step.ok) failures++;
  }
  return { tests: file.steps.length, failures, errors, skipped };
}

function renderSuite(file: FileReport, counts: ReturnType<typeof countFile>): string {
  const head = openTag('testsuite', { name: file.name, ...counts, time: seconds(file.durationMs), file: file.file });
  const cases = file.steps.map((step) => renderCase(step, file)).join('');
  return `  ${head}>\n${cases}  </testsuite>\n`;
}

function renderCase(step: StepReport, file: FileReport): string {
  const head = `    ${openTag('testcase', { name: step.name, classname: file.name, time: seconds(step.durationMs), file: file.file })}`;
  if (step.skipped) return `${head}>\n      ${openTag('skipped', { message: `skipped: ${step.skipReason ?? 'skip'}` })}/>\n    </testcase>\n`;
  if (step.ok) return `${head}/>\n`;
  const tag = isError(step) ? 'error' : 'failure';
  const error = step.error;
  const message = error?.message ?? 'failed';
  const attrs = { message, type: error?.kind ?? 'expectation' };
  return `${head}>\n      ${openTag(tag, attrs)}>${xmlText(detail(step))}</${tag}>\n    </testcase>\n`;
}

/** The failure text: the error, then each failed expectation with expected and actual. */
function detail(step: StepReport): string {
  const lines: string[] = [];
  if (step.error) lines.push(`${step.error.kind} (${step.error.code}): ${step.error.message}`);
  if (step.request) lines.push(`request: ${step.request.method} ${step.request.url}`);
  if (step.response) lines.push(`response: ${step.response.status} ${step.response.statusText}`.trimEnd());
  for (const exp of step.expectations.filter((e) => !e.ok)) {
    lines.push(`${exp.expression}`, `  expected: ${showValue(exp.expected, 1000)}`, `  actual:   ${showValue(exp.actual, 1000)}`);
  }
  return `${lines.join('\n')}\n`;
}

function isError(step: StepReport): boolean {
  return step.error !== null && ERROR_KINDS.has(step.error.kind);
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
