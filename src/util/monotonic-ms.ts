/**
 * A monotonic clock in milliseconds, sub-millisecond (process.hrtime): the time base of request timings. Not
 * `performance.now()`: the first use of `performance` loads Node's perf_hooks machinery (nine internal modules:
 * histograms, timerify, event-loop delay…) that a request does not otherwise need.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
