import type { CompiledPath } from '../expect/jsonpath.js';

export type PaginationStyle = 'auto' | 'link' | 'page' | 'offset' | 'cursor';
/** The style actually used: what `auto` detected (`none`: a plain list, one page). */
export type ResolvedStyle = Exclude<PaginationStyle, 'auto'> | 'none';

/** `undetected`: auto found no way to the next page, although the body says more exist (has_more: true, a next field). */
export type StopReason = 'last-page' | 'empty-page' | 'has-more-false' | 'short-page' | 'loop' | 'max-pages' | 'max-items' | 'error' | 'undetected';

export interface PaginateOptions {
  style: PaginationStyle;
  pageParam: string;
  startPage: number;
  pageSize: number | null;
  pageSizeParam: string;
  offsetParam: string;
  limitParam: string;
  cursorPath: CompiledPath | null;
  cursorParam: string;
  itemsPath: CompiledPath | null;
  hasMorePath: CompiledPath | null;
  maxPages: number;
  maxItems: number | null;
}
