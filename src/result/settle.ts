/**
 * Settles what the engine returned — one exchange, or a walk of pages — into the one record every report is a
 * view of. Order (written down so nobody has to guess, as Hurl does):
 *   1. read the final response once: its body view, its text, its facts (a walk reads as all its items); a
 *      response whose body could not be written (kind write) is kept in the record, but not checked;
 *   2. captures, in the order written (`onCaptured` is told before expectations run: a suite step's
 *      expectations may use its own captures);
 *   3. expectations, in the order written; when expectations are reported, a status >= 400 that the status
 *      rule fails is listed first as `status < 400`;
 *   4. the failure ladder (failure.ts) decides the failure, if any;
 *   5. one masking pass: credential headers, URL userinfo and API-key parameters structurally, then known
 *      secrets scrubbed from free text (bodies, messages, check and capture values, items).
 *
 * Memory (suites of thousands of steps): objects here are written out key by key, never `{ ...a, b }`; see
 * docs/internals.md ("object shapes on the step path").
 */
import type { ExecutedExchange } from '../engine/execute.js';
import type { Attempt, ResponseData, Timings } from '../engine/types.js';
import { EMPTY_TIMINGS } from '../engine/types.js';
import { evaluateCaptures, type CaptureOutcome, type CaptureSpec } from '../expect/capture.js';
import type { CheckResult } from '../expect/evaluate.js';
import type { ResponseFacts } from '../expect/subject-context.js';
import type { PaginatedRun } from '../paginate/run-paginated.js';
import { parseRateLimit } from '../ratelimit/parse-rate-limit.js';
import type { RateLimitWait } from '../ratelimit/server-gate.js';
import type { Redactor } from '../redact/redactor.js';
import { scrubValue } from '../redact/scrub-value.js';
import { exitCodeOf } from '../errors.js';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../retry/backoff.js';
import { mayRetryMethod } from '../retry/decide-retry.js';
import { decideFailure, type Failure } from './failure.js';
import type { AttemptRecord, BodyRecord, CheckRecord, ExchangeRecord, FailureRecord, PaginationRecord, RequestRecord, ResponseRecord } from './record.js';
import { readResponse, walkFacts } from './response-facts.js';
import { roundMs } from './round-ms.js';

/** The checks a producer applies. */
export interface CheckPlan {
  /** Whether a status >= 400 fails the run: off with `--no-fail`, or when an expectation checks the status. */
  readonly statusRule: boolean;
  /** Expectation rows are reported: suites always; a single request when an --expect/--expect-status/--schema flag is given. */
  readonly reportsExpectations: boolean;
  readonly captures: readonly CaptureSpec[];
  /** Told of the capture outcomes before the expectations run. */
  readonly onCaptured?: (outcomes: readonly CaptureOutcome[]) => void;
  readonly expect: ((facts: ResponseFacts) => ExpectOutcome) | null;
}

export interface ExpectOutcome {
  readonly results: readonly CheckResult[];
  /** The message of a {{ variable }} without a value in an expectation (suites), else null. */
  readonly variableError: string | null;
}

export interface SettleContext {
  readonly checks: CheckPlan;
  /**
   * The redactor for the masking pass, asked for when it runs: captures may have made new secrets known
   * (a suite step whose captured token a later step sends as a credential).
   */
  readonly redactor: () => Redactor;
  /** For rate-limit reset instants. */
  readonly nowMs: number;
  /** Keep the response body view in the record (single requests); suite steps drop it. */
  readonly keepBody: boolean;
  /** Where `-o` wrote the body. */
  readonly outputFile: string | null;
  /** The retry policy (its max delay named in rung 2's message as the user sets it: `--retry-max-delay`, `retry.maxDelay`). */
  readonly retry: { readonly policy: RetryPolicy; readonly maxDelaySetting: string };
  readonly authHint: string | null;
}

/** A walk as the settle needs it: the run, its items (null when streamed and not kept), the rate-limit waits. */
export interface WalkResult {
  readonly run: PaginatedRun;
  readonly items: readonly unknown[] | null;
  readonly waits: readonly RateLimitWait[];
}

export const NO_CHECKS: CheckPlan = { statusRule: true, reportsExpectations: false, captures: [], expect: null };

export function settleExchange(exchange: ExecutedExchange, ctx: SettleContext): ExchangeRecord {
  return settle(exchange, null, ctx);
}

export function settleWalk(walk: WalkResult, ctx: SettleContext): ExchangeRecord {
  return settle(walk.run.lastExchange, walk, ctx);
}

