/** Which header family a `RateLimitInfo` was read from. */
export type RateLimitSource = 'x-ratelimit' | 'ratelimit' | 'ratelimit-structured' | 'retry-after';

/** What a response said about rate limits; a field the server did not send (or garbled) is null. */
export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Seconds from the response until the quota resets. */
  resetSeconds: number | null;
  /** ISO 8601 instant of the reset: nowMs + resetSeconds * 1000. */
  resetAt: string | null;
  /** From `Retry-After`, whenever it is present and valid, whatever the source. */
  retryAfterSeconds: number | null;
  source: RateLimitSource;
}

/**
 * When the quota is used up (remaining === 0): milliseconds to wait before the next
 * request, the longer of resetSeconds and retryAfterSeconds that are known (the
 * draft says Retry-After should never point earlier than the reset). Otherwise, or
 * when neither is known, null.
 */
export function exhaustedWaitMs(info: RateLimitInfo | null): number | null {
  if (info === null || info.remaining !== 0) return null;
  const candidates = [info.resetSeconds, info.retryAfterSeconds].filter((s): s is number => s !== null);
  if (candidates.length === 0) return null;
  return Math.max(0, Math.ceil(Math.max(...candidates) * 1000));
}
