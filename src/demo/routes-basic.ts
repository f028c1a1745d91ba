import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import {
  HttpError,
  headersToObject,
  queryToObject,
  readBody,
  sendEmpty,
  sendJson,
  tryParseJson,
} from './http-utils.js';
import { intParam, parseIntParam } from './params.js';
import type { Route, RouteContext } from './router.js';

/** Response headers `/headers` refuses to set because they would break the framing. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

async function echo(ctx: RouteContext): Promise<void> {
  const body = await readBody(ctx.req);
  const json = tryParseJson(body);
  sendJson(ctx.res, 200, {
    method: ctx.req.method ?? ctx.method,
    path: ctx.path,
    query: queryToObject(ctx.query),
    headers: headersToObject(ctx.req),
    body: body.toString('utf8'),
    json: json === undefined ? null : json,
    bodyBytes: body.length,
    bodyBase64: body.toString('base64'),
  });
}

function status(ctx: RouteContext): void {
  const code = parseIntParam('code', ctx.params['code'], { def: Number.NaN, min: 200, max: 599 });
  if (Number.isNaN(code)) throw new HttpError(400, 'invalid code');
  const headers: Record<string, string> = {};
  if (code === 429) headers['retry-after'] = '1';
  if (code >= 300 && code < 400) headers['location'] = '/echo';
  sendJson(ctx.res, code, { status: code, message: STATUS_CODES[code] ?? 'Unknown' }, headers);
}

function responseHeaders(ctx: RouteContext): void {
  const headers: Record<string, string | string[]> = {};
  for (const name of new Set(ctx.query.keys())) {
    const values = ctx.query.getAll(name);
    try {
      validateHeaderName(name);
      for (const value of values) validateHeaderValue(name, value);
    } catch {
      throw new HttpError(400, `invalid header: ${name}`, { header: name });
    }
    if (FRAMING_HEADERS.has(name.toLowerCase())) {
      throw new HttpError(400, `header not allowed: ${name}`, { header: name });
    }
    headers[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  for (const [name, value] of Object.entries(headers)) ctx.res.setHeader(name, value);
  sendJson(ctx.res, 200, { ok: true });
}

function redirectChain(ctx: RouteContext): void {
  const n = parseIntParam('n', ctx.params['n'], { def: 0, min: 0, max: 100 });
  if (n === 0) {
    sendJson(ctx.res, 200, { redirected: true });
    return;
  }
  const location = `/redirect/${n - 1}`;
  sendJson(ctx.res, 302, { redirect: location }, { location });
}

function redirectTo(ctx: RouteContext): void {
  const url = ctx.query.get('url');
  if (!url) throw new HttpError(400, 'missing url query parameter');
  const code = intParam(ctx.query, 'status', { def: 302, min: 300, max: 399 });
  try {
    validateHeaderValue('location', url);
  } catch {
    throw new HttpError(400, 'invalid url');
  }
  sendJson(ctx.res, code, { redirect: url }, { location: url });
}

function index(ctx: RouteContext): void {
  sendJson(ctx.res, 200, {
    name: 'apitest demo API',
    routes: ctx.routes.map((r) => ({
      method: r.method === '*' ? 'ANY' : r.method,
      path: r.pattern,
      description: r.description,
      example: r.example,
    })),
  });
}

/** Index, echo, status codes, headers, cookies, redirects and the request log. */
export function basicRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/', description: 'This index of routes', example: 'GET /', handler: index },
    {
      method: '*',
      pattern: '/echo',
      description: 'Echoes method, path, query, headers and body as JSON',
      example: 'POST /echo?a=1 {"x":1}',
      handler: echo,
    },
    {
      method: '*',
      pattern: '/echo/*',
      description: 'Same as /echo for any sub-path',
      example: 'PUT /echo/any/path',
      handler: echo,
    },
    {
      method: '*',
      pattern: '/status/:code',
      description: 'Answers with the given status 200-599 (429 adds Retry-After, 3xx adds Location)',
      example: 'GET /status/418',
      handler: status,
    },
    {
      method: 'GET',
      pattern: '/headers',
      description: 'Sets each query parameter as a response header',
      example: 'GET /headers?X-Custom=1&Cache-Control=no-store',
      handler: responseHeaders,
    },
    {
      method: 'GET',
      pattern: '/cookies',
      description: 'Sets a session cookie (Set-Cookie: session=...; HttpOnly)',
      example: 'GET /cookies',
      handler: (ctx) =>
        sendJson(ctx.res, 200, { ok: true }, { 'set-cookie': 'session=secret-session-value; HttpOnly' }),
    },
    {
      method: 'GET',
      pattern: '/redirect/:n',
      description: '302 to /redirect/<n-1>; /redirect/0 answers 200 (n max 100)',
      example: 'GET /redirect/3',
      handler: redirectChain,
    },
    {
      method: 'GET',
      pattern: '/redirect-to',
      description: 'Redirects to ?url= (absolute or relative) with ?status= (default 302)',
      example: 'GET /redirect-to?url=http://localhost:8080/echo&status=307',
      handler: redirectTo,
    },
    {
      method: 'GET',
      pattern: '/__log',
      description: 'The last 1000 requests seen by the server (excluding /__log)',
      example: 'GET /__log',
      handler: (ctx) => sendJson(ctx.res, 200, { requests: ctx.state.log.list() }),
    },
    {
      method: 'DELETE',
      pattern: '/__log',
      description: 'Clears the request log',
      example: 'DELETE /__log',
      handler: (ctx) => {
        ctx.state.log.clear();
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}
