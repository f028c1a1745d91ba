/**
 * `--only-failed <results.ndjson>`: the rows whose result in that file is failed (`"ok": false`), by row number.
 * When a row has several lines (a results file written by a resumed run holds one per row, but one concatenated by
 * hand may not), the last one counts. Lines that are not results are a usage error naming the line.
 */
import { UsageError } from '../errors.js';
import { formatByteSize } from '../util/byte-size.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { boundedLines, LineTooLongError } from '../files/bounded-lines.js';
import { MAX_ROW_BYTES } from './row.js';

export async function readFailedRows(path: string, shown: string): Promise<Set<number>> {
  const latest = new Map<number, boolean>();
  let lineNo = 0;
  try {
    for await (const line of boundedLines(path, MAX_ROW_BYTES)) {
      lineNo++;
      if (line.trim() === '') continue;
      let value: { index?: unknown; ok?: unknown };
      try {
        value = JSON.parse(line) as typeof value;
      } catch {
        throw new UsageError(`--only-failed: ${JSON.stringify(shown)}, line ${lineNo}: not JSON`, { hint: 'give the results file of an apitest batch run (--results)' });
      }
      if (typeof value !== 'object' || value === null || typeof value.index !== 'number' || typeof value.ok !== 'boolean') {
        throw new UsageError(`--only-failed: ${JSON.stringify(shown)}, line ${lineNo}: not a batch result (it needs "index" and "ok")`, { hint: 'give the results file of an apitest batch run (--results)' });
      }
      latest.set(value.index, value.ok);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof LineTooLongError) throw new UsageError(`--only-failed: ${JSON.stringify(shown)}, line ${error.line}: longer than ${formatByteSize(MAX_ROW_BYTES)}, not a batch result`, { hint: 'give the results file of an apitest batch run (--results)' });
    throw new UsageError(`--only-failed: cannot read ${JSON.stringify(shown)}: ${unreadableReason(error)}`);
  }
  const failed = new Set<number>();
  for (const [index, ok] of latest) if (!ok) failed.add(index);
  return failed;
}
