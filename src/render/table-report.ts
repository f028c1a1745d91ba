import Table from 'cli-table3';
import { formatDuration } from '../util/duration.js';
import type { SingleRequestDocument } from '../model/request-document.js';
import { formatBody, type BodyDisplay } from './format-body.js';
import type { Theme } from './theme.js';

export interface TableView extends BodyDisplay {
  /** Replace timing figures with `~` (golden-file tests). */
  placeholderTimings: boolean;
  /** Terminal width for wrapping header values; null: no wrapping (piped). */
  columns: number | null;
}

/**
 * The human report: status line, redirects, attempts, response headers, rate limit, timings, body.
 * Pure: a document in, a string out.
 */
export function renderTableReport(doc: SingleRequestDocument, view: TableView, theme: Theme): string {
  const { c } = theme;
  const parts: string[] = [];
  parts.push(`${c.bold(doc.request.method)} ${doc.request.url}`);
  if (doc.redirects.length > 0) {
    parts.push(section(c.bold('Redirects'), simpleTable(['Status', 'Location'], doc.redirects.map((r) => [String(r.status), r.url]), theme, view.columns)));
  }
  if (doc.attempts.length > 1) {
    const rows = doc.attempts.map((a, i) => [String(i + 1), a.status === null ? c.red(a.error?.code ?? 'error') : statusColor(a.status, theme)(String(a.status)), view.placeholderTimings ? '~' : formatDuration(a.delayMs)]);
    parts.push(section(c.bold('Attempts'), simpleTable(['#', 'Result', 'Waited'], rows, theme, view.columns)));
  }
  const response = doc.response;
  if (response) {
    const statusLine = `HTTP/${response.httpVersion} ${response.status} ${response.statusText}`.trim();
    parts.push(statusColor(response.status, theme)(c.bold(statusLine)));
    const headerRows: string[][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) headerRows.push([name, v]);
    }
    parts.push(section(c.bold('Response headers'), simpleTable(['Header', 'Value'], headerRows, theme, view.columns)));
  }
  if (doc.rateLimit) {
    const r = doc.rateLimit;
    const cell = (v: number | string | null): string => (v === null ? '-' : String(v));
    parts.push(
      section(
        c.bold('Rate limit'),
        simpleTable(
          ['Limit', 'Remaining', 'Reset in', 'Reset at', 'Retry-After', 'Source'],
          [[cell(r.limit), r.remaining === 0 ? c.red('0') : cell(r.remaining), r.resetSeconds === null ? '-' : `${r.resetSeconds}s`, cell(r.resetAt), r.retryAfterSeconds === null ? '-' : `${r.retryAfterSeconds}s`, r.source]],
          theme,
          view.columns,
        ),
      ),
    );
  }
  if (doc.cache) parts.push(renderCacheLine(doc.cache, theme));
  const t = doc.timings;
  const ms = (v: number | null): string => (v === null ? '-' : view.placeholderTimings ? '~' : formatDuration(v));
  parts.push(
    section(
      c.bold('Timings'),
      simpleTable(['Wait', 'DNS', 'TCP', 'TLS', 'Send', 'First byte', 'Download', 'Total'], [[ms(t.wait), ms(t.dns), ms(t.tcp), ms(t.tls), ms(t.send), ms(t.firstByte), ms(t.download), ms(t.total)]], theme, view.columns),
    ),
  );
  if (response) parts.push(section(c.bold('Body'), formatBody(response, view, c)));
  if (doc.expectations && doc.expectations.length > 0) parts.push(section(c.bold('Expectations'), renderExpectations(doc.expectations, theme)));
  return `${parts.join('\n\n')}\n`;
}

/** One line per check: a mark, the expression, and for a failure what was expected and what came. */
/** `cache: HIT (age 3s, fresh for 57s more) — fresh for 57s more (max-age=60)` */
export function renderCacheLine(cache: NonNullable<SingleRequestDocument['cache']>, theme: Theme): string {
  const { c } = theme;
  const color = cache.status === 'HIT' || cache.status === 'REVALIDATED' ? c.green : cache.status === 'STALE' ? c.yellow : (s: string): string => s;
  const facts = [cache.age === null ? null : `age ${cache.age}s`, cache.ttl === null ? null : `ttl ${cache.ttl}s`, cache.storable ? 'storable' : 'not storable'].filter((f) => f !== null);
  return `${c.bold('cache')}: ${color(cache.status)} (${facts.join(', ')}) — ${cache.reason}`;
}

export function renderExpectations(checks: NonNullable<SingleRequestDocument['expectations']>, theme: Theme): string {
  const { c } = theme;
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');
  return checks
    .map((check) =>
      check.ok
        ? `${c.green('✔')} ${check.expression}`
        : `${c.red('✘')} ${check.expression}
    expected: ${show(check.expected)}
    actual:   ${show(check.actual)}${check.message ? `
    ${c.dim(check.message)}` : ''}`,
    )
    .join('\n');
}

export function statusColor(status: number, theme: Theme): (text: string) => string {
  const { c } = theme;
  if (status >= 500) return c.red;
  if (status >= 400) return c.yellow;
  if (status >= 300) return c.cyan;
  return c.green;
}

function section(title: string, body: string): string {
  return `${title}\n${body}`;
}

/** A cli-table3 table; borders in plain ASCII-free box characters, no colour codes when colours are off. */
export function simpleTable(head: string[], rows: string[][], theme: Theme, columns: number | null): string {
  const options: ConstructorParameters<typeof Table>[0] = {
    head: head.map((h) => theme.c.bold(h)),
    style: { head: [], border: [], compact: true },
  };
  if (columns !== null && head.length === 2) {
    // The name column is as wide as the longest name, leaving the value at least 20 columns of the terminal.
    const first = Math.max(8, Math.min(columns - 23, Math.max(0, ...rows.map((r) => (r[0] ?? '').length + 2))));
    options.colWidths = [first, Math.max(20, columns - first - 3)];
    options.wordWrap = true;
    options.wrapOnWordBoundary = false;
  }
  const table = new Table(options);
  for (const row of rows) table.push(row);
  return table.toString();
}
