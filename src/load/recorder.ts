/**
 * What a load run measured: counters and HDR histograms, filled by the runner one outcome at a time (no object
 * per request). Which requests count: a response with a status below 400 is `ok`; anything else is `failed` —
 * no response (by error kind), a 4xx or a 5xx. A 429 is also counted as `throttled` (the server asked to slow
 * down: rate limiting, not failing), with how many carried `Retry-After`.
 */
import type { LoadErrorKind, LoadOutcome } from '../engine/load-transport.js';
import { createCompactHistogram, createHistogram, recordMs, type Histogram } from './hdr.js';

/**
 * `unfinished`: no response by the end of the run (the drain after the last request ran out): sent, never
 * answered. `variable` (--suite): a step's request could not be built (a capture it needs failed): not sent.
 * `expectation` (--suite): a response that failed its step's `expect:` (it is also counted by status).
 */
export type LoadErrorName = LoadErrorKind | 'unfinished' | 'variable' | 'expectation';

/**
 * A suite step's verdict on its response (--suite): `ok` as a suite run would say (its expectations, and without
 * a `status:` expectation a status below 400); `failedExpectation`: one of its written expectations failed.
 */
export interface StepVerdict {
  readonly ok: boolean;
  readonly failedExpectation: boolean;
}

export interface LoadRecorder {
  readonly latency: Histogram;
  /** With --rate: latency measured from the actual send time (null without --rate, where the two are the same). */
  readonly uncorrected: Histogram | null;
  total: number;
  ok: number;
  bytes: number;
  notSentOnTime: number;
  /** Of `notSentOnTime`, those sent late that were meant to leave in the first second of the window (a slow start). */
  lateFirstSecond: number;
  /** Of `notSentOnTime`, those never sent: due in the window, still waiting for a connection when it ended. */
  neverSent: number;
  throttled: number;
  /**
   * 429s that are not ok only because of their status (no expectation of theirs failed): rate limiting, which the
   * `errors` SLO leaves out. All of them without --suite; under --suite a 429 a step expected is ok (not
   * counted here) and one that failed a written expectation is an error.
   */
  throttledFailed: number;
  retryAfter: { count: number; last: string | null };
  readonly statuses: Map<number, number>;
  readonly errors: Map<LoadErrorName, number>;
  /**
   * One finished request. `latencyMs`: from the intended send time with --rate, else from the send; `sentLatencyMs`:
   * from the actual send (used with --rate only). `verdict` (--suite, a step with `expect:`): decides `ok` instead
   * of the status alone. Returns whether the request was ok; its latency was recorded when it had a response.
   */
  record(outcome: LoadOutcome, latencyMs: number, sentLatencyMs: number, verdict?: StepVerdict): boolean;
  /** A request sent but never answered. */
  recordError(kind: LoadErrorName): void;
  /** A measured request (or pass) left late; `sinceWindowMs`: its intended time, from the window's start. */
  recordLate(sinceWindowMs: number): void;
  /** `count` measured requests (or passes) never sent: due in the window, still waiting when it ended. */
  recordNeverSent(count: number): void;
}

export function createLoadRecorder(corrected: boolean): LoadRecorder {
  const latency = createHistogram();
  const uncorrected = corrected ? createHistogram() : null;
  const statuses = new Map<number, number>();
  const errors = new Map<LoadErrorName, number>();
  const recorder: LoadRecorder = {
    latency,
    uncorrected,
    total: 0,
    ok: 0,
    bytes: 0,
    notSentOnTime: 0,
    lateFirstSecond: 0,
    neverSent: 0,
    throttled: 0,
    throttledFailed: 0,
    retryAfter: { count: 0, last: null },
    statuses,
    errors,
    record(outcome, latencyMs, sentLatencyMs, verdict) {
      recorder.bytes += outcome.bytes;
      const status = outcome.status;
      if (status === null || outcome.errorKind !== null) {
        recorder.recordError(outcome.errorKind ?? 'other');
        return false;
      }
      recorder.total++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const ok = verdict === undefined ? status < 400 : verdict.ok;
      if (ok) recorder.ok++;
      if (status === 429 && !ok && verdict?.failedExpectation !== true) recorder.throttledFailed++;
      if (verdict?.failedExpectation === true) errors.set('expectation', (errors.get('expectation') ?? 0) + 1);
      if (status === 429) {
        recorder.throttled++;
        if (outcome.retryAfter !== null) {
          recorder.retryAfter.count++;
          recorder.retryAfter.last = outcome.retryAfter;
        }
      }
      recordMs(latency, latencyMs);
      if (uncorrected !== null) recordMs(uncorrected, sentLatencyMs);
      return ok;
    },
    recordError(kind) {
      recorder.total++;
      errors.set(kind, (errors.get(kind) ?? 0) + 1);
    },
    recordLate(sinceWindowMs) {
      recorder.notSentOnTime++;
      if (sinceWindowMs < 1000) recorder.lateFirstSecond++;
    },
    recordNeverSent(count) {
      recorder.notSentOnTime += count;
      recorder.neverSent += count;
    },
  };
  return recorder;
}

/**
 * The figures of one step of `load --suite` (a step repeated by `load.weight` has one tally): its requests (those
 * not sent for a failed capture included), how many were ok, and the latency of its responses.
 */
export interface StepTally {
  readonly name: string;
  total: number;
  ok: number;
  readonly latency: Histogram;
}

export function createStepTally(name: string): StepTally {
  return { name, total: 0, ok: 0, latency: createCompactHistogram() };
}

/** One request of the step, as `LoadRecorder.record` judged it (`answered`: it had a response, timed `latencyMs`). */
export function tallyStep(tally: StepTally, ok: boolean, answered: boolean, latencyMs: number): void {
  tally.total++;
  if (ok) tally.ok++;
  if (answered) recordMs(tally.latency, latencyMs);
}
