import type { SingleRequestDocument } from '../model/request-document.js';
import { formatDuration } from '../util/duration.js';
import { colorJson } from './json-colors.js';
import { simpleTable, statusColor, type TableView } from './table-report.js';
import type { Theme } from './theme.js';

/** The report of a paginated walk: one row per page, a summary line, rate-limit waits, then the items. Pure. */
export function renderPagesReport(doc: SingleRequestDocument, summary: string, view: TableView, theme: Theme): string {
  const { c } = theme;
  const pages = doc.pages ?? [];
  const rows = pages.map((p, i) => [
    String(i + 1),
    p.url,
    p.status === null ? c.red(doc.error?.code ?? 'error') : statusColor(p.status, theme)(String(p.status)),
    String(p.items),
    view.placeholderTimings || p.timings.total === null ? '~' : formatDuration(p.timings.total),
    ...(doc.cache === undefined ? [] : [p.cache ?? '-']),
  ]);
  const head = ['#', 'URL', 'Status', 'Items', 'Time', ...(doc.cache === undefined ? [] : ['Cache'])];
  const parts = [`${c.bold(doc.request.method)} ${pages[0]?.url ?? doc.request.url}`, `${c.bold('Pages')}\n${simpleTable(head, rows, theme, null)}`];
  parts.push(`${c.bold('Summary')}: ${view.placeholderTimings ? summary.replace(/ in [^;]+;/, ' in ~;') : summary}`);
  const waits = doc.rateLimitWaits ?? [];
  if (waits.length > 0) {
    parts.push(`${c.bold('Rate-limit waits')}\n${simpleTable(['Before', 'Waited'], waits.map((w) => [w.beforeUrl, view.placeholderTimings ? '~' : formatDuration(w.waitMs)]), theme, null)}`);
  }
  const failed = (doc.expectations ?? []).filter((e) => !e.ok);
  if (doc.expectations && doc.expectations.length > 0) {
    parts.push(failed.length === 0 ? c.green(`expectations: all ${doc.expectations.length} passed`) : c.red(`expectations: ${failed.length} of ${doc.expectations.length} failed`));
  }
  const items = colorJson(doc.items ?? [], c);
  const lines = items.split('\n');
  const shown = view.maxLines !== null && lines.length > view.maxLines ? `${lines.slice(0, view.maxLines).join('\n')}\n${c.dim(`… items cut at ${view.maxLines} of ${lines.length} lines; see all with --json or --ndjson`)}` : items;
  parts.push(`${c.bold('Items')}\n${shown}`);
  return `${parts.join('\n\n')}\n`;
}
