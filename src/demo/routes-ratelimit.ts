import { clientKey, sendJson, type OutgoingHeaders } from './http-utils.js';
import { flagParam, intParam } from './params.js';
import type { Route, RouteContext } from './router.js';

const MAX_COUNT = 1_000_000_000;
const MAX_SECONDS = 86400;

interface Quota {
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly reset: number;
}

function quota(ctx: RouteContext): Quota {
  const limit = intParam(ctx.query, 'limit', { def: 5, min: 0, max: MAX_COUNT });
  const remaining = intParam(ctx.query, 'remaining', { def: Math.min(4, limit), min: 0, max: MAX_COUNT });
  const reset = intParam(ctx.query, 'reset', { def: 30, min: 0, max: MAX_SECONDS });
  return { limit, remaining, reset };
}

function epochSeconds(msFromNow = 0): number {
  return Math.ceil((Date.now() + msFromNow) / 1000);
}

function xFamily(q: Quota, resetValue: number): OutgoingHeaders {
  return {
    'x-ratelimit-limit': String(q.limit),
    'x-ratelimit-remaining': String(q.remaining),
    'x-ratelimit-reset': String(resetValue),
    'x-ratelimit-used': String(Math.max(0, q.limit - q.remaining)),
    'x-ratelimit-resource': 'core',
  };
}

function ok(headers: (ctx: RouteContext, q: Quota) => OutgoingHeaders) {
  return (ctx: RouteContext): void => {
    sendJson(ctx.res, 200, { ok: true }, headers(ctx, quota(ctx)));
  };
}

function retryAfter(ctx: RouteContext): void {
  const seconds = intParam(ctx.query, 'seconds', { def: 1, min: 0, max: MAX_SECONDS });
  const value = flagParam(ctx.query, 'date')
    ? new Date(epochSeconds(seconds * 1000) * 1000).toUTCString()
    : String(seconds);
  sendJson(ctx.res, 429, { error: 'too many requests', retryAfter: value }, { 'retry-after': value });
}

function fixedWindow(ctx: RouteContext): void {
  const limit = intParam(ctx.query, 'limit', { def: 5, min: 1, max: MAX_COUNT });
  const window = intParam(ctx.query, 'window', { def: 10, min: 1, max: MAX_SECONDS });
  const key = clientKey(ctx.req, ctx.query);
  const now = Date.now();
  const d = ctx.state.windows.hit(key, limit, window * 1000, now);
  const headers: OutgoingHeaders = {
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(Math.ceil(d.resetAt / 1000)),
  };
  if (d.allowed) {
    sendJson(ctx.res, 200, { ok: true, remaining: d.remaining }, headers);
    return;
  }
  const wait = Math.max(1, Math.ceil((d.resetAt - now) / 1000));
  sendJson(
    ctx.res,
    429,
    { error: 'rate limit exceeded', retryAfter: wait },
    { ...headers, 'retry-after': String(wait) },
  );
}

/** Rate-limit header families and a real fixed-window limiter. */
export function rateLimitRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/ratelimit/x',
      description: 'GitHub-style X-RateLimit-* headers; Reset as Unix epoch seconds (?limit=&remaining=&reset=)',
      example: 'GET /ratelimit/x?limit=60&remaining=59&reset=3600',
      handler: ok((_ctx, q) => xFamily(q, epochSeconds(q.reset * 1000))),
    },
    {
      method: 'GET',
      pattern: '/ratelimit/x-seconds',
      description: 'X-RateLimit-* headers with Reset as seconds from now',
      example: 'GET /ratelimit/x-seconds?reset=10',
      handler: ok((_ctx, q) => xFamily(q, q.reset)),
    },
    {
      method: 'GET',
      pattern: '/ratelimit/ietf',
      description: 'RateLimit-Limit/-Remaining/-Reset (seconds) and RateLimit-Policy: <limit>;w=<window>',
      example: 'GET /ratelimit/ietf?limit=5&remaining=4&reset=30',
      handler: ok((ctx, q) => ({
        'ratelimit-limit': String(q.limit),
        'ratelimit-remaining': String(q.remaining),
        'ratelimit-reset': String(q.reset),
        'ratelimit-policy': `${q.limit};w=${intParam(ctx.query, 'window', { def: 30, min: 1, max: MAX_SECONDS })}`,
      })),
    },
    {
      method: 'GET',
      pattern: '/ratelimit/structured',
      description: 'Structured-field RateLimit: "default";r=<remaining>;t=<reset> and RateLimit-Policy',
      example: 'GET /ratelimit/structured?remaining=3&reset=20',
      handler: ok((ctx, q) => ({
        ratelimit: `"default";r=${q.remaining};t=${q.reset}`,
        'ratelimit-policy': `"default";q=${q.limit};w=${intParam(ctx.query, 'window', { def: 60, min: 1, max: MAX_SECONDS })}`,
      })),
    },
    {
      method: 'GET',
      pattern: '/ratelimit/retry-after',
      description: '429 with Retry-After in seconds (?seconds=, default 1) or as an HTTP date (?date=1)',
      example: 'GET /ratelimit/retry-after?seconds=2&date=1',
      handler: retryAfter,
    },
    {
      method: 'GET',
      pattern: '/ratelimit/window',
      description: 'Real fixed-window limiter per key (?limit=5&window=10 seconds&key=); 429 + Retry-After when used up',
      example: 'GET /ratelimit/window?limit=3&window=2&key=me',
      handler: fixedWindow,
    },
  ];
}
