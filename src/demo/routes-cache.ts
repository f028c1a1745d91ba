/**
 * `/cache/*`: responses with HTTP caching headers, one rule each, for `--cache` and `apitest cache explain`
 * (docs/demo-api.md). Every response counts itself (full or 304) per route: GET /cache/counts.
 */
import { loadZlib } from '../util/load-builtin.js';
import { sendJson } from './http-utils.js';
import { parseIntParam } from './params.js';
import type { Route, RouteContext } from './router.js';

/** A fixed Last-Modified, long ago: heuristic freshness is 10% of the time since. */
const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';

interface Cacheable {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly gzip?: boolean;
}

/** Answers 304 to a matching If-None-Match (or, without one, If-Modified-Since); else the full response. */
function answer(ctx: RouteContext, c: Cacheable): void {
  const count = ctx.state.cacheCounts.get(c.name) ?? { full: 0, notModified: 0 };
  ctx.state.cacheCounts.set(c.name, count);
  const headers: Record<string, string> = { ...c.headers };
  if (c.etag !== undefined) headers.etag = c.etag;
  if (c.lastModified !== undefined) headers['last-modified'] = c.lastModified;
  const inm = ctx.req.headers['if-none-match'];
  const ims = ctx.req.headers['if-modified-since'];
  const etagMatch = inm !== undefined && c.etag !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === c.etag!.replace(/^W\//, ''));
  const dateMatch = inm === undefined && ims !== undefined && c.lastModified !== undefined && Date.parse(ims) >= Date.parse(c.lastModified);
  if (etagMatch || dateMatch) {
    count.notModified += 1;
    // A 304 carries the validators and caching headers again, and one header of its own (merged into the stored response).
    headers['x-demo-validated'] = String(count.notModified);
    if (c.gzip === true) headers['content-encoding'] = 'gzip';
    for (const [name, value] of Object.entries(headers)) ctx.res.setHeader(name, value);
    ctx.res.writeHead(304);
    ctx.res.end();
    return;
  }
  count.full += 1;
  headers['x-demo-served'] = String(count.full);
  const body = { route: c.name, served: count.full, ...(typeof c.body === 'object' && c.body !== null ? c.body : { value: c.body }) };
  if (c.gzip === true) {
    const zipped = loadZlib().gzipSync(Buffer.from(JSON.stringify(body)));
    for (const [name, value] of Object.entries(headers)) ctx.res.setHeader(name, value);
    ctx.res.setHeader('content-type', 'application/json; charset=utf-8');
    ctx.res.setHeader('content-encoding', 'gzip');
    ctx.res.setHeader('content-length', zipped.length);
    ctx.res.writeHead(200);
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : zipped);
    return;
  }
  sendJson(ctx.res, 200, body, headers);
}

const seconds = (ctx: RouteContext, name: string, def: number): number => parseIntParam(name, ctx.query.get(name), { def, min: 0, max: 31536000 });

