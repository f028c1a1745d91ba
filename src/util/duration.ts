/**
 * Human durations <-> milliseconds, the same for every time budget (`--timeout`, `--connect-timeout`,
 * `--retry-delay`, `--retry-max-delay`, `--tolerance`, `--forward-timeout`, suite `timeout` and `retry`).
 *
 * Accepted by `parseDuration`: a non-negative decimal number followed by an optional unit — `ms`, `s`/`sec`,
 * `m`/`min`, `h`/`hr` (case-insensitive) — and compounds of such parts (`1m30s`, `2 m 5 s`, as `formatDuration`
 * prints). A bare number is SECONDS, as in `curl -m 5`, HTTPie's `--timeout 5` and Hurl's `--max-time 5`
 * (expectations are the exception: `duration < 200` compares milliseconds, as in Hurl). Results are rounded to
 * whole milliseconds. Negative, empty, exponent (`1e3`) or otherwise garbled text gives `undefined`.
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

/** The longest duration a budget may have: what a timer can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

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
    total = Number(trimmed) * 1000;
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

/**
 * One style for every time apitest prints (timings, step times, waits, retry lines): units that fit the size —
 * `0.84 ms`, `2.5 ms`, `12.3 ms`, `250 ms`, `1 s`, `1.05 s`, `12.3 s`, `2 m 5 s`, `1 h 2 m`.
 */
/** Up to `decimals` decimals, without trailing zeros: 2.50 → 2.5, 1.00 → 1. */
function digits(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 9.995) return `${digits(ms, 2)} ms`;
  if (ms < 99.95) return `${digits(ms, 1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9995) return `${digits(ms / 1000, 2)} s`;
  if (ms < 59_950) return `${digits(ms / 1000, 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const out: string[] = [];
  if (h > 0) out.push(`${h} h`);
  if (m > 0) out.push(`${m} m`);
  if (s > 0 && h === 0) out.push(`${s} s`);
  return out.join(' ');
}
