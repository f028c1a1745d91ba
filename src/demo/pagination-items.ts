import { HttpError } from './http-utils.js';
import { intParam } from './params.js';

/** One element of the paginated demo collection. */
export interface Item {
  readonly id: number;
  readonly name: string;
}

export const DEFAULT_TOTAL = 25;
export const MAX_TOTAL = 10000;
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;
const MAX_PAGE = 1_000_000_000;

/** Items with ids `from + 1 .. from + count`, never past `total`. */
export function itemsAfter(total: number, from: number, count: number): Item[] {
  const first = Math.max(0, from);
  const last = Math.min(total, first + count);
  const out: Item[] = [];
  for (let id = first + 1; id <= last; id++) out.push({ id, name: `item-${id}` });
  return out;
}

/** `?total=` (default 25, max 10000). */
export function totalParam(query: URLSearchParams): number {
  return intParam(query, 'total', { def: DEFAULT_TOTAL, min: 0, max: MAX_TOTAL });
}

/** A page size parameter such as `per_page` or `limit` (default 10, 1..1000). */
export function sizeParam(query: URLSearchParams, name: string): number {
  return intParam(query, name, { def: DEFAULT_PAGE_SIZE, min: 1, max: MAX_PAGE_SIZE });
}

/** `?page=` (default 1, 1-based). */
export function pageParam(query: URLSearchParams): number {
  return intParam(query, 'page', { def: 1, min: 1, max: MAX_PAGE });
}

/** `?offset=` (default 0). */
export function offsetParam(query: URLSearchParams): number {
  return intParam(query, 'offset', { def: 0, min: 0, max: MAX_PAGE });
}

/** Number of pages of `perPage` items (at least 1, so an empty collection has page 1). */
export function lastPage(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** Opaque cursor pointing after the item with id `lastId`. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`after:${lastId}`, 'utf8').toString('base64url');
}

/** Decodes a cursor from encodeCursor; a missing cursor means "from the start". */
export function decodeCursor(cursor: string | null): number {
  if (cursor === null || cursor === '') return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^after:(\d{1,10})$/.exec(text);
  if (!m?.[1]) throw new HttpError(400, 'invalid cursor', { cursor });
  return Number(m[1]);
}

/** A copy of `query` with the given parameters replaced. */
export function withParams(query: URLSearchParams, changes: Record<string, string | number>): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const [name, value] of Object.entries(changes)) next.set(name, String(value));
  return next;
}
