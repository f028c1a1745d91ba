/**
 * Human durations <-> milliseconds.
 *
 * Accepted by `parseDuration`: a non-negative decimal number followed by an optional
 * unit — `ms`, `s`/`sec`, `m`/`min`, `h`/`hr` (case-insensitive) — and compounds of
 * such parts (`1m30s`, `2m 5s`, as `formatDuration` prints). A bare number is
 * milliseconds (`300`, `300.5`). Results are rounded to whole milliseconds.
 * Negative, empty, exponent (`1e3`) or otherwise garbled text gives `undefined`.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
};

const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const BARE = new RegExp(`^${NUMBER}$`);
// Every part needs a unit, so the repetition cannot split digits ambiguously (no backtracking blow-up).
const COMPOUND = new RegExp(`^(?:${NUMBER}\\s*[a-z]+\\s*)+$`, 'i');
const PART = new RegExp(`(${NUMBER})\\s*([a-z]+)`, 'gi');

export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  let total: number;
  if (BARE.test(trimmed)) {
    total = Number(trimmed);
  } else {
    if (!COMPOUND.test(trimmed)) return undefined;
    total = 0;
    for (const match of trimmed.matchAll(PART)) {
      const factor = UNIT_MS[(match[2] ?? '').toLowerCase()];
      if (factor === undefined) return undefined;
      total += Number(match[1]) * factor;
    }
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** `250ms`, `1.5s`, `2m 5s`, `1h 2m`: seconds below a minute keep up to two decimals. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms}ms`;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms`;
  if (whole < 59_995) return `${Number((whole / 1000).toFixed(2))}s`;
  const totalSeconds = Math.round(whole / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const out: string[] = [];
  if (h > 0) out.push(`${h}h`);
  if (m > 0) out.push(`${m}m`);
  if (s > 0) out.push(`${s}s`);
  return out.join(' ');
}
