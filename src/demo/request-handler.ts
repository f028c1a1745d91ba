import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, headersToObject, queryToObject, sendError, sendJson } from './http-utils.js';
import type { Router } from './router.js';
import type { DemoState } from './state.js';

/** Path of the request log endpoint, which is not logged itself. */
export const LOG_PATH = '/__log';

const HOST_HEADER = /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

interface Target {
  readonly path: string;
  readonly query: URLSearchParams;
}

/** Splits a request target into the raw path and the query (absolute-form targets too). */
export function splitTarget(target: string): Target {
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      return { path: url.pathname, query: url.searchParams };
    } catch {
      // fall through: treat as a path
    }
  }
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  const rest = end === -1 ? '' : target.slice(end);
  const query = rest.startsWith('?') ? rest.slice(1).split('#')[0] ?? '' : '';
  return { path: path === '' ? '/' : path, query: new URLSearchParams(query) };
}

function baseUrlOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host !== undefined && HOST_HEADER.test(host) ? `http://${host}` : fallback;
}

function ignore(): void {
  // errors on a request or response must never crash the server
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    sendError(res, err);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, { error: 'internal error', message });
}

/** Logs, routes and answers one request. */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: DemoState,
  router: Router,
  fallbackOrigin: string,
): Promise<void> {
  req.on('error', ignore);
  res.on('error', ignore);
  try {
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = splitTarget(req.url ?? '/');
    if (path !== LOG_PATH && path !== `${LOG_PATH}/`) {
      state.log.add({ time: Date.now(), method, path, query: queryToObject(query), headers: headersToObject(req) });
    }
    const match = router.match(method, path);
    if (match.kind === 'not-found') {
      sendJson(res, 404, { error: 'not found', path });
      return;
    }
    if (match.kind === 'method-not-allowed') {
      sendJson(res, 405, { error: 'method not allowed', method, path, allow: match.allow }, {
        allow: match.allow.join(', '),
      });
      return;
    }
    await match.route.handler({
      req,
      res,
      method,
      path,
      query,
      params: match.params,
      baseUrl: baseUrlOf(req, fallbackOrigin),
      state,
      routes: router.routes,
    });
  } catch (err) {
    fail(res, err);
  }
}
