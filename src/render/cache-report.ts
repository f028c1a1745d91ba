import type { CacheExplanation } from '../engine/http-cache/explain.js';
import { simpleTable } from './table-report.js';
import type { Theme } from './theme.js';

export interface CacheExplainDocument extends CacheExplanation {
  readonly request: { readonly method: string; readonly url: string };
  readonly response: { readonly status: number; readonly statusText: string };
}

export interface CacheListRow {
  readonly key: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly age: number | null;
  readonly ttl: number | null;
  readonly bytes: number;
  readonly storedAt: string;
  readonly variants: number;
}

/** `apitest cache explain`: the verdict, then the facts, then the advice. Pure. */
export function renderCacheExplain(doc: CacheExplainDocument, theme: Theme): string {
  const { c } = theme;
  const lines: string[] = [];
  lines.push(`${c.bold(doc.request.method)} ${doc.request.url} → ${doc.response.status} ${doc.response.statusText}`.trim());
  lines.push(doc.storable ? c.green('storable: yes') + ` (${doc.reason === 'storable' ? 'a private cache may keep it' : doc.reason})` : `${c.red('storable: no')} — ${doc.reason}`);
  lines.push(`cache-control: ${doc.cacheControl ?? c.dim('(none)')}`);
  lines.push(`freshness: ${doc.lifetime.seconds}s — ${doc.lifetime.detail} [${doc.lifetime.source}]`);
  lines.push(`validators: ${[doc.validators.etag === null ? null : `ETag ${doc.validators.etag}`, doc.validators.lastModified === null ? null : `Last-Modified ${doc.validators.lastModified}`].filter((v) => v !== null).join(', ') || c.dim('(none: a stale response must be fetched again)')}`);
  lines.push(`vary: ${doc.vary.length === 0 ? c.dim('(none)') : doc.vary.join(', ')}`);
  if (doc.shared !== null) lines.push(`shared caches: ${doc.shared}`);
  if (doc.advice.length === 0) lines.push(c.green('advice: none — it is cacheable as it is'));
  else {
    lines.push(c.bold('advice:'));
    for (const a of doc.advice) lines.push(`  - ${a}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `apitest cache ls`. Pure. */
export function renderCacheList(dir: string, rows: readonly CacheListRow[], theme: Theme): string {
  const { c } = theme;
  if (rows.length === 0) return `${c.dim(`no stored responses in ${dir}`)}\n`;
  const table = simpleTable(
    ['Method', 'URL', 'Status', 'Age', 'Fresh for', 'Size'],
    rows.map((r) => [r.method, r.url, String(r.status), r.age === null ? '-' : `${r.age}s`, r.ttl === null ? '-' : r.ttl > 0 ? `${r.ttl}s` : c.yellow('stale'), `${r.bytes} B`]),
    theme,
    null,
  );
  return `${table}\n${c.dim(`${rows.length} stored response${rows.length === 1 ? '' : 's'} in ${dir}`)}\n`;
}
