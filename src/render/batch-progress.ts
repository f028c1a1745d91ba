/**
 * The progress bar of `apitest batch` on stderr — only when stderr is a terminal and CI is unset (the command
 * decides). One line, redrawn at most 10 times a second:
 *
 *   [██████████░░░░░░░░░░]  5120/10000 rows  1630/s  ETA 3 s  2 failed
 *
 * The total is shown once known (counted in the background for files); until then, rows done and the rate.
 */
import type { Io } from '../io.js';
import { formatDuration } from '../util/duration.js';
import { printDiagnostic } from './output.js';

export interface ProgressCounts {
  readonly rows: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface BatchProgress {
  update(counts: ProgressCounts): void;
  setTotal(total: number | null): void;
  /** Clears the line. */
  stop(): void;
}

const WIDTH = 20;

/** The bar's text (pure). */
export function renderProgressLine(counts: ProgressCounts, total: number | null, elapsedMs: number, columns = 80): string {
  const done = counts.rows + counts.skipped;
  const rate = elapsedMs > 0 ? counts.rows / (elapsedMs / 1000) : 0;
  const parts: string[] = [];
  if (total !== null && total > 0) {
    const filled = Math.min(WIDTH, Math.round((done / total) * WIDTH));
    parts.push(`[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}]`, `${done}/${total} rows`);
  } else parts.push(`${done} rows`);
  parts.push(`${Math.round(rate)}/s`);
  if (total !== null && rate > 0 && done < total) parts.push(`ETA ${formatDuration(((total - done) / rate) * 1000)}`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  return parts.join('  ').slice(0, Math.max(20, columns - 1));
}

export function startBatchProgress(io: Io, now: () => number): BatchProgress {
  const started = now();
  let total: number | null = null;
  let last: ProgressCounts = { rows: 0, failed: 0, skipped: 0 };
  let drawn = 0;
  const draw = (): void => {
    drawn = now();
    printDiagnostic(io, `\r\u001b[2K${renderProgressLine(last, total, drawn - started, io.stderr.columns ?? 80)}`);
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  draw();
  return {
    update(counts) {
      last = { rows: counts.rows, failed: counts.failed, skipped: counts.skipped };
      if (now() - drawn >= 100) draw();
    },
    setTotal(value) {
      total = value;
    },
    stop() {
      clearInterval(timer);
      printDiagnostic(io, '\r\u001b[2K');
    },
  };
}
