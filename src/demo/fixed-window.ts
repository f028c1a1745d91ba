import { KeyedMap } from './keyed-map.js';

/** Result of one hit on a fixed-window limiter. */
export interface WindowDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left in the current window after this one. */
  readonly remaining: number;
  /** When the current window ends, ms since the Unix epoch. */
  readonly resetAt: number;
}

interface WindowState {
  start: number;
  count: number;
  limit: number;
  windowMs: number;
}

/**
 * A real fixed-window rate limiter per key: a window starts on the first request of a key
 * and allows `limit` requests until it ends.
 */
export class FixedWindowLimiter {
  private readonly windows: KeyedMap<WindowState>;

  constructor(maxKeys = 10000) {
    this.windows = new KeyedMap<WindowState>(maxKeys);
  }

  hit(key: string, limit: number, windowMs: number, now = Date.now()): WindowDecision {
    let state = this.windows.get(key);
    if (!state || now >= state.start + state.windowMs) {
      state = { start: now, count: 0, limit, windowMs };
      this.windows.set(key, state);
    }
    const resetAt = state.start + state.windowMs;
    if (state.count >= state.limit) {
      return { allowed: false, limit: state.limit, remaining: 0, resetAt };
    }
    state.count += 1;
    return { allowed: true, limit: state.limit, remaining: state.limit - state.count, resetAt };
  }

  reset(key?: string): void {
    if (key === undefined) this.windows.clear();
    else this.windows.delete(key);
  }
}
