/**
 * Human durations <-> milliseconds, the same for every time budget (`--timeout`, `--connect-timeout`,
 * `--retry-delay`, `--retry-max-delay`, `--tolerance`, `--forward-timeout`, suite `timeout` and `retry`).
 *
 * Accepted by `parseDuration`: a non-negative decimal number followed by an optional unit — `ms`, `s`/`sec`,
 * `m`/`min`, `h`/`hr` (case-insensitive) — and compounds of such parts (`1m30s`, `2 m 5 s`, as `formatDuration`
 * prints). A bare number is SECONDS, as in `curl -m 5`, HTTPie's `--timeout 5` and Hurl's `--max-time 5`
 * (expectations are the exception: `duration < 200` compares milliseconds, as in Hurl). Results are rounded to
 * whole milliseconds. Negative, empty, exponent (`1e3`) or otherwise garbled text gives `undefined`.
 * `parseExactDuration` reads the same text without rounding, for thresholds (load SLOs) rather than timers.
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

/** The parts of a duration text, each a decimal number and its unit's factor in ms; undefined when it is not one. */
function durationParts(text: string, bareFactor: number): Array<{ number: string; factor: number }> | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (BARE.test(trimmed)) return [{ number: trimmed, factor: bareFactor }];
  if (!COMPOUND.test(trimmed)) return undefined;
  const parts: Array<{ number: string; factor: number }> = [];
  for (const match of trimmed.matchAll(PART)) {
    const name = (match[2] ?? '').toLowerCase();
    // Own keys only: `constructor` or `toString` is not a unit.
    if (!Object.hasOwn(UNIT_MS, name)) return undefined;
    parts.push({ number: match[1] ?? '', factor: UNIT_MS[name] as number });
  }
  return parts;
}

export function parseDuration(text: string): number | undefined {
  const parts = durationParts(text, 1000);
  if (parts === undefined) return undefined;
  let total = 0;
  for (const { number, factor } of parts) total += Number(number) * factor;
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * As `parseDuration`, but exact: for thresholds, not timers (the latency SLOs of `apitest load`, `p50 < 2.5ms`).
 * The same text is accepted (units, decimals, compounds), but nothing is rounded: the result is a number of
 * milliseconds with its fraction (`2.5ms` → 2.5, `0.0004s` → 0.4, `1m` → 60000), the double nearest the exact
 * decimal value (computed on integers, so `0.0004s` is 0.4, not 0.39999999999999997). A bare number is read in
 * `bareUnit` (seconds, as `parseDuration`, unless the caller says `ms`). `undefined` for what `parseDuration`
 * refuses, and for a value too large to be a finite number.
 */
export function parseExactDuration(text: string, bareUnit: 'ms' | 's' = 's'): number | undefined {
  const parts = durationParts(text, UNIT_MS[bareUnit] as number);
  if (parts === undefined) return undefined;
  // Each part as an integer count of 10^-scale ms: digits × factor, then all parts at the largest scale.
  const scaled = parts.map(({ number, factor }) => {
    const [whole = '', fraction = ''] = number.split('.');
    return { units: BigInt(`${whole}${fraction}` || '0') * BigInt(factor), scale: fraction.length };
  });
  const scale = Math.max(0, ...scaled.map((p) => p.scale));
  const total = scaled.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  // Number() of a decimal string is the nearest double: one rounding, at the end.
  const ms = Number(`${total}e-${scale}`);
  return Number.isFinite(ms) ? ms : undefined;
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
