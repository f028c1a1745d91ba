import { sendJson } from './http-utils.js';
import {
  itemsAfter,
  lastPage,
  offsetParam,
  pageParam,
  sizeParam,
  totalParam,
  withParams,
  type Item,
} from './pagination-items.js';
import { intParam } from './params.js';
import type { Route, RouteContext } from './router.js';

interface PageWindow {
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
}

function pageWindow(ctx: RouteContext): PageWindow {
  return { total: totalParam(ctx.query), page: pageParam(ctx.query), perPage: sizeParam(ctx.query, 'per_page') };
}

function pageItems(w: PageWindow): Item[] {
  return itemsAfter(w.total, (w.page - 1) * w.perPage, w.perPage);
}

/** Builds a GitHub-style Link header (prev, next, last, first). */
function linkHeader(ctx: RouteContext, w: PageWindow, absolute: boolean): string {
  const last = lastPage(w.total, w.perPage);
  const target = (page: number): string => {
    const qs = withParams(ctx.query, { page, per_page: w.perPage }).toString();
    return `${absolute ? ctx.baseUrl : ''}${ctx.path}?${qs}`;
  };
  const rel = (name: string): string => (absolute ? `rel="${name}"` : `rel=${name}`);
  const links: string[] = [];
  if (w.page > 1) links.push(`<${target(Math.min(w.page - 1, last))}>; ${rel('prev')}`);
  if (w.page < last) links.push(`<${target(w.page + 1)}>; ${rel('next')}`);
  links.push(`<${target(last)}>; ${rel('last')}`);
  links.push(`<${target(1)}>; ${rel('first')}`);
  return links.join(', ');
}

function linkPages(absolute: boolean) {
  return (ctx: RouteContext): void => {
    const w = pageWindow(ctx);
    sendJson(ctx.res, 200, pageItems(w), { link: linkHeader(ctx, w, absolute) });
  };
}

function pageNumbers(ctx: RouteContext): void {
  const w = pageWindow(ctx);
  sendJson(ctx.res, 200, { data: pageItems(w), page: w.page, per_page: w.perPage, total: w.total });
}

function limitedPages(ctx: RouteContext): void {
  const w = pageWindow(ctx);
  const reset = Math.ceil(Date.now() / 1000) + 1;
  sendJson(
    ctx.res,
    200,
    { data: pageItems(w), page: w.page, per_page: w.perPage, total: w.total },
    {
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': w.page % 2 === 0 ? '0' : '1',
      'x-ratelimit-reset': String(reset),
    },
  );
}

function offsetPages(ctx: RouteContext): void {
  const total = totalParam(ctx.query);
  const offset = offsetParam(ctx.query);
  const limit = sizeParam(ctx.query, 'limit');
  sendJson(ctx.res, 200, { items: itemsAfter(total, offset, limit), offset, limit, total });
}

function hasMorePages(ctx: RouteContext): void {
  const total = totalParam(ctx.query);
  let data: Item[];
  if (ctx.query.has('starting_after')) {
    const after = intParam(ctx.query, 'starting_after', { def: 0, min: 0, max: Number.MAX_SAFE_INTEGER });
    data = itemsAfter(total, after, sizeParam(ctx.query, 'limit'));
  } else {
    data = pageItems(pageWindow(ctx));
  }
  const lastId = data[data.length - 1]?.id ?? total;
  sendJson(ctx.res, 200, { object: 'list', data, has_more: lastId < total });
}

function loopPages(ctx: RouteContext): void {
  sendJson(ctx.res, 200, itemsAfter(totalParam(ctx.query), 0, sizeParam(ctx.query, 'per_page')), {
    link: '</pages/loop>; rel="next"',
  });
}

/** Page-number, Link-header, offset and has_more pagination styles over `total` items. */
export function paginationRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/pages/link',
      description: 'JSON array page; GitHub-style Link header with absolute URLs (next/prev/first/last)',
      example: 'GET /pages/link?page=1&per_page=10&total=25',
      handler: linkPages(true),
    },
    {
      method: 'GET',
      pattern: '/pages/link-relative',
      description: 'Like /pages/link but relative URLs and unquoted rel values (rel=next)',
      example: 'GET /pages/link-relative?page=2&per_page=10',
      handler: linkPages(false),
    },
    {
      method: 'GET',
      pattern: '/pages/page',
      description: '{ data, page, per_page, total }; past the end data is []',
      example: 'GET /pages/page?page=3&per_page=10',
      handler: pageNumbers,
    },
    {
      method: 'GET',
      pattern: '/pages/offset',
      description: '{ items, offset, limit, total } (default limit 10)',
      example: 'GET /pages/offset?offset=20&limit=10',
      handler: offsetPages,
    },
    {
      method: 'GET',
      pattern: '/pages/has-more',
      description: 'Stripe-style { data, has_more } by ?page=&per_page= or ?starting_after=<id>&limit=',
      example: 'GET /pages/has-more?page=2&per_page=10',
      handler: hasMorePages,
    },
    {
      method: 'GET',
      pattern: '/pages/loop',
      description: 'A page whose Link rel="next" points back to itself (loop detection)',
      example: 'GET /pages/loop',
      handler: loopPages,
    },
    {
      method: 'GET',
      pattern: '/pages/limited',
      description: 'Like /pages/page with X-RateLimit-* headers; remaining 0 on even pages, reset ~1 s ahead',
      example: 'GET /pages/limited?page=2&per_page=10',
      handler: limitedPages,
    },
  ];
}
