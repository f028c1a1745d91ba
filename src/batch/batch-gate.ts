/**
 * The server gate of a batch: when the server says to slow down, the WHOLE batch waits, not just the row that was
 * told. Unlike the gate of a single run (ratelimit/server-gate.ts, where the next request waits once), every row
 * about to send waits until the pause is over.
 *
 * What pauses it (what a response said, capped by --retry-max-delay):
 * - a 429 or 503 with `Retry-After` (seconds or an HTTP date): that long;
 * - no requests left (`X-RateLimit-Remaining: 0`, `RateLimit-Remaining: 0`, `RateLimit: …;r=0`): until the reset.
 * A pause only ever grows: a later response cannot end it early (it may have been sent before the pause began).
 * The batch speeds up again by itself when the pause is over; the concurrency window (concurrency-window.ts)
 * grows back as responses succeed.
 */
import { parseRateLimit } from '../ratelimit/parse-rate-limit.js';
import { exhaustedWaitMs } from '../ratelimit/rate-limit-info.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { Clock } from '../util/clock.js';
import { firstHeaderValue, type HeaderMap } from '../util/header-map.js';

export interface Pause {
  /** When the batch may send again (epoch ms). */
  readonly until: number;
  readonly waitMs: number;
  readonly reason: string;
}

export interface BatchGate {
  /** Told of every response (each hop of each attempt). Returns the new pause when this response began or extended one. */
  observe(status: number, headers: HeaderMap): Pause | null;
  /** Waits while the batch is paused (with `sleep`, which Ctrl-C cuts short; then `stopped()` is true); returns the ms waited. */
  wait(sleep: (ms: number) => Promise<void>, stopped: () => boolean): Promise<number>;
  /** Pauses so far, and their total length. */
  readonly stats: { pauses: number; pausedMs: number };
}

export function createBatchGate(clock: Clock, maxWaitMs: number, respectRateLimit: boolean): BatchGate {
  let until = 0;
  const stats = { pauses: 0, pausedMs: 0 };
  return {
    stats,
    observe(status, headers) {
      if (!respectRateLimit || !mentionsRateLimit(status, headers)) return null;
      const now = clock.now();
      let waitMs: number | null = null;
      let reason = '';
      if (status === 429 || status === 503) {
        const seconds = parseRetryAfter(firstHeaderValue(headers, 'retry-after'), now);
        if (seconds !== null) {
          waitMs = Math.ceil(seconds * 1000);
          reason = `${status} with Retry-After`;
        }
      }
      if (waitMs === null) {
        const info = parseRateLimit(headers, now);
        const exhausted = exhaustedWaitMs(info);
        if (exhausted !== null) {
          waitMs = exhausted;
          reason = 'no requests remain';
        }
      }
      if (waitMs === null || waitMs <= 0) return null;
      const next = now + Math.min(waitMs, maxWaitMs);
      if (next <= until) return null;
      const fresh = until <= now;
      if (fresh) stats.pauses++;
      stats.pausedMs += fresh ? next - now : next - until;
      until = next;
      return { until, waitMs: next - now, reason };
    },
    async wait(sleep, stopped) {
      const started = clock.now();
      // A pause may grow while a row waits: it waits again until the pause is over (bounded).
      for (let round = 0; round < 1000 && !stopped(); round++) {
        const left = until - clock.now();
        if (left <= 0) break;
        await sleep(left);
      }
      return Math.max(0, clock.now() - started);
    },
  };
}

/** Whether a response can say anything to the gate: a 429/503, or a rate-limit or Retry-After header (cheap check). */
function mentionsRateLimit(status: number, headers: HeaderMap): boolean {
  if (status === 429 || status === 503) return true;
  for (const name in headers) {
    if (name === 'retry-after' || name.startsWith('ratelimit') || name.startsWith('x-ratelimit') || name.startsWith('x-rate-limit')) return true;
  }
  return false;
}
