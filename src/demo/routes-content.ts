import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './http-utils.js';
import { intParam, parseIntParam } from './params.js';
import type { Route, RouteContext } from './router.js';

/** `/bytes` streams in chunks of this size. */
export const BYTES_CHUNK = 64 * 1024;
/** Largest `/bytes/:n` (2 GiB). */
export const MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** Largest `/large-json?count=`. */
export const MAX_JSON_ITEMS = 100000;

/** One reused, never-mutated chunk: byte i of any response is `i % 256`. */
const PATTERN: Buffer = Buffer.alloc(BYTES_CHUNK, 0);
for (let i = 0; i < BYTES_CHUNK; i++) PATTERN[i] = i % 256;

const TEXT = [
  'apitest demo API',
  'This is a plain text response.',
  'Line three: unicode check ✓ café',
  'Line four: the end.',
  '',
].join('\n');

const HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>apitest demo</title></head>
<body>
<h1>apitest demo API</h1>
<p>A small <a href="/">JSON API</a> for trying out <code>apitest</code>.</p>
</body>
</html>
`;

/** Writes `total` pattern bytes in chunks, waiting for 'drain' whenever the socket buffer is full. */
export function streamPattern(res: ServerResponse, total: number): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      if (res.destroyed) return;
      const size = Math.min(BYTES_CHUNK, total - sent);
      const chunk = size === BYTES_CHUNK ? PATTERN : PATTERN.subarray(0, size);
      sent += size;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function bytes(ctx: RouteContext): void {
  const n = parseIntParam('n', ctx.params['n'], { def: 0, min: 0, max: MAX_BYTES });
  ctx.res.setHeader('content-type', 'application/octet-stream');
  ctx.res.setHeader('content-length', n);
  ctx.res.writeHead(200);
  if (ctx.req.method === 'HEAD' || n === 0) {
    ctx.res.end();
    return;
  }
  streamPattern(ctx.res, n);
}

function largeJson(ctx: RouteContext): void {
  const count = intParam(ctx.query, 'count', { def: 1000, min: 0, max: MAX_JSON_ITEMS });
  const items = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `item-${i + 1}`,
    active: i % 2 === 0,
    score: (i * 37) % 101,
    tags: ['demo', `group-${i % 10}`],
  }));
  sendJson(ctx.res, 200, { count, items });
}

/** `?chunks=N&interval=MS`: N lines of text, one every MS milliseconds (a slow body, to watch it stream). */
function drip(ctx: RouteContext): void {
  const chunks = intParam(ctx.query, 'chunks', { def: 5, min: 1, max: 1000 });
  const interval = intParam(ctx.query, 'interval', { def: 200, min: 0, max: 10_000 });
  ctx.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  let sent = 0;
  const next = (): void => {
    if (ctx.res.destroyed) return;
    sent += 1;
    ctx.res.write(`chunk ${sent} of ${chunks}\n`);
    if (sent >= chunks) ctx.res.end();
    else setTimeout(next, interval).unref();
  };
  next();
}

/** `?count=N`: N JSON values, one per line (application/x-ndjson). */
function ndjson(ctx: RouteContext): void {
  const count = intParam(ctx.query, 'count', { def: 3, min: 0, max: MAX_JSON_ITEMS });
  const lines = Array.from({ length: count }, (_, i) => `${JSON.stringify({ id: i + 1, name: `item-${i + 1}` })}\n`).join('');
  sendText(ctx.res, 200, lines, 'application/x-ndjson');
}

/** Non-JSON and bulk content: text, HTML, raw bytes, large JSON, a slow drip, NDJSON. */
export function contentRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/text',
      description: 'A few lines of text/plain',
      example: 'GET /text',
      handler: (ctx) => sendText(ctx.res, 200, TEXT, 'text/plain; charset=utf-8'),
    },
    {
      method: 'GET',
      pattern: '/html',
      description: 'A small HTML page',
      example: 'GET /html',
      handler: (ctx) => sendText(ctx.res, 200, HTML, 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      pattern: '/bytes/:n',
      description: 'n bytes (max 2 GiB) of application/octet-stream, byte i = i % 256, streamed',
      example: 'GET /bytes/1048576',
      handler: bytes,
    },
    {
      method: 'GET',
      pattern: '/large-json',
      description: '{ count, items: [...] } with ?count= items (default 1000, max 100000)',
      example: 'GET /large-json?count=50000',
      handler: largeJson,
    },
    {
      method: 'GET',
      pattern: '/drip',
      description: 'A slow text body: ?chunks=N lines, one every ?interval=MS milliseconds (defaults 5, 200)',
      example: 'GET /drip?chunks=5&interval=200',
      handler: drip,
    },
    {
      method: 'GET',
      pattern: '/ndjson',
      description: '?count=N JSON objects, one per line (application/x-ndjson)',
      example: 'GET /ndjson?count=3',
      handler: ndjson,
    },
  ];
}