export function cacheRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/cache/max-age/:seconds',
      description: 'Cache-Control: max-age=<seconds> (fresh that long; no validator)',
      example: 'GET /cache/max-age/60',
      handler: (ctx) => {
        const n = parseIntParam('seconds', ctx.params.seconds, { def: 60, min: 0, max: 31536000 });
        answer(ctx, { name: 'max-age', headers: { 'cache-control': `max-age=${n}` }, body: { maxAge: n } });
      },
    },
    {
      method: 'GET',
      pattern: '/cache/etag',
      description: 'ETag "demo-v1" and Cache-Control: max-age=<?max-age, default 0>: revalidated with If-None-Match, answered 304',
      example: 'GET /cache/etag?max-age=0',
      handler: (ctx) =>
        answer(ctx, { name: 'etag', headers: { 'cache-control': `max-age=${seconds(ctx, 'max-age', 0)}` }, etag: `"${ctx.query.get('version') ?? 'demo-v1'}"`, body: { version: ctx.query.get('version') ?? 'demo-v1' } }),
    },
    {
      method: 'GET',
      pattern: '/cache/last-modified',
      description: 'Last-Modified and Cache-Control: no-cache: revalidated on every use with If-Modified-Since, answered 304',
      example: 'GET /cache/last-modified',
      handler: (ctx) => answer(ctx, { name: 'last-modified', headers: { 'cache-control': 'no-cache' }, lastModified: LAST_MODIFIED, body: { lastModified: LAST_MODIFIED } }),
    },
    {
      method: 'GET',
      pattern: '/cache/heuristic',
      description: 'only Last-Modified (no Cache-Control, no Expires): heuristic freshness, 10% of its age',
      example: 'GET /cache/heuristic',
      handler: (ctx) => answer(ctx, { name: 'heuristic', headers: {}, lastModified: LAST_MODIFIED, body: { lastModified: LAST_MODIFIED } }),
    },
    {
      method: 'GET',
      pattern: '/cache/expires',
      description: 'Expires: now + <?seconds, default 60> (no Cache-Control)',
      example: 'GET /cache/expires?seconds=60',
      handler: (ctx) => answer(ctx, { name: 'expires', headers: { expires: new Date(Date.now() + seconds(ctx, 'seconds', 60) * 1000).toUTCString() }, body: {} }),
    },
    {
      method: 'GET',
      pattern: '/cache/vary',
      description: 'Vary: Accept-Language, max-age=60: one stored response per Accept-Language',
      example: 'GET /cache/vary',
      handler: (ctx) => {
        const language = ctx.req.headers['accept-language'] ?? 'en';
        answer(ctx, { name: 'vary', headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language', 'content-language': language.split(',')[0]?.trim() ?? 'en' }, body: { greeting: language.startsWith('fr') ? 'bonjour' : 'hello', language } });
      },
    },
    {
      method: 'GET',
      pattern: '/cache/no-store',
      description: 'Cache-Control: no-store: never stored',
      example: 'GET /cache/no-store',
      handler: (ctx) => answer(ctx, { name: 'no-store', headers: { 'cache-control': 'no-store' }, body: {} }),
    },
    {
      method: 'GET',
      pattern: '/cache/private',
      description: 'Cache-Control: private, max-age=60: stored by a private cache, but not for a request with credentials',
      example: 'GET /cache/private',
      handler: (ctx) => answer(ctx, { name: 'private', headers: { 'cache-control': 'private, max-age=60' }, body: { authorized: ctx.req.headers.authorization !== undefined } }),
    },
    {
      method: 'GET',
      pattern: '/cache/must-revalidate',
      description: 'Cache-Control: max-age=<?max-age, default 0>, must-revalidate, with an ETag: stored even for a request with credentials; never served stale',
      example: 'GET /cache/must-revalidate?max-age=0',
      handler: (ctx) =>
        answer(ctx, { name: 'must-revalidate', headers: { 'cache-control': `max-age=${seconds(ctx, 'max-age', 0)}, must-revalidate` }, etag: '"demo-mr"', body: { authorized: ctx.req.headers.authorization !== undefined } }),
    },
    {
      method: 'GET',
      pattern: '/cache/gzip',
      description: 'a gzip-compressed JSON body with an ETag and max-age=0 (the 304 says Content-Encoding: gzip too)',
      example: 'GET /cache/gzip',
      handler: (ctx) => answer(ctx, { name: 'gzip', headers: { 'cache-control': 'max-age=0' }, etag: '"demo-gz"', gzip: true, body: { text: 'decoded once, stored decoded', items: [1, 2, 3] } }),
    },
    {
      method: 'GET',
      pattern: '/cache/counts',
      description: 'how many times each /cache route answered in full and with 304 (no-store itself)',
      example: 'GET /cache/counts',
      handler: (ctx) => sendJson(ctx.res, 200, Object.fromEntries(ctx.state.cacheCounts), { 'cache-control': 'no-store' }),
    },
  ];
}
