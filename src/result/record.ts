/**
 * The settled record of one exchange (a single request, or a walk of pages): what happened, checked and masked
 * once. Every report is a view of it: the `--json` document (request-document.ts), the table (render/), the suite
 * step report (step-report.ts), and later batch rows, load samples and HAR entries. Nothing in a record needs
 * masking again: credential headers, URL userinfo and API-key parameters are masked structurally, known secrets
 * are scrubbed from free text (bodies, messages, check values).
 */
import type { ErrorKind, ExitCode } from '../errors.js';
import type { Timings } from '../engine/types.js';
import type { CacheFacts } from '../engine/http-cache/cache-types.js';
import type { RateLimitInfo } from '../ratelimit/rate-limit-info.js';
import type { ResolvedStyle, StopReason } from '../paginate/walk-options.js';

export interface ExchangeRecord {
  /** No failure: the run succeeded by every rule that applied. */
  readonly ok: boolean;
  readonly request: RequestRecord;
  readonly response: ResponseRecord | null;
  /** Of the final attempt, rounded to 0.01 ms; null for a phase that did not happen. */
  readonly timings: Timings;
  readonly rateLimit: RateLimitInfo | null;
  readonly redirects: ReadonlyArray<{ readonly status: number; readonly url: string }>;
  /** The attempts of the final request (the last page of a walk). */
  readonly attempts: readonly AttemptRecord[];
  /** Attempts of every request of the run (all pages of a walk). */
  readonly attemptsTotal: number;
  /** The checks, in the order they ran; null when none were asked for (a single request without --expect flags). */
  readonly expectations: readonly CheckRecord[] | null;
  /** Captures that found a value, by name (suites). */
  readonly captures: ReadonlyMap<string, unknown>;
  readonly pagination: PaginationRecord | null;
  /** What the HTTP cache did (`--cache`, `--offline`); null when the run used none. For a walk: its last page's. */
  readonly cache: CacheFacts | null;
  readonly failure: FailureRecord | null;
}

export interface RequestRecord {
  readonly method: string;
  readonly url: string;
  /** As sent, in order; credentials masked. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface ResponseRecord {
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: string;
  /** Lower-case names; a header received several times is an array; credentials masked. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** How the body reads (masked); null when the producer does not keep bodies (suite steps). */
  readonly body: BodyRecord | null;
  /** Bytes of the body as received (before decoding). */
  readonly size: number;
}

export type BodyRecord =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string; readonly note: string | null }
  | { readonly kind: 'binary'; readonly base64: string; readonly bytes: number; readonly note: string | null }
  /** Streamed to a file (`-o`). */
  | { readonly kind: 'file'; readonly path: string }
  /** Could not be written where it was asked for (`-o` on a full disk): the note says so. */
  | { readonly kind: 'unwritten'; readonly note: string };

export interface AttemptRecord {
  readonly status: number | null;
  readonly error: { readonly kind: ErrorKind; readonly code: string } | null;
  readonly delayMs: number;
}

export interface CheckRecord {
  readonly expression: string;
  readonly ok: boolean;
  readonly expected: unknown;
  readonly actual: unknown;
  /** One line for a failure; null when it passed. */
  readonly message: string | null;
}

export interface PaginationRecord {
  readonly style: ResolvedStyle;
  readonly pages: ReadonlyArray<{ readonly url: string; readonly status: number | null; readonly items: number; readonly timings: Timings; readonly cache: CacheFacts['status'] | null }>;
  readonly itemCount: number;
  readonly stopReason: StopReason;
  /** Every item, in order (masked); null when they were streamed and not kept (`--ndjson`). */
  readonly items: readonly unknown[] | null;
  /** Waits because a response said no requests remain. */
  readonly rateLimitWaits: ReadonlyArray<{ readonly beforeUrl: string; readonly waitMs: number }>;
  /** Wall time of the whole walk. */
  readonly elapsedMs: number;
}

/** Why the run failed: the first rung of the failure ladder that applied (see failure.ts). */
export interface FailureRecord {
  readonly kind: ErrorKind;
  readonly exitCode: ExitCode;
  readonly code: string;
  /** Masked. */
  readonly message: string;
  readonly hint: string | null;
  /** The typed error behind it, when there was one (for --debug stacks). */
  readonly cause: Error | null;
}
