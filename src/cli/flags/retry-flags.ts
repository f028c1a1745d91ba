import type { Command } from 'commander';
import { DEFAULT_RETRY_ON } from '../../retry/backoff.js';

export interface RawRetryOptions {
  retry?: string;
  retryOn?: string;
  retryDelay?: string;
  retryMaxDelay?: string;
  retryAllMethods?: boolean;
  rate?: string;
  burst?: string;
  respectRateLimit: boolean;
}

export function addRetryFlags(cmd: Command): Command {
  return cmd
    .optionsGroup('Retry and rate limits:')
    .option('--retry <n>', 'retries after the first attempt, for network errors and --retry-on statuses (default 0)')
    .option('--retry-on <statuses>', `statuses to retry, comma-separated (default ${DEFAULT_RETRY_ON.join(',')})`)
    .option('--retry-delay <duration>', 'base delay of the exponential backoff, full jitter, factor 2: seconds, or 250ms (default 500ms)')
    .option('--retry-max-delay <duration>', 'cap on a backoff delay, and the longest Retry-After or rate-limit reset waited (default 30s)')
    .option('--retry-all-methods', 'retry non-idempotent methods (POST, PATCH) too')
    .option('--rate <N/s|N/m|N/h>', 'client-side limit on request starts across the whole run, e.g. 10/s')
    .option('--burst <n>', 'requests --rate lets start at once (default 1)')
    .option('--no-respect-rate-limit', 'do not wait when a response says no requests remain (runs of several requests)');
}
