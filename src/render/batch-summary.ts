/**
 * The summary of `apitest batch` on stderr (pure: counts → text), e.g.
 *
 *   apitest: batch: 10000 rows in 6.21 s (1610 req/s): 9998 ok, 2 failed, 13 retried
 *   apitest: batch: 400 rows skipped (done in the journal, --resume)
 *   apitest: batch: the server asked to slow down: 2 pauses (3.1 s in all); concurrency lowered to 2 of 16 at worst
 */
import { formatDuration } from '../util/duration.js';

export interface BatchSummaryFacts {
  readonly rows: number;
  readonly ok: number;
  readonly failed: number;
  readonly invalid: number;
  readonly retried: number;
  readonly requests: number;
  readonly skipped: number;
  readonly changed: number;
  readonly interrupted: number;
  readonly elapsedMs: number;
  readonly pauses: number;
  readonly pausedMs: number;
  readonly decreases: number;
  readonly lowestConcurrency: number;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly journal: string | null;
  readonly results: string | null;
}

export function renderBatchSummary(f: BatchSummaryFacts, placeholderTimings = false): string {
  const lines: string[] = [];
  const seconds = f.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(f.requests / seconds) : 0;
  const time = placeholderTimings ? '~' : formatDuration(f.elapsedMs);
  const reqs = placeholderTimings ? '~' : String(rate);
  if (f.dryRun) {
    lines.push(`batch: --dry-run: ${f.ok} request${f.ok === 1 ? '' : 's'} made from the rows, nothing sent${f.invalid > 0 ? `; ${f.invalid} invalid row${f.invalid === 1 ? '' : 's'}` : ''}`);
  } else {
    const parts = [`${f.ok} ok`, `${f.failed} failed${f.invalid > 0 ? ` (${f.invalid} invalid, not sent)` : ''}`, `${f.retried} retried`];
    lines.push(`batch: ${f.rows} row${f.rows === 1 ? '' : 's'} in ${time} (${reqs} req/s): ${parts.join(', ')}`);
  }
  if (f.skipped > 0) lines.push(`batch: ${f.skipped} row${f.skipped === 1 ? '' : 's'} skipped: done already (--resume)`);
  if (f.changed > 0) lines.push(`batch: ${f.changed} row${f.changed === 1 ? '' : 's'} changed in the input since the journal recorded them: sent again`);
  if (f.pauses > 0 || f.decreases > 0) {
    const pause = f.pauses > 0 ? `${f.pauses} pause${f.pauses === 1 ? '' : 's'} (${placeholderTimings ? '~' : formatDuration(f.pausedMs)} in all)` : 'no pause';
    lines.push(`batch: the server asked to slow down: ${pause}; concurrency lowered to ${f.lowestConcurrency} of ${f.concurrency} at worst`);
  }
  if (f.interrupted > 0) lines.push(`batch: ${f.interrupted} row${f.interrupted === 1 ? '' : 's'} in flight not finished (not recorded: --resume sends them again, with the same Idempotency-Key)`);
  if (f.journal !== null && !f.dryRun) lines.push(`batch: journal ${f.journal}${f.results === null ? '' : `, results ${f.results}`}`);
  return lines.map((l) => `apitest: ${l}\n`).join('');
}