function settle(exchange: ExecutedExchange, walk: WalkResult | null, ctx: SettleContext): ExchangeRecord {
  const { checks } = ctx;
  const last = finalAttempt(exchange);
  // A failure may carry the response that arrived (only writing its body failed): its facts are reported.
  const response = last.outcome.kind === 'response' ? last.outcome.response : (last.outcome.response ?? null);

  // 1. read once
  const read = response === null ? null : readResponse(response, last.timings);
  let facts: ResponseFacts | null = read === null || last.outcome.kind === 'failure' ? null : read.facts;
  if (response !== null && walk !== null && walk.run.stopReason !== 'error' && walk.items !== null) {
    facts = walkFacts(response, walk.items, walk.run.totals);
  }
  if (facts !== null && exchange.cache !== undefined) facts.cache = exchange.cache;
  // 2. captures, 3. expectations
  let outcomes: readonly CaptureOutcome[] = [];
  let results: CheckResult[] = [];
  let variableError: string | null = null;
  if (facts !== null) {
    if (checks.captures.length > 0) outcomes = evaluateCaptures(checks.captures, facts);
    checks.onCaptured?.(outcomes);
    if (checks.expect !== null) {
      const expected = checks.expect(facts);
      results = [...expected.results];
      variableError = expected.variableError;
    }
    if (checks.reportsExpectations && checks.statusRule && facts.status >= 400) {
      results.unshift({
        expression: 'status < 400',
        ok: false,
        expected: '< 400',
        actual: facts.status,
        message: `status: expected < 400 (no expectation checks the status), got ${facts.status}`,
      });
    }
  }
  const failedCapture = outcomes.find((o) => !o.ok);
  const redactor = ctx.redactor();
  // Request headers first: the redactor learns the credentials they carry, and scrubs them from everything after.
  const request = requestRecord(last, exchange, redactor);
  const rateLimit = response === null ? null : parseRateLimit(response.headers, ctx.nowMs, response.retryAfterSeconds);
  // 4. the failure ladder
  const failure = decideFailure({
    outcome:
      last.outcome.kind === 'failure'
        ? { kind: 'failure', error: last.outcome.error }
        : { kind: 'response', status: last.outcome.response.status, statusText: last.outcome.response.statusText, url: redactor.url(last.request?.url ?? exchange.spec.url) },
    retryAfterTooLong: exchange.retryAfterTooLong,
    retryRefusedAfterBytes: exchange.retryRefusedAfterBytes,
    retryAfterSeconds: rateLimit === null ? null : rateLimit.retryAfterSeconds,
    retryMaxDelay: { ms: ctx.retry.policy.maxDelayMs, setting: ctx.retry.maxDelaySetting },
    retry: {
      attempts: exchange.attempts.length,
      limit: ctx.retry.policy.limit,
      retriesStatus: (status) => ctx.retry.policy.retryOn.includes(status) || DEFAULT_RETRY_ON.includes(status as (typeof DEFAULT_RETRY_ON)[number]),
      methodRetried: mayRetryMethod(exchange.spec, ctx.retry.policy),
    },
    statusRule: checks.statusRule,
    authHint: ctx.authHint,
    failedChecks: results.filter((r) => !r.ok).length,
    totalChecks: results.length,
    failedCapture: failedCapture === undefined ? null : { name: failedCapture.name, reason: failedCapture.reason ?? 'no value' },
    variableError,
  });

  // 5. one masking pass (the request's was done first)
  // Values are walked only when a secret is known (the redactor learns more as headers are masked).
  const scrub = (value: unknown): unknown => (redactor.scrubs() ? scrubValue(value, redactor.text) : value);
  return {
    ok: failure === null,
    request,
    response: response === null || read === null ? null : responseRecord(response, read.view, ctx, redactor, scrub, last.outcome.kind === 'failure'),
    timings: roundTimings(last.timings),
    rateLimit,
    redirects: last.redirects.map((r) => ({ status: r.status, url: redactor.url(r.url) })),
    attempts: exchange.attempts.map(attemptRecord),
    attemptsTotal: walk === null ? exchange.attempts.length : walk.run.totals.attempts,
    expectations: checks.reportsExpectations ? results.map((r) => checkRecord(r, redactor, scrub)) : null,
    captures: capturesOf(outcomes, scrub),
    pagination: walk === null ? null : paginationRecord(walk, redactor, scrub),
    cache: exchange.cache ?? null,
    failure: failure === null ? null : failureRecord(failure, redactor),
  };
}

/** The last attempt: what the run's result is. */
export function finalAttempt(exchange: { readonly attempts: readonly Attempt[] }): Attempt {
  const last = exchange.attempts[exchange.attempts.length - 1];
  if (!last) throw new Error('an exchange has at least one attempt');
  return last;
}

