/**
 * Every time apitest reports — phase timings, step and walk durations, the `duration` an expectation compares —
 * is a number of milliseconds rounded to 0.01 ms (the resolution of the clock it is measured with), once, here.
 */
export function roundMs(ms: number): number {
  return Math.max(0, Math.round(ms * 100) / 100);
}
