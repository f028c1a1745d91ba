/**
 * The open model's schedule (`--rate`): request i is meant to leave at `start + i * intervalMs`, whatever happened
 * to the requests before it. Latency is measured from that intended time, so a server (or a generator) that
 * stalls is charged for every request that should have been sent during the stall — coordinated omission
 * corrected, as wrk2 does. Pure: the runner asks it with its own clock's readings.
 */

/** A request that leaves more than this after its intended time counts as not sent on time. */
export const LATE_MS = 5;

export interface RateSchedule {
  readonly intervalMs: number;
  /** When request `index` (from 0) is meant to leave. */
  intendedAt(index: number): number;
  /** How many requests are due by `now` (those whose intended time is <= now). */
  dueBy(now: number): number;
  /** How many requests are meant to leave strictly before `t` (the end of a window that excludes `t`). */
  dueBefore(t: number): number;
}

/** `count` requests every `perMs` milliseconds, the first at `start`. */
export function createRateSchedule(rate: { count: number; perMs: number }, start: number): RateSchedule {
  const intervalMs = rate.perMs / rate.count;
  return {
    intervalMs,
    intendedAt: (index) => start + index * intervalMs,
    dueBy: (now) => (now < start ? 0 : Math.floor((now - start) / intervalMs) + 1),
    // Less a millionth of an interval: `start + duration` read back as 1000.0000000001 intervals is 1000. At
    // least 1 after `start`: request 0 leaves at `start` (at 1/h, a window of 1 s holds it).
    dueBefore: (t) => (t <= start ? 0 : Math.max(1, Math.ceil((t - start) / intervalMs - 1e-6))),
  };
}

/**
 * The open model's measured window, by request (or pass) index: the warm-up's are those before `first`; the
 * window holds those meant to leave before its end (`end` of them counted from 0; Infinity without a duration).
 * Shared by the one-URL runner and `load --suite`, so both count the same requests as measured, late or never sent.
 */
export interface RateWindow {
  readonly first: number;
  readonly end: number;
  /** The next index to send at `now`: once the window is open, the warm-up's backlog (still unsent) is skipped. */
  resume(next: number, now: number): number;
  /** How many are due at `now`, none past the window's end. */
  due(now: number): number;
  /** Of those meant for the window, how many were never sent by `stopAt` (`next`: the first one not sent). */
  neverSent(next: number, stopAt: number): number;
}

export function rateWindow(schedule: RateSchedule, measureStart: number, durationMs: number | null): RateWindow {
  const first = schedule.dueBefore(measureStart);
  const end = durationMs === null ? Number.POSITIVE_INFINITY : schedule.dueBefore(measureStart + durationMs);
  return {
    first,
    end,
    resume: (next, now) => (now >= measureStart && next < first ? first : next),
    due: (now) => Math.min(schedule.dueBy(now), end),
    // Counted, not looped over: at a high rate they can be billions.
    neverSent: (next, stopAt) => Math.max(0, Math.min(schedule.dueBefore(stopAt), end) - Math.max(next, first)),
  };
}

/** Whether a request meant to leave at `intended` and sent at `sent` left late. */
export function isLate(intended: number, sent: number): boolean {
  return sent - intended > LATE_MS;
}
