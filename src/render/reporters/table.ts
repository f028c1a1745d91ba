/**
 * `--reporter table` (the default): one block per file, printed as each file finishes, then the summary.
 *
 *   fixtures/suites/users.yaml  Users API
 *     ✓ create user    POST  http://127.0.0.1:3000/users      201  12ms
 *     ✗ read it back   GET   http://127.0.0.1:3000/users/4    200  3ms
 *         ✗ $.name == "Ann"
 *             expected: "Ann"
 *             actual:   "Bob"
 *     - old check      (skipped: skip)
 *
 *   1 passed, 1 failed, 1 skipped
 *
 * Pure: data in, string out. The last line is exactly `N passed, N failed[, N skipped]` (CI parses it).
 */
import type { FileReport, StepReport, Summary } from '../../model/suite-report.js';
import { formatDuration } from '../../util/duration.js';
import type { Theme } from '../theme.js';
import { showValue, summaryLine } from './show-value.js';

export interface SuiteTableView {
  /** Replace times with `~` (golden files, integration tests). */
  placeholderTimings: boolean;
}

const MAX_NAME = 40;
const MAX_URL = 70;

export function renderTableFile(file: FileReport, view: SuiteTableView, theme: Theme): string {
  const { c } = theme;
  const lines: string[] = [`${c.bold(file.file)}  ${file.name}`];
  const run = file.steps.filter((s) => !s.skipped);
  const nameWidth = Math.min(MAX_NAME, Math.max(0, ...file.steps.map((s) => s.name.length)));
  const methodWidth = Math.max(0, ...run.map((s) => (s.request?.method ?? '-').length));
  const urlWidth = Math.min(MAX_URL, Math.max(0, ...run.map((s) => (s.request?.url ?? '-').length)));
  const statusWidth = Math.max(0, ...run.map((s) => statusText(s).length));
  for (const step of file.steps) {
    if (step.skipped) {
      lines.push(c.dim(`  - ${step.name}  (skipped: ${step.skipReason ?? 'skip'})`));
      continue;
    }
    const mark = step.ok ? c.green('✓') : c.red('✗');
    const status = statusText(step);
    const statusCell = step.response ? statusColor(step.response.status, theme)(status.padEnd(statusWidth)) : c.red(status.padEnd(statusWidth));
    const time = view.placeholderTimings ? '~' : formatDuration(step.durationMs);
    const cells = [pad(step.name, nameWidth), pad(step.request?.method ?? '-', methodWidth), pad(step.request?.url ?? '-', urlWidth), statusCell, c.dim(time)];
    if (step.cache !== undefined) cells.push(c.dim(`cache: ${step.cache.status}`));
    lines.push(`  ${mark} ${cells.join('  ')}`);
    if (!step.ok) lines.push(...failureLines(step, theme));
  }
  return `${lines.join('\n')}\n`;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_CAPTURES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_TIMINGS = Object.freeze({ wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: null });

/**
 * What `renderTableFile` shows of a step, and nothing else: name, status, method, URL, time, the error and
 * the failed expectations (no headers, timings, captures or passed expectations). When the table on stdout
 * is the only reporter, a run keeps each step in this form until its file is printed, so a file of many
 * steps holds a few hundred bytes per step instead of the whole record.
 */
export function tableStep(step: StepReport): StepReport {
  const { request, response } = step;
  return {
    name: step.name,
    ok: step.ok,
    skipped: step.skipped,
    skipReason: step.skipReason,
    request: request === null ? null : { method: request.method, url: request.url, headers: NO_HEADERS },
    response: response === null ? null : { status: response.status, statusText: '', headers: NO_HEADERS, timings: NO_TIMINGS, size: 0 },
    attempts: step.attempts,
    durationMs: step.durationMs,
    pagination: null,
    expectations: step.ok ? [] : step.expectations.filter((e) => !e.ok),
    captures: NO_CAPTURES,
    error: step.error,
    ...(step.cache === undefined ? {} : { cache: step.cache }),
  };
}

export function renderTableSummary(summary: Summary, theme: Theme): string {
  const line = summaryLine(summary);
  return `\n${summary.failed > 0 ? theme.c.red(line) : theme.c.green(line)}\n`;
}

/** The whole report at once (golden files); the command prints files as they finish instead. */
export function renderTableReport(files: readonly FileReport[], summary: Summary, view: SuiteTableView, theme: Theme): string {
  return files.map((f) => renderTableFile(f, view, theme)).join('\n') + renderTableSummary(summary, theme);
}

function failureLines(step: StepReport, theme: Theme): string[] {
  const { c } = theme;
  const out: string[] = [];
  const failed = step.expectations.filter((e) => !e.ok);
  const shownByChecks = step.error?.kind === 'expectation' || (step.error?.kind === 'http' && failed.some((e) => e.expression === 'status < 400'));
  if (step.error && !shownByChecks) out.push(`      ${c.red(`error (${step.error.kind}):`)} ${step.error.message}`);
  for (const exp of failed) {
    out.push(`      ${c.red('✗')} ${exp.expression}`);
    out.push(`          expected: ${showValue(exp.expected)}`);
    out.push(`          actual:   ${showValue(exp.actual)}`);
  }
  return out;
}

function statusText(step: StepReport): string {
  if (step.response) return String(step.response.status);
  return step.error?.code ?? '-';
}

function statusColor(status: number, theme: Theme): (s: string) => string {
  if (status >= 500) return theme.c.red;
  if (status >= 400) return theme.c.yellow;
  if (status >= 300) return theme.c.cyan;
  return theme.c.green;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text.padEnd(width);
}
