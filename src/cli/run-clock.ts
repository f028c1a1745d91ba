import type { Io } from '../io.js';
import { interruptibleClock, systemClock, type Clock } from '../util/clock.js';

/** The clock of a run: its waits (retry delays, rate limits) end at once on Ctrl-C or SIGTERM. */
export function runClock(io: Io): Clock {
  return io.interrupt === undefined ? systemClock : interruptibleClock(io.interrupt.signal);
}
