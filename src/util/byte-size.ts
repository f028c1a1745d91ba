/**
 * Byte sizes such as `--max-body 1mb`.
 *
 * Units are binary throughout: 1kb = 1kib = 1024 bytes, 1mb = 1024², 1gb = 1024³,
 * 1tb = 1024⁴ (case-insensitive; `k`, `m`, `g`, `t` alone and a trailing `b` are
 * accepted too). A bare number is bytes. Decimals are allowed (`1.5mb`) and the
 * result is rounded down to whole bytes. Negative, empty or garbled text gives
 * `undefined`.
 */

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

// Matched against the trimmed text: with `\s*` on both sides of an optional unit, a long run of blanks
// before a stray character made the regex backtrack quadratically (100,000 blanks: seconds).
const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;

export function parseByteSize(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = SIZE.exec(text.trim());
  if (match === null) return undefined;
  const factor = UNIT_BYTES[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A size as apitest prints a limit: `1 GiB`, `64 MiB`, `300 KiB` when exact, else `12345 bytes`. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}
