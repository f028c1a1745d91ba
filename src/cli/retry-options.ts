import type { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../errors.js';
import { parseRate } from '../ratelimit/parse-rate.js';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../retry/backoff.js';
import { durationFlag, integerFlag, parseFlags } from './zod-flags.js';

export interface RawRetryOptions {
  retry: string;
  retryOn: string;
  retryDelay: string;
  retryMaxDelay: string;
  retryAllMethods: boolean;
  rate?: string;
  burst: string;
  respectRateLimit: boolean;
}

export function addRetryOptions(cmd: Command): Command {
  return cmd
    .option('--retry <n>', 'retries after the first attempt, for network errors and --retry-on statuses', '0')
    .option('--retry-on <statuses>', 'statuses to retry, comma-separated', DEFAULT_RETRY_ON.join(','))
    .option('--retry-delay <duration>', 'base delay of the exponential backoff (full jitter, factor 2)', '500ms')
    .option('--retry-max-delay <duration>', 'cap on a backoff delay, and the longest Retry-After or rate-limit reset waited', '30s')
    .option('--retry-all-methods', 'retry non-idempotent methods (POST, PATCH) too', false)
    .option('--rate <N/s|N/m|N/h>', 'client-side limit on request starts across the whole run, e.g. 10/s')
    .option('--burst <n>', 'requests --rate lets start at once', '1')
    .option('--no-respect-rate-limit', 'do not wait when a response says no requests remain (runs of several requests)');
}

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
  const flags = parseFlags(Schema, raw);
  const retryOn = raw.retryOn.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
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
    policy: { limit: flags.retry, retryOn, baseDelayMs: flags.retryDelay, maxDelayMs: flags.retryMaxDelay, factor: 2, allMethods: raw.retryAllMethods },
    rate,
    burst: flags.burst,
    respectRateLimit: raw.respectRateLimit,
  };
}
