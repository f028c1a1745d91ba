import { describe, expect, test } from '@jest/globals';
import { renderProgressLine } from '../../src/render/batch-progress.js';
import { renderBatchSummary } from '../../src/render/batch-summary.js';

describe('batch progress and summary', () => {
  test('the bar: rows done of the total, rate, ETA, failures', () => {
    expect(renderProgressLine({ rows: 500, failed: 2, skipped: 0 }, 1000, 1000)).toBe('[██████████░░░░░░░░░░]  500/1000 rows  500/s  ETA 1 s  2 failed');
    expect(renderProgressLine({ rows: 40, failed: 0, skipped: 10 }, null, 2000)).toBe('50 rows  20/s');
  });

  test('the summary names rows, ok, failed, retried, rate and time; resume, pauses and interruptions when they happened', () => {
    const text = renderBatchSummary({
      rows: 10, ok: 8, failed: 2, invalid: 1, retried: 3, requests: 14, skipped: 5, changed: 0, interrupted: 2,
      elapsedMs: 2000, pauses: 1, pausedMs: 1000, decreases: 1, lowestConcurrency: 2, concurrency: 4, dryRun: false, journal: 'out.ndjson.journal', results: 'out.ndjson',
    });
    expect(text.split('\n')).toEqual([
      'apitest: batch: 10 rows in 2 s (7 req/s): 8 ok, 2 failed (1 invalid, not sent), 3 retried',
      'apitest: batch: 5 rows skipped: done already (--resume)',
      'apitest: batch: the server asked to slow down: 1 pause (1 s in all); concurrency lowered to 2 of 4 at worst',
      'apitest: batch: 2 rows in flight not finished (not recorded: --resume sends them again, with the same Idempotency-Key)',
      'apitest: batch: journal out.ndjson.journal, results out.ndjson',
      '',
    ]);
  });
});
