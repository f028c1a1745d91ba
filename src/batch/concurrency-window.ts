/**
 * How many rows may be in flight at once, between 1 and `-c`. It starts at `-c`. When the server pushes back
 * (429, 503, or no requests left), the window is halved — once per round trip, not once per response of a burst
 * that all came back together — and every success lets it grow back by one row per window of successes
 * (additive increase, multiplicative decrease, as TCP does), so the batch speeds back up when the server allows.
 */
export interface ConcurrencyWindow {
  /** Rows that may be in flight now. */
  current(): number;
  /** A response said to slow down. `startedAt`: when the request that got it started (older pushes are one burst). */
  pushBack(startedAt: number): void;
  success(): void;
  readonly stats: { decreases: number; lowest: number };
}

export function createConcurrencyWindow(max: number, now: () => number): ConcurrencyWindow {
  let size = max;
  let lastDecrease = Number.NEGATIVE_INFINITY;
  const stats = { decreases: 0, lowest: max };
  return {
    stats,
    current: () => Math.max(1, Math.floor(size)),
    pushBack(startedAt) {
      // Requests started before the last decrease were sent at the old rate: their 429s are the same signal.
      if (startedAt < lastDecrease) return;
      size = Math.max(1, Math.floor(size / 2));
      lastDecrease = now();
      stats.decreases++;
      stats.lowest = Math.min(stats.lowest, size);
    },
    success() {
      if (size < max) size = Math.min(max, size + 1 / Math.max(1, Math.floor(size)));
    },
  };
}
