/**
 * `--rows 10-20,35,100-`: which rows to send, by their 1-based numbers. A list of numbers and ranges separated by
 * commas (blanks allowed around them); `N-M` includes both ends; `N-` runs to the end of the input. Overlapping
 * ranges are merged. Zero, a range that runs backwards, and anything else is a usage error.
 */
import { UsageError } from '../errors.js';

export interface RowSelection {
  /** Merged, sorted, disjoint; `last` null: to the end. */
  readonly ranges: ReadonlyArray<{ readonly first: number; readonly last: number | null }>;
  has(index: number): boolean;
  /** The last row selected; null when a range is open. No row after it needs to be read. */
  readonly last: number | null;
}

const MAX_ROW = Number.MAX_SAFE_INTEGER;

export function parseRowSelection(text: string, flag = '--rows'): RowSelection {
  const bad = (why: string): never => {
    throw new UsageError(`${flag}: ${why}`, { hint: `write row numbers and ranges from 1, e.g. ${flag} 10-20,35 or ${flag} 100-` });
  };
  if (text.trim() === '') bad('no rows given');
  const ranges: Array<{ first: number; last: number | null }> = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^(\d+)\s*(?:(-)\s*(\d+)?)?$/.exec(item);
    if (m === null) bad(item === '' ? `an empty item in ${JSON.stringify(text)}` : `${JSON.stringify(item)} is not a row number or a range`);
    const first = toRow(m?.[1] as string, bad);
    const last = m?.[2] === undefined ? first : m[3] === undefined ? null : toRow(m[3], bad);
    if (last !== null && last < first) bad(`the range ${JSON.stringify(item)} runs backwards`);
    ranges.push({ first, last });
  }
  ranges.sort((a, b) => a.first - b.first);
  const merged: Array<{ first: number; last: number | null }> = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && (prev.last === null || r.first <= prev.last + 1)) {
      prev.last = prev.last === null || r.last === null ? null : Math.max(prev.last, r.last);
    } else merged.push({ ...r });
  }
  const lastRange = merged[merged.length - 1];
  return {
    ranges: merged,
    last: lastRange === undefined ? null : lastRange.last,
    has(index: number): boolean {
      let lo = 0;
      let hi = merged.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const r = merged[mid] as { first: number; last: number | null };
        if (index < r.first) hi = mid - 1;
        else if (r.last !== null && index > r.last) lo = mid + 1;
        else return true;
      }
      return false;
    },
  };
}

function toRow(digits: string, bad: (why: string) => never): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n > MAX_ROW) bad(`${digits} is too large`);
  if (n === 0) bad('rows are numbered from 1 (0 is not a row)');
  return n;
}
