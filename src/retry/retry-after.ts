/**
 * `Retry-After` (RFC 9110 §10.2.3): `delay-seconds` (a non-negative integer) or an
 * HTTP-date. Returns the seconds to wait from `nowMs`, or null when the value is
 * absent or not one of those forms.
 *
 * HTTP-dates are parsed here rather than by `Date.parse`, which reads asctime dates
 * in the local time zone and happily accepts text such as "1.5". All three forms of
 * RFC 9110 §5.6.7 are understood, always as UTC:
 *   IMF-fixdate  `Sun, 06 Nov 1994 08:49:37 GMT`
 *   RFC 850      `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit year: a year more than
 *                50 years in the future means the most recent past such year)
 *   asctime      `Sun Nov  6 08:49:37 1994`
 * A date in the past gives 0; otherwise the wait is rounded up to whole seconds.
 * Fractional seconds ("1.5") are not delay-seconds and give null.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY},\\s*(\\d{1,2})\\s+${MON}\\s+(\\d{4})\\s+${TIME}\\s+GMT$`, 'i');
const RFC_850 = new RegExp(`^${DAY},\\s*(\\d{1,2})-${MON}-(\\d{2})\\s+${TIME}\\s+GMT$`, 'i');
const ASCTIME = new RegExp(`^${DAY}\\s+${MON}\\s+(\\d{1,2})\\s+${TIME}\\s+(\\d{4})$`, 'i');

const DELAY_SECONDS = /^\d+$/;

export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (DELAY_SECONDS.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds : null;
  }
  const dateMs = parseHttpDate(text, nowMs);
  if (dateMs === null) return null;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

/** Epoch milliseconds of an HTTP-date in any of the three RFC 9110 forms, or null. */
export function parseHttpDate(text: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);
  m = RFC_850.exec(text);
  if (m !== null) {
    const twoDigit = Number(m[3]);
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + twoDigit;
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2], Number(m[1]), m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(text);
  if (m !== null) return utc(Number(m[6]), m[1], Number(m[2]), m[3], m[4], m[5]);
  return null;
}

function utc(
  year: number,
  monthName: string | undefined,
  day: number,
  hh: string | undefined,
  mm: string | undefined,
  ss: string | undefined,
): number | null {
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const hour = Number(hh);
  const minute = Number(mm);
  const second = Number(ss);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  // Reject days that do not exist in that month (31 Feb would roll into March), before the time of day is added.
  if (date.getUTCDate() !== day) return null;
  // RFC 9110 allows second 60 (leap second): it rolls into the next minute.
  date.setUTCHours(hour, minute, second);
  return date.getTime();
}
