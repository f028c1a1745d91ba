/**
 * The load generator. Two models:
 *
 * - **Closed** (no `--rate`): `connections × pipelining` slots, each sending its next request as soon as the
 *   previous one is answered (autocannon's and wrk's model). Latency is measured from the send (when the transport
 *   wrote the request on its connection, as they time it).
 * - **Open** (`--rate R/s`): request i is meant to leave at `start + i / R` (schedule.ts); a due request leaves
 *   at once when a slot is free, else waits (in order) for one. Latency is measured from the **intended** time
 *   (corrected: a stall is charged to every request that should have left during it) and from the actual send
 *   (uncorrected); a request that left more than LATE_MS after its intended time is `notSentOnTime`, as is one
 *   still waiting when the run ends.
 *
 * Order of a run: warm-up (`warmupMs`, same shape, nothing recorded) → the measured window, which ends at
 * `durationMs` after it began or once `requests` requests were sent → no new request; those in flight are waited
 * for up to `drainMs` (the rest are recorded as `unfinished`) → resolved. Ctrl-C (`signal`) ends it at once: what
 * finished is kept, what was in flight is not recorded. Every request's callback is bounded by the transport's
 * timeout, and every wait here by a timer: the run always ends.
 */
import type { LoadOutcome } from '../engine/load-transport.js';
import { createLoadRecorder, type LoadRecorder, type StepTally } from './recorder.js';
import { createRateSchedule, isLate, rateWindow } from './schedule.js';
import { createPreciseAlarm, type PreciseAlarm } from './precise-alarm.js';

export interface LoadPlan {
  readonly connections: number;
  readonly pipelining: number;
  /** The measured window; null with `requests`. */
  readonly durationMs: number | null;
  readonly requests: number | null;
  readonly warmupMs: number;
  readonly rate: { readonly count: number; readonly perMs: number } | null;
  /** How long requests still in flight at the end are waited for. */
  readonly drainMs: number;
}

/** The timers and clock of a run (tests give fake ones). `now` is a monotonic time in ms (float). */
export interface LoadTimers {
  now(): number;
  after(ms: number, fn: () => void): () => void;
  /**
   * The open model's one wake-up: calls `fn` at `at` (on `now`'s clock), as close to it as the platform allows;
   * a new one replaces the one armed before. Returns its cancel.
   */
  wakeAt(at: number, fn: () => void): () => void;
}

export interface LoadDeps {
  /** Sends one request; calls `done` exactly once, never synchronously. */
  send(done: (outcome: LoadOutcome) => void): void;
  timers: LoadTimers;
  signal?: AbortSignal;
}

export interface LoadRun {
  readonly recorder: LoadRecorder;
  /** The measured window: from its start until the last counted request finished (or the run stopped). */
  readonly elapsedMs: number;
  readonly stoppedBy: 'duration' | 'requests' | 'interrupt';
  /** When the measured window began, on the timers' clock (for progress). */
  readonly measureStart: number;
  /** `load --suite`: each step's figures, in the order of the file. */
  readonly steps?: readonly StepTally[];
}

/**
 * The real clock and timers. `wakeAt` uses a precise alarm (load/precise-alarm.ts: a worker thread that sleeps
 * until the time, started on first use), so the open model sends each request within a fraction of a millisecond
 * of its intended time without keeping a core busy. `close` stops it.
 */
export function createRealTimers(): LoadTimers & { close(): void } {
  let alarm: PreciseAlarm | null = null;
  const now = (): number => performance.now();
  return {
    now,
    after: (ms, fn) => {
      const t = setTimeout(fn, Math.max(0, ms));
      return () => clearTimeout(t);
    },
    wakeAt: (at, fn) => (alarm ??= createPreciseAlarm(now)).set(at, fn),
    close: () => alarm?.close(),
  };
}

