/**
 * A discrete-event clock for the load runner (src/load/run-load.ts): `now` moves only when the next timer fires,
 * so a run of "10 seconds" takes milliseconds and every figure is exact. `wakeAt` fires exactly at its time.
 * Bounded: `runAll` stops after `maxEvents` and says so. `runNext` runs one event, for a runner that awaits
 * promises between events (load --suite: test/unit/suite-load-run.test.ts drives it).
 */
import type { LoadOutcome } from '../../src/engine/load-transport.js';
import type { LoadTimers } from '../../src/load/run-load.js';

interface Event {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface FakeTimers extends LoadTimers {
  /** Runs events in time order until none is left; returns how many ran. */
  runAll(maxEvents?: number): number;
  /** Runs the next event (in time order), if there is one; returns whether one ran. */
  runNext(): boolean;
}

/** `wakeLate(at)`: how long after `at` a `wakeAt` fires (a generator held up), 0 by default. */
export function fakeTimers(start = 1000, wakeLate: (at: number) => number = () => 0): FakeTimers {
  let now = start;
  let seq = 0;
  const queue: Event[] = [];
  const add = (at: number, fn: () => void): (() => void) => {
    const e: Event = { at, seq: seq++, fn, cancelled: false };
    queue.push(e);
    return () => {
      e.cancelled = true;
    };
  };
  return {
    now: () => now,
    after: (ms, fn) => add(now + Math.max(0, ms), fn),
    wakeAt: (at, fn) => add(Math.max(now, at) + wakeLate(at), fn),
    runAll(maxEvents = 1_000_000) {
      let ran = 0;
      while (queue.length > 0) {
        if (ran >= maxEvents) throw new Error(`fake timers: more than ${maxEvents} events`);
        if (this.runNext()) ran++;
      }
      return ran;
    },
    runNext() {
      while (queue.length > 0) {
        let best = 0;
        for (let i = 1; i < queue.length; i++) {
          const a = queue[i] as Event;
          const b = queue[best] as Event;
          if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
        }
        const [e] = queue.splice(best, 1) as [Event];
        if (e.cancelled) continue;
        now = Math.max(now, e.at);
        e.fn();
        return true;
      }
      return false;
    },
  };
}

/** A server on the fake clock: each request is answered `latency(i)` ms after it is sent (i from 0), or never (null). */
export function fakeServer(timers: LoadTimers, latency: (index: number, sentAt: number) => number | null, outcome: (index: number) => LoadOutcome = () => ({ status: 200, bytes: 10, retryAfter: null, errorKind: null })) {
  let index = 0;
  const sent: number[] = [];
  return {
    sent,
    send(done: (o: LoadOutcome) => void) {
      const i = index++;
      const at = timers.now();
      sent.push(at);
      const ms = latency(i, at);
      if (ms !== null) timers.after(ms, () => done(outcome(i)));
    },
  };
}
