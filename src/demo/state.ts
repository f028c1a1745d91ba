import { FixedWindowLimiter } from './fixed-window.js';
import { KeyedMap } from './keyed-map.js';
import { OAuthStore } from './oauth-store.js';
import { RequestLog } from './request-log.js';
import { UsersStore } from './users-store.js';
import { WebhookStore } from './webhook-store.js';

export interface ThrottleState {
  /** Request times, ms since the Unix epoch (last 1000). */
  times: number[];
  /** Whether the first (429) answer has been given. */
  throttledOnce: boolean;
}

/** All mutable state of one demo server instance. */
export interface DemoState {
  readonly users: UsersStore;
  readonly log: RequestLog;
  readonly webhooks: WebhookStore;
  readonly windows: FixedWindowLimiter;
  /** `/flaky` attempt counters per client key. */
  readonly flaky: KeyedMap<number>;
  readonly throttled: KeyedMap<ThrottleState>;
  /** The OAuth2 token endpoint's tokens and counters. */
  readonly oauth: OAuthStore;
  /** Pending timers (e.g. `/delay`), cleared when the server closes. */
  readonly timers: Set<NodeJS.Timeout>;
  /** `/cache/*`: requests per route, answered in full or with 304 (GET /cache/counts). */
  readonly cacheCounts: Map<string, { full: number; notModified: number }>;
}

export function createDemoState(): DemoState {
  return {
    users: new UsersStore(),
    log: new RequestLog(1000),
    webhooks: new WebhookStore(100),
    windows: new FixedWindowLimiter(),
    flaky: new KeyedMap<number>(),
    throttled: new KeyedMap<ThrottleState>(),
    oauth: new OAuthStore(),
    timers: new Set(),
    cacheCounts: new Map(),
  };
}
