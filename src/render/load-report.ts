/**
 * The table report of `apitest load` (stdout), a pure function of the settled record (load/load-report.ts):
 * what was run, requests and throughput, latency percentiles (and, with --rate, the uncorrected ones beside),
 * the latency distribution as a text histogram (one bar per bucket, as hey and oha print it), each step's
 * figures (--suite), statuses, errors and the SLOs. APITEST_PLACEHOLDER_TIMINGS=1 replaces every measured figure
 * by `~` (golden tests).
 */
import type { LoadReport } from '../load/load-report.js';
import type { LatencySummary } from '../model/load-document.js';
import { formatDuration } from '../util/duration.js';
import type { Theme } from './theme.js';

const BAR_WIDTH = 40;

export function renderLoadTable(report: LoadReport, theme: Theme, placeholder = false): string {
  const { c } = theme;
  const d = report.document;
  const fig = (text: string): string => (placeholder ? '~' : text);
  const lines: string[] = [];
  // --suite: the virtual users (closed model) or the passes of the suite (open model) are what is scheduled.
  const suite = d.steps !== null;
  const model =
    d.rate === null
      ? 'closed model: each connection sends when answered'
      : suite
        ? `open model: ${rateText(d.rate)} passes of the suite/s scheduled, at most ${num(d.connections)} at once`
        : `open model: ${rateText(d.rate)} req/s scheduled`;
  const late = suite ? { unit: ' passes', notOnTime: 'not started on time', never: 'never started' } : { unit: '', notOnTime: 'not sent on time', never: 'never sent' };
  lines.push(c.bold(`Load ${d.url}`));
  lines.push(c.dim(`  ${d.connections} connection${d.connections === 1 ? '' : 's'}, ${model}${report.warmupMs > 0 ? `, after ${formatDuration(report.warmupMs)} of warm-up` : ''}${report.stoppedBy === 'interrupt' ? ', interrupted' : ''}`));
  lines.push('');
  lines.push(`  ${label('Duration')}${fig(formatMs(d.durationMs))}`);
  const failed = d.requests.failed > 0 ? c.red(`${num(d.requests.failed)} failed`) : '0 failed';
  lines.push(`  ${label('Requests')}${fig(num(d.requests.total))} total, ${fig(num(d.requests.ok))} ok, ${placeholder ? '~' : failed}${d.rate !== null ? `, ${fig(num(d.requests.notSentOnTime))}${late.unit} ${late.notOnTime}${report.neverSent > 0 ? ` (${fig(num(report.neverSent))} of them ${late.never})` : ''}` : ''}`);
  lines.push(`  ${label('Throughput')}${fig(num(d.rps))} req/s, ${fig(bytes(d.bytesPerSecond))}/s`);
  lines.push('');
  lines.push(`  ${c.bold(d.rate === null ? 'Latency' : 'Latency (from the intended send time: coordinated omission corrected)')}`);
  lines.push(latencyLine(d.latency, fig));
  if (d.latencyUncorrected !== null) {
    lines.push(`  ${c.bold('Latency uncorrected')} ${c.dim('(from the actual send: hides the time requests waited)')}`);
    lines.push(latencyLine(d.latencyUncorrected, fig));
  }
  if (report.buckets.length > 0 && !placeholder) {
    lines.push('');
    lines.push(`  ${c.bold('Latency distribution')}`);
    const top = Math.max(...report.buckets.map((b) => b.count));
    const width = Math.max(...report.buckets.map((b) => formatMs(b.toMs).length));
    const countWidth = Math.max(...report.buckets.map((b) => num(b.count).length));
    for (const b of report.buckets) {
      const bar = top === 0 || b.count === 0 ? '' : '■'.repeat(Math.max(1, Math.round((b.count / top) * BAR_WIDTH)));
      lines.push(`    ${formatMs(b.toMs).padStart(width)} [${num(b.count).padStart(countWidth)}] |${c.cyan(bar)}`);
    }
  }
  if (d.steps !== null && d.steps.length > 0) {
    lines.push('');
    lines.push(`  ${c.bold('Steps')} ${c.dim(d.rate === null ? '(latency of their responses)' : '(latency of their responses, corrected as above)')}`);
    const nameWidth = Math.min(40, Math.max(...d.steps.map((s) => s.name.length)));
    const rows = d.steps.map((s) => ({
      name: s.name.length > nameWidth ? `${s.name.slice(0, nameWidth - 1)}…` : s.name.padEnd(nameWidth),
      requests: fig(num(s.requests)),
      failed: fig(num(s.failed)),
      anyFailed: s.failed > 0,
      p50: fig(formatMs(s.latency.p50)),
      p99: fig(formatMs(s.latency.p99)),
      max: fig(formatMs(s.latency.max)),
    }));
    const w = (k: 'requests' | 'failed' | 'p50' | 'p99' | 'max'): number => Math.max(...rows.map((r) => r[k].length));
    for (const r of rows) {
      const failedText = `${r.failed.padStart(w('failed'))} failed`;
      const failed = r.anyFailed ? c.red(failedText) : failedText;
      lines.push(`    ${r.name}  ${r.requests.padStart(w('requests'))} req  ${failed}  p50 ${r.p50.padStart(w('p50'))}  p99 ${r.p99.padStart(w('p99'))}  max ${r.max.padStart(w('max'))}`);
    }
  }
  const statuses = Object.entries(d.statuses);
  if (statuses.length > 0) {
    lines.push('');
    lines.push(`  ${c.bold('Status codes')}`);
    for (const [status, n] of statuses) {
      const paint = status.startsWith('2') || status.startsWith('3') ? c.green : status === '429' ? c.yellow : c.red;
      const note = status === '429' ? c.dim(`  throttled (rate limited, not failing)${report.retryAfter.count > 0 ? `; Retry-After on ${num(report.retryAfter.count)}, last ${JSON.stringify(report.retryAfter.last)}` : ''}`) : '';
      lines.push(`    ${paint(status)}  ${fig(num(n))}${note}`);
    }
  }
  const errors = Object.entries(d.errors);
  if (errors.length > 0) {
    lines.push('');
    lines.push(`  ${c.bold(d.errors.expectation === undefined ? 'Errors (no response)' : 'Errors')}`);
    for (const [kind, n] of errors) {
      // Responses that failed their step's expect: (--suite) are also counted under their status above.
      const note = kind === 'expectation' ? c.dim("  responses that did not meet their step's expect: (counted under their status too)") : '';
      lines.push(`    ${c.red(kind.padEnd(11))} ${fig(num(n))}${note}`);
    }
  }
  if (report.checks.length > 0) {
    lines.push('');
    lines.push(`  ${c.bold('SLOs')}`);
    for (const check of report.checks) {
      lines.push(check.ok ? `    ${c.green('✓')} ${check.expression} ${c.dim(`(${placeholder ? '~' : check.actualText})`)}` : `    ${c.red('✗')} ${check.expression}  ${c.red(check.message ?? '')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function latencyLine(l: LatencySummary, fig: (t: string) => string): string {
  const parts: Array<[string, number]> = [
    ['p50', l.p50],
    ['p90', l.p90],
    ['p95', l.p95],
    ['p99', l.p99],
    ['p99.9', l.p999],
    ['max', l.max],
    ['mean', l.mean],
  ];
  return `    ${parts.map(([k, v]) => `${k} ${fig(formatMs(v))}`).join('  ')}`;
}

/** A rate per second: 500, 33.3, or for a slow one its first significant digits (1/h: 0.000278). */
function rateText(perSecond: number): string {
  return perSecond >= 10 ? num(Math.round(perSecond * 10) / 10) : String(Number(perSecond.toPrecision(3)));
}

function label(text: string): string {
  return text.padEnd(12);
}

/** Milliseconds with a precision that suits their size: 0.412 ms, 12.3 ms, 1,234 ms. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${num(Math.round(ms))} ms`;
}

function num(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** The live line on stderr (TTY only, never with CI): elapsed, requests, req/s, p99 so far, failures. */
export function renderLoadProgress(p: { elapsedMs: number; totalMs: number | null; requests: number; failed: number; p99Ms: number }, columns = 80): string {
  const rate = p.elapsedMs > 0 ? p.requests / (p.elapsedMs / 1000) : 0;
  const time = p.totalMs === null ? formatDuration(p.elapsedMs) : `${formatDuration(Math.min(p.elapsedMs, p.totalMs))}/${formatDuration(p.totalMs)}`;
  const line = `load ${time}  ${num(p.requests)} req  ${num(Math.round(rate))} req/s  p99 ${formatMs(p.p99Ms)}${p.failed > 0 ? `  ${num(p.failed)} failed` : ''}`;
  return line.slice(0, Math.max(20, columns - 1));
}
