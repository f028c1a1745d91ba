import type { Clock } from '../util/clock.js';
import type { HeaderMap } from '../util/header-map.js';
import { parseRateLimit } from './parse-rate-limit.js';
import { exhaustedWaitMs } from './rate-limit-info.js';

export interface RateLimitWait {
  beforeUrl: string;
  waitMs: number;
}

/**
 * Server rate-limit awareness for runs of more than one request: when a response says no requests
 * remain, the next request waits until the reset the server gave, capped by `maxWaitMs`.
 */
export interface ServerGate {
  /** `retryAfterSeconds`: the response's Retry-After, already converted (ResponseData.retryAfterSeconds). */
  observe(headers: HeaderMap, retryAfterSeconds?: number | null): void;
  /** Waits if the last response exhausted the quota; returns the wait (0 when none). */
  beforeRequest(url: string): Promise<number>;
  readonly waits: readonly RateLimitWait[];
}

export function createServerGate(clock: Clock, maxWaitMs: number, onWait?: (wait: RateLimitWait) => void): ServerGate {
  let resumeAt: number | null = null;
  const waits: RateLimitWait[] = [];
  return {
    waits,
    observe(headers, retryAfterSeconds) {
      const now = clock.now();
      const waitMs = exhaustedWaitMs(retryAfterSeconds === undefined ? parseRateLimit(headers, now) : parseRateLimit(headers, now, retryAfterSeconds));
      resumeAt = waitMs === null ? null : now + Math.min(waitMs, maxWaitMs);
    },
    async beforeRequest(url) {
      if (resumeAt === null) return 0;
      const waitMs = Math.max(0, resumeAt - clock.now());
      resumeAt = null;
      if (waitMs <= 0) return 0;
      const wait = { beforeUrl: url, waitMs };
      waits.push(wait);
      onWait?.(wait);
      await clock.sleep(waitMs);
      return waitMs;
    },
  };
}
