import { clientKey, sendJson, type OutgoingHeaders } from './http-utils.js';
import { intParam, parseIntParam } from './params.js';
import type { Route, RouteContext } from './router.js';
import type { ThrottleState } from './state.js';

/** Longest `/delay/:ms`. */
export const MAX_DELAY_MS = 30000;
const MAX_LOGGED_TIMES = 1000;

/** Waits, then answers; the timer is cleared if the client goes away or the server closes. */
function delay(ctx: RouteContext): Promise<void> {
  const ms = parseIntParam('ms', ctx.params['ms'], { def: 0, min: 0, max: MAX_DELAY_MS, clampMax: true });
  return new Promise((resolve) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      ctx.state.timers.delete(timer);
      ctx.res.off('close', onClose);
    };
    const onClose = (): void => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      sendJson(ctx.res, 200, { delayedMs: ms });
      resolve();
    }, ms);
    ctx.state.timers.add(timer);
    ctx.res.once('close', onClose);
  });
}

function flaky(ctx: RouteContext): void {
  const fail = intParam(ctx.query, 'fail', { def: 2, min: 0, max: 1000 });
  const status = intParam(ctx.query, 'status', { def: 503, min: 400, max: 599 });
  const key = clientKey(ctx.req, ctx.query);
  const attempts = (ctx.state.flaky.get(key) ?? 0) + 1;
  ctx.state.flaky.set(key, attempts);
  if (attempts > fail) {
    sendJson(ctx.res, 200, { ok: true, attempts });
    return;
  }
  const headers: OutgoingHeaders = {};
  if (ctx.query.has('retry_after')) {
    headers['retry-after'] = String(intParam(ctx.query, 'retry_after', { def: 1, min: 0, max: 3600 }));
  }
  sendJson(ctx.res, status, { error: 'flaky failure', attempts, fail }, headers);
}

function throttled(ctx: RouteContext): void {
  const after = intParam(ctx.query, 'after', { def: 1, min: 0, max: 3600 });
  const key = clientKey(ctx.req, ctx.query);
  const state: ThrottleState = ctx.state.throttled.get(key) ?? { times: [], throttledOnce: false };
  state.times.push(Date.now());
  if (state.times.length > MAX_LOGGED_TIMES) state.times.splice(0, state.times.length - MAX_LOGGED_TIMES);
  ctx.state.throttled.set(key, state);
  if (!state.throttledOnce) {
    state.throttledOnce = true;
    sendJson(ctx.res, 429, { error: 'too many requests', retryAfter: after }, { 'retry-after': String(after) });
    return;
  }
  sendJson(ctx.res, 200, { ok: true });
}

/** Failure injection: delays, flaky and throttled endpoints, dropped and hanging connections. */
export function resilienceRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/delay/:ms',
      description: 'Answers { delayedMs } after ms milliseconds (capped at 30000)',
      example: 'GET /delay/250',
      handler: delay,
    },
    {
      method: 'GET',
      pattern: '/flaky/reset',
      description: 'Resets the /flaky counter of a client key',
      example: 'GET /flaky/reset?key=me',
      handler: (ctx) => {
        ctx.state.flaky.delete(clientKey(ctx.req, ctx.query));
        sendJson(ctx.res, 200, { reset: true });
      },
    },
    {
      method: '*',
      pattern: '/flaky',
      description: 'First ?fail=N (default 2) requests per key answer ?status= (default 503), then 200 { ok, attempts }',
      example: 'GET /flaky?fail=2&status=503&key=me',
      handler: flaky,
    },
    {
      method: 'GET',
      pattern: '/throttled/reset',
      description: 'Resets the /throttled state and log of a client key',
      example: 'GET /throttled/reset?key=me',
      handler: (ctx) => {
        ctx.state.throttled.delete(clientKey(ctx.req, ctx.query));
        sendJson(ctx.res, 200, { reset: true });
      },
    },
    {
      method: 'GET',
      pattern: '/throttled/log',
      description: '{ times } of the /throttled requests of a client key (ms epoch)',
      example: 'GET /throttled/log?key=me',
      handler: (ctx) => {
        const state = ctx.state.throttled.get(clientKey(ctx.req, ctx.query));
        sendJson(ctx.res, 200, { times: state ? [...state.times] : [] });
      },
    },
    {
      method: 'GET',
      pattern: '/throttled',
      description: 'First request per key: 429 with Retry-After ?after= (default 1); then 200 until reset',
      example: 'GET /throttled?after=1&key=me',
      handler: throttled,
    },
    {
      method: 'GET',
      pattern: '/drop',
      description: 'Destroys the connection without answering (socket hang up)',
      example: 'GET /drop',
      handler: (ctx) => {
        ctx.req.socket.destroy();
      },
    },
    {
      method: 'GET',
      pattern: '/hang',
      description: 'Never answers (until the client gives up or the server closes)',
      example: 'GET /hang',
      handler: () => undefined,
    },
  ];
}