/** Timings rounded to 0.01 ms, once, for every report. */
export function roundTimings(t: Timings | undefined): Timings {
  const src = t ?? EMPTY_TIMINGS;
  return {
    wait: round2(src.wait),
    dns: round2(src.dns),
    tcp: round2(src.tcp),
    tls: round2(src.tls),
    send: round2(src.send),
    firstByte: round2(src.firstByte),
    download: round2(src.download),
    total: round2(src.total),
  };
}

function round2(v: number | null): number | null {
  return v === null ? null : roundMs(v);
}

function requestRecord(last: Attempt, exchange: ExecutedExchange, redactor: Redactor): RequestRecord {
  const headers: Array<readonly [string, string]> = [];
  for (const [name, value] of last.request?.headers ?? exchange.spec.headers) headers.push([name, redactor.header(name, value)]);
  return { method: last.request?.method ?? exchange.spec.method, url: redactor.url(last.request?.url ?? exchange.spec.url), headers };
}

function responseRecord(
  response: ResponseData,
  view: ReturnType<typeof readResponse>['view'],
  ctx: SettleContext,
  redactor: Redactor,
  scrub: (v: unknown) => unknown,
  unwritten: boolean,
): ResponseRecord {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map((v) => redactor.header(name, v)) : redactor.header(name, value);
  }
  let body: BodyRecord | null = null;
  if (ctx.keepBody) {
    if (unwritten) body = { kind: 'unwritten', note: `the body could not be written${ctx.outputFile === null ? '' : ` to ${ctx.outputFile}`} (see the error)` };
    else if (response.body === null && ctx.outputFile !== null) body = { kind: 'file', path: ctx.outputFile };
    else if (response.undecoded.length > 0) {
      const bytes = response.body ?? new Uint8Array();
      body = { kind: 'binary', base64: Buffer.from(bytes).toString('base64'), bytes: bytes.length, note: `Content-Encoding ${response.undecoded.join(', ')}: apitest cannot decode it; the body is as received` };
    }
    else if (view.kind === 'json') body = { kind: 'json', value: scrub(view.value) };
    else if (view.kind === 'text') body = { kind: 'text', text: redactor.text(view.text), note: view.note ?? null };
    else if (view.kind === 'binary') body = { kind: 'binary', base64: Buffer.from(view.bytes).toString('base64'), bytes: view.bytes.length, note: null };
    else body = { kind: 'none' };
  }
  return { status: response.status, statusText: response.statusText, httpVersion: response.httpVersion, headers, body, size: response.size };
}

function attemptRecord(attempt: Attempt): AttemptRecord {
  const { outcome } = attempt;
  return {
    status: outcome.kind === 'response' ? outcome.response.status : (outcome.response?.status ?? null),
    error: outcome.kind === 'failure' ? { kind: outcome.error.kind, code: outcome.error.code } : null,
    delayMs: attempt.delayMs,
  };
}

function checkRecord(check: CheckResult, redactor: Redactor, scrub: (v: unknown) => unknown): CheckRecord {
  return {
    expression: redactor.text(check.expression),
    ok: check.ok,
    expected: scrub(check.expected),
    actual: scrub(check.actual),
    message: check.message === undefined ? null : redactor.text(check.message),
  };
}

const NO_CAPTURES: ReadonlyMap<string, unknown> = new Map();

function capturesOf(outcomes: readonly CaptureOutcome[], scrub: (v: unknown) => unknown): ReadonlyMap<string, unknown> {
  if (!outcomes.some((o) => o.ok)) return NO_CAPTURES;
  const out = new Map<string, unknown>();
  for (const o of outcomes) if (o.ok) out.set(o.name, scrub(o.value));
  return out;
}

function paginationRecord(walk: WalkResult, redactor: Redactor, scrub: (v: unknown) => unknown): PaginationRecord {
  const { run } = walk;
  return {
    style: run.style,
    pages: run.pages.map((p) => ({ url: redactor.url(p.url), status: p.status, items: p.items, timings: roundTimings(p.timings), cache: p.cache })),
    itemCount: run.itemCount,
    stopReason: run.stopReason,
    items: walk.items === null ? null : (scrub(walk.items) as unknown[]),
    rateLimitWaits: walk.waits.map((w) => ({ beforeUrl: redactor.url(w.beforeUrl), waitMs: w.waitMs })),
    elapsedMs: run.elapsedMs,
  };
}

function failureRecord(failure: Failure, redactor: Redactor): FailureRecord {
  return {
    kind: failure.kind,
    exitCode: exitCodeOf(failure.kind),
    code: failure.code,
    message: redactor.text(failure.message),
    hint: failure.hint === null ? null : redactor.text(failure.hint),
    cause: failure.cause,
  };
}
