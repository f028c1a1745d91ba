import { sendJson } from './http-utils.js';
import { decodeCursor, encodeCursor, itemsAfter, sizeParam, totalParam, withParams, type Item } from './pagination-items.js';
import type { Route, RouteContext } from './router.js';

interface CursorPage {
  readonly data: Item[];
  /** Cursor of the next page, or null on the last page. */
  readonly next: string | null;
}

function cursorPage(ctx: RouteContext): CursorPage {
  const total = totalParam(ctx.query);
  const limit = sizeParam(ctx.query, 'limit');
  const after = decodeCursor(ctx.query.get('cursor'));
  const data = itemsAfter(total, after, limit);
  const lastId = data[data.length - 1]?.id;
  return { data, next: lastId !== undefined && lastId < total ? encodeCursor(lastId) : null };
}

/** Cursor pagination in three response shapes; cursors are opaque base64url strings. */
export function cursorRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/pages/cursor',
      description: '{ data, next_cursor } with ?cursor=&limit=; next_cursor null on the last page',
      example: 'GET /pages/cursor?limit=10',
      handler: (ctx) => {
        const page = cursorPage(ctx);
        sendJson(ctx.res, 200, { data: page.data, next_cursor: page.next });
      },
    },
    {
      method: 'GET',
      pattern: '/pages/cursor-meta',
      description: '{ results, meta: { next } } with ?cursor=&limit=',
      example: 'GET /pages/cursor-meta?limit=10',
      handler: (ctx) => {
        const page = cursorPage(ctx);
        sendJson(ctx.res, 200, { results: page.data, meta: { next: page.next } });
      },
    },
    {
      method: 'GET',
      pattern: '/pages/cursor-url',
      description: '{ data, next } where next is the absolute URL of the next page or null',
      example: 'GET /pages/cursor-url?limit=10',
      handler: (ctx) => {
        const page = cursorPage(ctx);
        const next =
          page.next === null ? null : `${ctx.baseUrl}${ctx.path}?${withParams(ctx.query, { cursor: page.next })}`;
        sendJson(ctx.res, 200, { data: page.data, next });
      },
    },
  ];
}
