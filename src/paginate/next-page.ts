import type { HeaderMap } from '../util/header-map.js';
import { findLink, parseLinkHeader } from './link-header.js';
import type { PaginateOptions, ResolvedStyle, StopReason } from './walk-options.js';
import { extractItems, findCursor, findHasMore } from './read-body.js';

/** What a page said, as the pagination rules need it. */
export interface PageFacts {
  url: string;
  headers: HeaderMap;
  /** Parsed JSON body (undefined when not JSON). */
  body: unknown;
}

export interface WalkState {
  style: ResolvedStyle;
  /** The URL of the first page as the user gave it (page/offset/cursor params are set on it). */
  baseUrl: string;
  /** Page number (page style) or offset (offset style) of the page just fetched. */
  position: number;
  pagesFetched: number;
  itemsFetched: number;
  /** URLs and cursors already followed, for loop detection. */
  seen: ReadonlySet<string>;
  /** The page size for the short-page rule: --page-size, else the first page's item count. */
  pageSize: number | null;
}

/** `key` is what the runner records for loop detection (the URL, or the cursor). */
export type NextStep = { kind: 'next'; url: string; key: string } | { kind: 'stop'; reason: StopReason };

/** The URL of the first page: page/offset styles set their parameters; others use the URL as given. */
export function firstPageUrl(url: string, options: PaginateOptions): string {
  const parsed = new URL(url);
  if (options.style === 'page' && !parsed.searchParams.has(options.pageParam)) parsed.searchParams.set(options.pageParam, String(options.startPage));
  if (options.style === 'offset' && !parsed.searchParams.has(options.offsetParam)) parsed.searchParams.set(options.offsetParam, '0');
  if (options.pageSize !== null) parsed.searchParams.set(options.style === 'offset' ? options.limitParam : options.pageSizeParam, String(options.pageSize));
  return parsed.toString();
}

/** `auto`: link when a Link rel="next" is present; else cursor when the body has a non-null cursor; else a plain list. */
export function detectStyle(page: PageFacts, options: PaginateOptions): ResolvedStyle {
  if (options.style !== 'auto') return options.style;
  if (findLink(parseLinkHeader(page.headers.link, page.url), 'next') !== undefined) return 'link';
  if (findCursor(page.body, options.cursorPath).value !== null) return 'cursor';
  return 'none';
}

/**
 * Decides the next request or why to stop, after a page was fetched. Pure. Order:
 * max-items → empty page → has_more false → the style's own rule (no next link / null cursor /
 * short page) → loop (a URL or cursor seen before) → max-pages.
 */
export function nextPage(state: WalkState, page: PageFacts, options: PaginateOptions): NextStep {
  const items = extractItems(page.body, options.itemsPath);
  const count = items?.length ?? 0;
  if (options.maxItems !== null && state.itemsFetched >= options.maxItems) return { kind: 'stop', reason: 'max-items' };
  if (items !== null && count === 0) return { kind: 'stop', reason: 'empty-page' };
  if (findHasMore(page.body, options.hasMorePath) === false) return { kind: 'stop', reason: 'has-more-false' };

  let next: string | null;
  let loopKey: string;
  switch (state.style) {
    case 'none':
      return { kind: 'stop', reason: saysMorePages(page.body) ? 'undetected' : 'last-page' };
    case 'link': {
      next = findLink(parseLinkHeader(page.headers.link, page.url), 'next') ?? null;
      loopKey = next ?? '';
      break;
    }
    case 'cursor': {
      const cursor = findCursor(page.body, options.cursorPath).value;
      if (cursor === null) return { kind: 'stop', reason: 'last-page' };
      next = cursorUrl(state.baseUrl, page.url, cursor, options.cursorParam);
      loopKey = `cursor:${cursor}`;
      break;
    }
    case 'page': {
      if (items === null) return { kind: 'stop', reason: 'empty-page' };
      if (state.pageSize !== null && count < state.pageSize) return { kind: 'stop', reason: 'short-page' };
      next = withParam(state.baseUrl, options.pageParam, String(state.position + 1));
      loopKey = next;
      break;
    }
    case 'offset': {
      if (items === null) return { kind: 'stop', reason: 'empty-page' };
      if (state.pageSize !== null && count < state.pageSize) return { kind: 'stop', reason: 'short-page' };
      next = withParam(state.baseUrl, options.offsetParam, String(state.position + count));
      loopKey = next;
      break;
    }
  }
  if (next === null) return { kind: 'stop', reason: 'last-page' };
  if (state.seen.has(loopKey)) return { kind: 'stop', reason: 'loop' };
  if (state.pagesFetched >= options.maxPages) return { kind: 'stop', reason: 'max-pages' };
  return { kind: 'next', url: next, key: loopKey };
}

/** The body says more pages exist: `has_more: true`, or a non-null `next` (a page number, a token, a URL…). */
export function saysMorePages(body: unknown): boolean {
  if (findHasMore(body, null) === true) return true;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const scopes = [body as Record<string, unknown>];
  for (const parent of ['meta', 'pagination', 'links', 'paging']) {
    const nested = (body as Record<string, unknown>)[parent];
    if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) scopes.push(nested as Record<string, unknown>);
  }
  return scopes.some((scope) => ['next', 'next_page', 'nextPage', 'next_url', 'nextUrl'].some((key) => scope[key] !== undefined && scope[key] !== null && scope[key] !== false && scope[key] !== ''));
}

/** The position (page number or offset) a URL stands for, read back from its query. */
export function positionOf(url: string, style: ResolvedStyle, options: PaginateOptions): number {
  const params = new URL(url).searchParams;
  if (style === 'page') return Number(params.get(options.pageParam) ?? options.startPage) || options.startPage;
  if (style === 'offset') return Number(params.get(options.offsetParam) ?? 0) || 0;
  return 0;
}

/** A cursor that is itself a URL (absolute, or a path) is followed as one; otherwise it is sent as `cursorParam`. */
function cursorUrl(baseUrl: string, pageUrl: string, cursor: string, cursorParam: string): string {
  if (/^https?:\/\//i.test(cursor) || cursor.startsWith('/')) return new URL(cursor, pageUrl).toString();
  return withParam(baseUrl, cursorParam, cursor);
}

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}
