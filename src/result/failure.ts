/**
 * The failure ladder: which failure decides a run, checked in this order (the first that applies wins).
 *
 * 1. No response: the transport failure (connection, TLS, timeout, too many redirects) — its own kind and exit code.
 * 2. Retry-After too long: the server asked to wait longer than the retry max delay (kind http, RETRY_AFTER_TOO_LONG).
 * 3. Status >= 400 (kind http, HTTP_<status>), unless the status rule is off: `--no-fail`, or a status expectation.
 * 4. Expectations: N of M failed (kind expectation) — unless one of them failed because a {{ variable }} had no
 *    value, which rung 6 reports.
 * 5. Captures: the first capture that found no value (kind capture).
 * 6. A {{ variable }} in an expectation had no value (kind variable).
 *
 * Pure: the same input always gives the same failure; messages are not masked here (settle.ts masks them).
 */
import { describeHttpStatus, type ApitestError, type ErrorKind } from '../errors.js';
import { formatDuration } from '../util/duration.js';

export interface LadderInput {
  readonly outcome:
    | { readonly kind: 'failure'; readonly error: ApitestError }
    | { readonly kind: 'response'; readonly status: number; readonly statusText: string; readonly url: string };
  /** Seconds the server asked to wait beyond what the retry policy accepts; null when it did not. */
  readonly retryAfterTooLong: number | null;
  /** A retry was due but not made: this many bytes of the body had already been written to stdout. */
  readonly retryRefusedAfterBytes: number | null;
  readonly retryMaxDelay: { readonly ms: number; readonly setting: string };
  /**
   * How the run retried: attempts made, and whether --retry could have retried this failure had it been asked
   * for (`retryable`: the method may be retried and the status is in the retry list). The error line suggests
   * --retry only when it was not used and could help; after retries it says how many attempts were made.
   */
  readonly retry: { readonly attempts: number; readonly limit: number; readonly retriesStatus: (status: number) => boolean; readonly methodRetried: boolean };
  /** The final response's Retry-After in seconds (named in a 429's message). */
  readonly retryAfterSeconds: number | null;
  /** Whether a status >= 400 fails the run. */
  readonly statusRule: boolean;
  /** A better hint for 401/403 than the default (e.g. `webhook send`: the secret, not the auth flags). */
  readonly authHint: string | null;
  readonly failedChecks: number;
  readonly totalChecks: number;
  readonly failedCapture: { readonly name: string; readonly reason: string } | null;
  readonly variableError: string | null;
}

export interface Failure {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  readonly cause: Error | null;
}

export function decideFailure(input: LadderInput): Failure | null {
  const { outcome } = input;
  const { retry } = input;
  const afterAttempts = (message: string): string => (retry.attempts > 1 ? `${message} (after ${retry.attempts} attempts)` : message);
  const retryHint = (hint: string | null, retryable: boolean, wording: string): string | null => {
    if (!retryable || retry.attempts > 1 || retry.limit > 0 || !retry.methodRetried) return hint;
    if (hint === null) return wording.replace(/^or /, '');
    return wording.startsWith('or ') ? `${hint}, ${wording}` : `${hint}; ${wording}`;
  };
  // 1. no response
  if (outcome.kind === 'failure') {
    const { error } = outcome;
    const bytes = input.retryRefusedAfterBytes;
    const hint =
      bytes !== null
        ? `not retried: ${bytes} byte${bytes === 1 ? ' was' : 's were'} already written to stdout, and a retry cannot take them back; save the body with -o FILE, which starts over on a retry`
        : retryHint(error.hint ?? null, error.retryable, '--retry may help');
    return { kind: error.kind, code: error.code, message: afterAttempts(error.message), hint, cause: error };
  }
  // 2. Retry-After too long
  if (input.retryAfterTooLong !== null) {
    return {
      kind: 'http',
      code: 'RETRY_AFTER_TOO_LONG',
      message: `${statusLine(outcome)} from ${outcome.url}: the server asks to wait ${formatDuration(input.retryAfterTooLong * 1000)} (Retry-After), longer than ${input.retryMaxDelay.setting} ${formatDuration(input.retryMaxDelay.ms)}`,
      hint: `try again later, or raise ${input.retryMaxDelay.setting} to wait that long`,
      cause: null,
    };
  }
  // 3. status >= 400
  if (input.statusRule && outcome.status >= 400) {
    const described = describeHttpStatus(outcome.status, outcome.statusText, outcome.url, input.retryAfterSeconds);
    const base = (outcome.status === 401 || outcome.status === 403) && input.authHint !== null ? input.authHint : (described.hint ?? null);
    const wording = outcome.status === 429 ? 'or use --retry, which waits as Retry-After asks' : '--retry may help if it is transient';
    const hint = retryHint(base, retry.retriesStatus(outcome.status), wording);
    return { kind: 'http', code: `HTTP_${outcome.status}`, message: afterAttempts(described.message), hint, cause: null };
  }
  // 4. expectations
  if (input.failedChecks > 0 && input.variableError === null) {
    const noun = input.totalChecks === 1 ? 'expectation' : 'expectations';
    return { kind: 'expectation', code: 'EXPECTATION_FAILED', message: `${input.failedChecks} of ${input.totalChecks} ${noun} failed`, hint: null, cause: null };
  }
  // 5. captures
  if (input.failedCapture !== null) {
    return { kind: 'capture', code: 'CAPTURE_FAILED', message: `capture ${input.failedCapture.name}: ${input.failedCapture.reason}`, hint: null, cause: null };
  }
  // 6. a variable without a value
  if (input.variableError !== null) return { kind: 'variable', code: 'VARIABLE_UNSET', message: input.variableError, hint: null, cause: null };
  return null;
}

function statusLine(outcome: { status: number; statusText: string }): string {
  return `${outcome.status} ${outcome.statusText}`.trim();
}