/** Starts the run; `live` gives the recorder while it runs (progress), the promise the finished run. */
export function startLoad(plan: LoadPlan, deps: LoadDeps): { live: LoadRecorder; measureStart: number; done: Promise<LoadRun> } {
  const { timers } = deps;
  const recorder = createLoadRecorder(plan.rate !== null);
  const slots = plan.connections * plan.pipelining;
  const start = timers.now();
  const measureStart = start + plan.warmupMs;
  const schedule = plan.rate === null ? null : createRateSchedule(plan.rate, start);
  // Open model, by index: the measured window's first request and its end.
  const openWindow = schedule === null ? null : rateWindow(schedule, measureStart, plan.durationMs);
  let inflight = 0;
  let countedInflight = 0;
  let countedSent = 0;
  let nextIndex = 0;
  let sending = true;
  let closed = false;
  let stoppedBy: LoadRun['stoppedBy'] = plan.requests === null ? 'duration' : 'requests';
  let stopAt = Number.POSITIVE_INFINITY;
  let lastDone = measureStart;
  let cancelTick: (() => void) | null = null;
  let cancelEnd: (() => void) | null = null;
  let cancelDrain: (() => void) | null = null;
  let resolve!: (run: LoadRun) => void;
  const done = new Promise<LoadRun>((r) => {
    resolve = r;
  });

  const finish = (): void => {
    if (closed) return;
    closed = true;
    cancelTick?.();
    cancelEnd?.();
    cancelDrain?.();
    deps.signal?.removeEventListener('abort', onAbort);
    const end = stoppedBy === 'interrupt' ? timers.now() : Math.max(lastDone, Math.min(stopAt, timers.now()));
    resolve({ recorder, elapsedMs: Math.max(0, end - measureStart), stoppedBy, measureStart });
  };

  const stopSending = (): void => {
    if (!sending) return;
    sending = false;
    stopAt = timers.now();
    cancelTick?.();
    cancelTick = null;
    // Due in the window but never sent (no free slot until the end): they could not be sent on time.
    if (openWindow !== null && stoppedBy === 'duration') recorder.recordNeverSent(openWindow.neverSent(nextIndex, stopAt));
    if (inflight === 0) return finish();
    cancelDrain = timers.after(plan.drainMs, () => {
      for (let i = 0; i < countedInflight; i++) recorder.recordError('unfinished');
      // The window lasted until they were given up (with -n, the send of the last one was nearly at its start).
      if (countedInflight > 0) lastDone = timers.now();
      countedInflight = 0;
      finish();
    });
  };

  const onAbort = (): void => {
    stoppedBy = 'interrupt';
    sending = false;
    finish();
  };

  /** Sends one request meant to leave at `intended` (the send time itself in the closed model). */
  const fire = (intended: number, counted: boolean): void => {
    inflight++;
    if (counted) {
      countedInflight++;
      countedSent++;
    }
    const sentAt = timers.now();
    if (counted && schedule !== null && isLate(intended, sentAt)) recorder.recordLate(intended - measureStart);
    deps.send((outcome) => {
      inflight--;
      if (closed) return;
      const at = timers.now();
      if (counted) {
        countedInflight--;
        lastDone = at;
        // Sent: when written to the connection (as autocannon and wrk time it), else when handed to the transport.
        const sent = outcome.writtenAt ?? sentAt;
        recorder.record(outcome, schedule === null ? at - sent : at - intended, at - sent);
      }
      if (sending) pump();
      else if (inflight === 0) finish();
    });
    if (plan.requests !== null && countedSent >= plan.requests) stopSending();
  };

  /** Sends what may be sent now: every free slot (closed model), or the due requests (open model). */
  const pump = (): void => {
    if (schedule === null || openWindow === null) {
      while (sending && inflight < slots) {
        const now = timers.now();
        fire(now, now >= measureStart);
      }
      return;
    }
    const now = timers.now();
    // Warm-up requests still waiting for a connection when the window opens are dropped (never sent, not
    // counted): a backlog of the warm-up would otherwise take the window's connections.
    nextIndex = openWindow.resume(nextIndex, now);
    // Not one meant for after the window, when its end timer fires a little late.
    const due = openWindow.due(now);
    while (sending && inflight < slots && nextIndex < due) {
      const intended = schedule.intendedAt(nextIndex++);
      fire(intended, intended >= measureStart);
    }
    if (!sending || cancelTick !== null || inflight >= slots || nextIndex >= openWindow.end) return;
    // The next request is not due yet: wake up when it is (a precise alarm with real timers), or when an answer
    // frees a slot, whichever comes first.
    cancelTick = timers.wakeAt(schedule.intendedAt(nextIndex), () => {
      cancelTick = null;
      pump();
    });
  };

  if (deps.signal?.aborted === true) {
    onAbort();
    return { live: recorder, measureStart, done };
  }
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  if (plan.durationMs !== null) cancelEnd = timers.after(measureStart + plan.durationMs - start, () => {
    cancelEnd = null;
    stoppedBy = 'duration';
    stopSending();
  });
  pump();
  return { live: recorder, measureStart, done };
}
