/**
 * A wake-up at a precise time, for the open model of `apitest load --rate`: at 5000 requests a second the next
 * request is due every 0.2 ms, but Node's timers have a 1 ms granularity (a 1 ms timer fires 1-2 ms later), and
 * turning the event loop until the time comes keeps a core busy, which on a machine with few cores gets the
 * generator descheduled for tens of milliseconds at a time (both measured: docs/load.md, "The generator").
 *
 * So a worker thread sleeps until the deadline (`Atomics.wait` takes a fractional timeout and sleeps in the
 * kernel) and posts a message, which wakes the main event loop at once. The deadline and its generation are in a
 * SharedArrayBuffer: a new deadline wakes the worker (`Atomics.notify`) to sleep again until that one. A plain
 * timer is armed as well, as a backstop: it fires the wake-up if the worker is not running yet (it takes a few
 * ms to start), has failed, or cannot be started at all; the first of the two fires it, the other is ignored.
 *
 * One wake-up at a time: `set` replaces the armed one. The worker is started on the first `set` and never keeps
 * the process alive (unref'd); `close` stops it.
 */
import type { Worker as WorkerThread } from 'node:worker_threads';
import { loadWorkerThreads } from '../util/load-builtin.js';

export interface PreciseAlarm {
  /** Calls `fn` once at `at` (on `now`'s clock, ms), replacing any armed wake-up; returns its cancel. */
  set(at: number, fn: () => void): () => void;
  /** Whether the worker is running (false: the backstop timer alone wakes, with its 1 ms granularity). */
  readonly precise: boolean;
  /** How many wake-ups each side fired (for the tests: the worker should fire nearly all of them). */
  readonly fired: { worker: number; timer: number };
  close(): void;
}

/** The longest delay setTimeout takes (a longer one fires at once, with a warning): longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

/** Monotonic ms on the clock both threads share (uv_hrtime). */
const hrMs = (): number => {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
};

// Int32 slot 0: the generation of the armed deadline (0: none yet); slot 1: 1 when closed. Float64 at byte 8:
// the deadline, in hrMs. The worker posts the generation it woke for; -1 once it runs.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const i32 = new Int32Array(workerData, 0, 2);
const deadline = new Float64Array(workerData, 8, 1);
const hrMs = () => { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; };
let fired = 0;
parentPort.postMessage(-1);
while (Atomics.load(i32, 1) === 0) {
  const gen = Atomics.load(i32, 0);
  if (gen === fired) { Atomics.wait(i32, 0, gen); continue; }
  const wait = deadline[0] - hrMs();
  if (wait > 0) { Atomics.wait(i32, 0, gen, wait); continue; }
  fired = gen;
  parentPort.postMessage(gen);
}
`;

export function createPreciseAlarm(now: () => number): PreciseAlarm {
  const shared = new SharedArrayBuffer(16);
  const i32 = new Int32Array(shared, 0, 2);
  const deadline = new Float64Array(shared, 8, 1);
  let worker: WorkerThread | null = null;
  let started = false;
  let running = false;
  let closed = false;
  let gen = 0;
  let armed: (() => void) | null = null;
  let backstop: ReturnType<typeof setTimeout> | null = null;

  const fired = { worker: 0, timer: 0 };
  const fire = (forGen: number, by: 'worker' | 'timer'): void => {
    if (forGen !== gen || armed === null) return;
    fired[by]++;
    const fn = armed;
    armed = null;
    if (backstop !== null) clearTimeout(backstop);
    backstop = null;
    fn();
  };

  const start = (): void => {
    started = true;
    try {
      const { Worker } = loadWorkerThreads();
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: shared, stdout: false, stderr: false, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
      w.on('message', (g: number) => {
        if (g === -1) running = !closed;
        else fire(g, 'worker');
      });
      // A worker that fails leaves the backstop timers to do the waking: the run goes on, less precisely.
      w.on('error', () => {
        running = false;
      });
      w.on('exit', () => {
        running = false;
      });
      // After the listeners: on Node 20 a 'message' listener added later refs the worker's port again.
      w.unref();
      worker = w;
    } catch {
      worker = null;
    }
  };

  return {
    set(at, fn) {
      if (!started && !closed) start();
      // Kept within an Int32 (the shared slot), never 0 (the worker's "nothing fired yet").
      const myGen = (gen = (gen % 0x7fffffff) + 1);
      armed = fn;
      const wait = at - now();
      deadline[0] = hrMs() + wait;
      Atomics.store(i32, 0, myGen);
      Atomics.notify(i32, 0);
      if (backstop !== null) clearTimeout(backstop);
      // libuv reads its clock once per turn of the loop, so a timer can fire up to 1 ms before its time: the
      // backstop checks, and waits again for what is left.
      const onBackstop = (): void => {
        const left = at - now();
        if (left > 0) backstop = setTimeout(onBackstop, Math.min(Math.ceil(left), MAX_TIMER_MS));
        else fire(myGen, 'timer');
      };
      backstop = setTimeout(onBackstop, Math.min(Math.max(0, Math.ceil(wait)), MAX_TIMER_MS));
      return () => {
        if (gen !== myGen || armed === null) return;
        armed = null;
        if (backstop !== null) clearTimeout(backstop);
        backstop = null;
      };
    },
    get precise() {
      return running;
    },
    fired,
    close() {
      if (closed) return;
      closed = true;
      running = false;
      armed = null;
      if (backstop !== null) clearTimeout(backstop);
      backstop = null;
      Atomics.store(i32, 1, 1);
      Atomics.add(i32, 0, 1);
      Atomics.notify(i32, 0);
      void worker?.terminate();
      worker = null;
    },
  };
}
