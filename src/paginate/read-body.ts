import { queryJsonPath, type CompiledPath } from '../expect/jsonpath.js';

const ITEM_KEYS = ['data', 'items', 'results', 'records', 'entries'] as const;
const CURSOR_KEYS = ['next_cursor', 'next', 'nextPageToken', 'cursor'] as const;
const CURSOR_PARENTS = ['meta', 'pagination'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The items of a page: at `--items-path` when given (one array match: its elements; otherwise the matches);
 * else the body itself when it is an array; else the first array among data, items, results, records, entries.
 * null: no list found.
 */
export function extractItems(body: unknown, itemsPath: CompiledPath | null): unknown[] | null {
  if (itemsPath) {
    const matches = queryJsonPath(itemsPath, body);
    if (matches.length === 1 && Array.isArray(matches[0])) return matches[0] as unknown[];
    return matches.length === 0 ? null : matches;
  }
  if (Array.isArray(body)) return body;
  if (!isRecord(body)) return null;
  for (const key of ITEM_KEYS) {
    const value = body[key];
    if (Array.isArray(value)) return value;
  }
  return null;
}

/** A cursor value: at `--cursor-path`, or the first of next_cursor, next, nextPageToken, cursor (top level, then under meta/pagination). */
export function findCursor(body: unknown, cursorPath: CompiledPath | null): { found: boolean; value: string | null } {
  if (cursorPath) {
    const [first] = queryJsonPath(cursorPath, body);
    return { found: first !== undefined, value: cursorText(first) };
  }
  if (!isRecord(body)) return { found: false, value: null };
  const scopes: Array<Record<string, unknown>> = [body];
  for (const parent of CURSOR_PARENTS) {
    const nested = body[parent];
    if (isRecord(nested)) scopes.push(nested);
  }
  for (const scope of scopes) {
    for (const key of CURSOR_KEYS) {
      if (key in scope && (typeof scope[key] === 'string' || typeof scope[key] === 'number' || scope[key] === null)) {
        return { found: true, value: cursorText(scope[key]) };
      }
    }
  }
  return { found: false, value: null };
}

function cursorText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** `has_more` / `hasMore` (or `--has-more-path`): true, false, or null when absent. */
export function findHasMore(body: unknown, hasMorePath: CompiledPath | null): boolean | null {
  if (hasMorePath) {
    const [first] = queryJsonPath(hasMorePath, body);
    return typeof first === 'boolean' ? first : null;
  }
  if (!isRecord(body)) return null;
  for (const key of ['has_more', 'hasMore']) {
    if (typeof body[key] === 'boolean') return body[key] as boolean;
  }
  return null;
}
