import { Option, type Command } from 'commander';

export interface RawPaginateOptions {
  paginate?: string | true;
  pageParam?: string;
  startPage?: string;
  pageSize?: string;
  pageSizeParam?: string;
  offsetParam?: string;
  limitParam?: string;
  cursorPath?: string;
  cursorParam?: string;
  itemsPath?: string;
  hasMorePath?: string;
  maxPages?: string;
  maxItems?: string;
  ndjson?: boolean;
  /** Output flags, read here only to refuse --ndjson with them. */
  json?: boolean;
  format?: string;
}

const STYLES = ['auto', 'link', 'page', 'offset', 'cursor'] as const;
export const PAGINATION_STYLES: readonly string[] = STYLES;

/** Flag definitions only (cheap to load); parsing (with JSONPath compilation) is in ../parse/paginate-settings.ts. */
export function addPaginateFlags(cmd: Command): Command {
  return cmd
    .optionsGroup('Pagination:')
    .addOption(new Option('--paginate [style]', 'walk a collection: auto (default), link, page, offset or cursor'))
    .option('--page-param <name>', 'page style: the page number parameter (default page)')
    .option('--start-page <n>', 'page style: the first page number (default 1)')
    .option('--page-size <n>', 'items per page to ask for (sent as --page-size-param, or --limit-param for offset)')
    .option('--page-size-param <name>', 'parameter that carries --page-size (default per_page)')
    .option('--offset-param <name>', 'offset style: the offset parameter (default offset)')
    .option('--limit-param <name>', 'offset style: the page size parameter (default limit)')
    .option('--cursor-path <jsonpath>', 'cursor style: where the next cursor is in the body, e.g. $.meta.next')
    .option('--cursor-param <name>', 'cursor style: the parameter that carries the cursor (default cursor)')
    .option('--items-path <jsonpath>', 'where the items are (default: the body array, or data/items/results/records/entries)')
    .option('--has-more-path <jsonpath>', 'a boolean that says whether more pages follow (default: has_more/hasMore when present)')
    .option('--max-pages <n>', 'stop after this many pages (default 100)')
    .option('--max-items <n>', 'stop after exactly this many items (the last page is cut)')
    .option('--ndjson', 'with --paginate: stream one item per line as pages arrive; the summary goes to stderr');
}

