/**
 * A token bucket that paces request STARTS.
 *
 * Capacity `burst` (values below 1 count as 1), refilled continuously at
 * `rate.count / rate.perMs` tokens per ms, starting full. It is implemented as the
 * equivalent GCRA ("theoretical arrival time"): each grant pushes the theoretical
 * time on by one interval T = perMs / count, and a caller may start once
 * now >= tat - (burst - 1) * T. So with burst 1, N requests at 10/s take (N - 1) * 100 ms;
 * with burst B the first B go at once and the rest are spaced by T. Keeping the
 * schedule on the theoretical time means rounding in `sleep` never drifts the rate.
 *
 * Concurrent callers are served strictly first-come first-served: acquisitions are
 * chained on one promise, so they never proceed all at once. `acquire` resolves with
 * the milliseconds the caller waited (queueing included).
 */
import type { Clock } from '../util/clock.js';

export interface Limiter {
  acquire(): Promise<number>;
}

export function createTokenBucket(rate: { count: number; perMs: number }, burst: number, clock: Clock): Limiter {
  const interval = rate.perMs / rate.count;
  if (!(interval >= 0) || !Number.isFinite(interval)) {
    throw new RangeError(`invalid rate ${rate.count}/${rate.perMs}ms`);
  }
  const capacity = Number.isFinite(burst) && burst >= 1 ? Math.floor(burst) : 1;
  const tolerance = (capacity - 1) * interval;
  let tat = Number.NEGATIVE_INFINITY;
  let tail: Promise<unknown> = Promise.resolve();

  const grant = async (calledAt: number): Promise<number> => {
    const arrival = clock.now();
    const allowAt = tat - tolerance;
    if (arrival < allowAt) await clock.sleep(Math.ceil(allowAt - arrival));
    tat = Math.max(tat, arrival) + interval;
    return Math.max(0, clock.now() - calledAt);
  };

  return {
    acquire(): Promise<number> {
      const calledAt = clock.now();
      const result = tail.then(() => grant(calledAt));
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
