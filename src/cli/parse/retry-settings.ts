import * as z from 'zod/mini';
import type { RawRetryOptions } from '../flags/retry-flags.js';
import { UsageError } from '../../errors.js';
import { parseRate } from '../../ratelimit/parse-rate.js';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../../retry/backoff.js';
import { durationFlag, integerFlag, parseFlags } from './flag-schemas.js';

export interface RetrySettings {
  policy: RetryPolicy;
  rate: { count: number; perMs: number } | null;
  burst: number;
  respectRateLimit: boolean;
}

const Schema = z.object({
  retry: integerFlag('--retry', 0, 100),
  retryDelay: durationFlag('--retry-delay'),
  retryMaxDelay: durationFlag('--retry-max-delay'),
  burst: integerFlag('--burst', 1, 10000),
});

export function parseRetrySettings(raw: RawRetryOptions): RetrySettings {
  const flags = parseFlags(Schema, { retry: raw.retry ?? '0', retryDelay: raw.retryDelay ?? '500ms', retryMaxDelay: raw.retryMaxDelay ?? '30s', burst: raw.burst ?? '1' });
  const retryOn = (raw.retryOn ?? DEFAULT_RETRY_ON.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s);
    if (!/^\d{3}$/.test(s) || n < 100 || n > 599) throw new UsageError(`--retry-on: ${JSON.stringify(s)} is not an HTTP status`, { hint: 'write --retry-on 429,503' });
    return n;
  });
  let rate: RetrySettings['rate'] = null;
  if (raw.rate !== undefined) {
    rate = parseRate(raw.rate) ?? null;
    if (rate === null) throw new UsageError(`--rate: invalid rate ${JSON.stringify(raw.rate)}`, { hint: 'write it as N/s, N/m or N/h, e.g. 10/s or 600/m' });
  }
  return {
    policy: { limit: flags.retry, retryOn, baseDelayMs: flags.retryDelay, maxDelayMs: flags.retryMaxDelay, factor: 2, allMethods: raw.retryAllMethods === true },
    rate,
    burst: flags.burst,
    respectRateLimit: raw.respectRateLimit,
  };
}
