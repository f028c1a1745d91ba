import { parseDuration } from '../util/duration.js';

/**
 * `--rate` values: `COUNT/PERIOD`, e.g. `10/s`, `600/m`, `3600/h`, `2.5/s`, `100/15m`,
 * `5/500ms`. PERIOD is a duration as `parseDuration` reads it, where a bare unit means
 * one of it (`s` = `1s`); a bare number is seconds, as for every duration. COUNT must be > 0 and the
 * period > 0; anything else gives undefined.
 */
export function parseRate(text: string): { count: number; perMs: number } | undefined {
  if (typeof text !== 'string') return undefined;
  // No regex over the period: `\s*(.+?)\s*$` backtracked quadratically over a long run of blanks. The period
  // is trimmed, and may not hold a line break (as `.` did not match one).
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*\/([^]*)$/.exec(text.trim());
  if (m === null) return undefined;
  const count = Number(m[1]);
  const period = (m[2] ?? '').trim();
  if (period === '' || /[\n\r\u2028\u2029]/.test(period)) return undefined;
  const perMs = parseDuration(/^[a-z]+$/i.test(period) ? `1${period}` : period);
  if (!(count > 0) || !Number.isFinite(count) || perMs === undefined || !(perMs > 0)) return undefined;
  return { count, perMs };
}
