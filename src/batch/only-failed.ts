/**
 * `--only-failed <results.ndjson>`: the rows whose result in that file is failed (`"ok": false`), by row number.
 * When a row has several lines (a results file written by a resumed run holds one per row, but one concatenated by
 * hand may not), the last one counts. Lines that are not results are a usage error naming the line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';

export async function readFailedRows(path: string, shown: string): Promise<Set<number>> {
  const latest = new Map<number, boolean>();
  let lineNo = 0;
  try {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
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
    const e = error as NodeJS.ErrnoException;
    throw new UsageError(`--only-failed: cannot read ${JSON.stringify(shown)}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  const failed = new Set<number>();
  for (const [index, ok] of latest) if (!ok) failed.add(index);
  return failed;
}
