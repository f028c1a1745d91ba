/** Time as the rest of the code sees it; tests pass a fake one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds (at once for `ms <= 0`). */
  sleep(ms: number): Promise<void>;
}

/** The real clock, whose waits end at once when `signal` aborts (Ctrl-C): the caller then sees it is aborted. */
export function interruptibleClock(signal: AbortSignal): Clock {
  return {
    now: systemClock.now,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        if (!(ms > 0) || signal.aborted) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(ms, 2_147_483_647));
        signal.addEventListener('abort', done, { once: true });
      }),
  };
}

/**
 * The real clock. `sleep` holds one ref'd timer only while it waits (so the process
 * stays alive for a pending wait) and nothing after it fires; `ms <= 0` sets no timer.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms: number) =>
    new Promise<void>((resolve) => {
      if (!(ms > 0)) {
        resolve();
        return;
      }
      setTimeout(resolve, Math.min(ms, 2_147_483_647));
    }),
};
