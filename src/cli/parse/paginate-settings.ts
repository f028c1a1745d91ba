import * as z from 'zod/mini';
import { UsageError } from '../../errors.js';
import { compileJsonPath } from '../../expect/jsonpath.js';
import type { PaginateOptions, PaginationStyle } from '../../paginate/walk-options.js';
import { integerFlag, parseFlags } from './flag-schemas.js';
import { withFlag } from './with-flag.js';
import { PAGINATION_STYLES, type RawPaginateOptions } from '../flags/paginate-flags.js';

const Schema = z.object({
  startPage: integerFlag('--start-page', 0),
  pageSize: z.optional(integerFlag('--page-size', 1)),
  maxPages: integerFlag('--max-pages', 1),
  maxItems: z.optional(integerFlag('--max-items', 1)),
});

/** null: not a paginated run. Errors name the flag; JSONPaths are compiled here, before any request. */
export function parsePaginateOptions(raw: RawPaginateOptions): PaginateOptions | null {
  if (raw.paginate === undefined) {
    if (raw.ndjson === true) throw new UsageError('--ndjson needs --paginate', { hint: 'add --paginate to stream the items of a collection' });
    return null;
  }
  if (raw.ndjson === true && (raw.json === true || raw.format !== undefined)) {
    throw new UsageError(`--ndjson cannot be combined with ${raw.json === true ? '--json' : '--format'}`, { hint: '--ndjson prints one item per line; --json prints one document: choose one' });
  }
  const style = raw.paginate === true ? 'auto' : raw.paginate;
  if (!PAGINATION_STYLES.includes(style)) {
    throw new UsageError(`--paginate: unknown style ${JSON.stringify(style)}`, { hint: `use one of ${PAGINATION_STYLES.join(', ')} (or put the URL before --paginate)` });
  }
  const flags = parseFlags(Schema, { startPage: raw.startPage ?? '1', pageSize: raw.pageSize, maxPages: raw.maxPages ?? '100', maxItems: raw.maxItems });
  const param = (flag: string, value: string | undefined, fallback: string): string => {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag}: empty parameter name`);
    return value ?? fallback;
  };
  return {
    style: style as PaginationStyle,
    pageParam: param('--page-param', raw.pageParam, 'page'),
    startPage: flags.startPage,
    pageSize: flags.pageSize ?? null,
    pageSizeParam: param('--page-size-param', raw.pageSizeParam, 'per_page'),
    offsetParam: param('--offset-param', raw.offsetParam, 'offset'),
    limitParam: param('--limit-param', raw.limitParam, 'limit'),
    cursorPath: raw.cursorPath === undefined ? null : withFlag('--cursor-path', () => compileJsonPath(raw.cursorPath as string)),
    cursorParam: param('--cursor-param', raw.cursorParam, 'cursor'),
    itemsPath: raw.itemsPath === undefined ? null : withFlag('--items-path', () => compileJsonPath(raw.itemsPath as string)),
    hasMorePath: raw.hasMorePath === undefined ? null : withFlag('--has-more-path', () => compileJsonPath(raw.hasMorePath as string)),
    maxPages: flags.maxPages,
    maxItems: flags.maxItems ?? null,
  };
}
