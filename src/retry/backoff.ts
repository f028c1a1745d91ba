export interface RetryPolicy {
  /** Retries allowed after the first attempt; 0 never retries. */
  limit: number;
  /** Response statuses worth retrying. */
  retryOn: readonly number[];
  baseDelayMs: number;
  /** Cap on the backoff delay, and the longest Retry-After we agree to wait. */
  maxDelayMs: number;
  factor: number;
  /** Retry non-idempotent methods (POST, PATCH, …) too. */
  allMethods: boolean;
}

export const DEFAULT_RETRY_ON = [408, 425, 429, 500, 502, 503, 504] as const;

/**
 * "Full jitter" exponential backoff: a uniform random delay in
 * [0, min(maxDelayMs, baseDelayMs * factor^(retryNumber - 1))), rounded to whole ms.
 * `retryNumber` is 1 for the first retry (values below 1 count as 1).
 */
export function backoffDelay(
  retryNumber: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'factor'>,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.floor(retryNumber) - 1);
  const base = Math.max(0, policy.baseDelayMs);
  const cap = Math.max(0, policy.maxDelayMs);
  const grown = base * Math.pow(Math.max(0, policy.factor), exponent);
  const ceiling = Math.min(cap, Number.isNaN(grown) ? cap : grown);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * ceiling);
}
