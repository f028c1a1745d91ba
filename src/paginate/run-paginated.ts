import type { CacheStatus } from '../engine/http-cache/cache-types.js';
import { executeRequest, type EngineDeps, type ExecutedExchange } from '../engine/execute.js';
import type { Timings } from '../engine/types.js';
import { viewBody } from '../engine/body-view.js';
import type { RetryPolicy } from '../retry/backoff.js';
import { withUrl, type RequestSpec } from '../model/request-spec.js';
import { detectStyle, firstPageUrl, nextPage, positionOf, type PageFacts } from './next-page.js';
import type { PaginateOptions, ResolvedStyle, StopReason } from './walk-options.js';
import { extractItems } from './read-body.js';

export interface PageRecord {
  url: string;
  status: number | null;
  /** Number of items on that page (after a --max-items cut). */
  items: number;
  timings: Timings;
  /** What the HTTP cache did for this page (`--cache`); null without one. */
  cache: CacheStatus | null;
}

export interface PaginatedRun {
  style: ResolvedStyle;
  pages: PageRecord[];
  itemCount: number;
  stopReason: StopReason;
  /** The exchange of the last page fetched (the one that failed, if one did). */
  lastExchange: ExecutedExchange;
  /** Over every page: attempts made, body bytes received, and the pages' total times summed. */
  totals: { attempts: number; sizeBytes: number; durationMs: number };
  /** Wall time of the walk, waits included. */
  elapsedMs: number;
}

export interface PaginateHooks {
  /** Items of each page, as pages arrive (the caller keeps or streams them). */
  onItems(items: unknown[]): void;
  onPage?(page: PageRecord, index: number): void;
}

/**
 * Walks a collection. Each page goes through `executeRequest` (retry, rate limiter, server gate).
 * Order per page: fetch → a failure or status >= 400 ends the walk (`error`) → detect the style on the
 * first page (auto) → take the items (cut at --max-items) → `nextPage` decides the next URL or the stop reason.
 */
export async function runPaginated(
  spec: RequestSpec,
  options: PaginateOptions,
  policy: RetryPolicy,
  deps: EngineDeps,
  hooks: PaginateHooks,
): Promise<PaginatedRun> {
  const baseUrl = firstPageUrl(spec.url, options);
  const seen = new Set<string>([baseUrl]);
  const pages: PageRecord[] = [];
  let style: ResolvedStyle | null = options.style === 'auto' ? null : options.style;
  let url = baseUrl;
  let itemsFetched = 0;
  let pageSize = options.pageSize;
  const started = deps.clock.now();
  const totals = { attempts: 0, sizeBytes: 0, durationMs: 0 };
  const done = (stopReason: StopReason, lastExchange: ExecutedExchange): PaginatedRun => ({
    style: style ?? 'none',
    pages,
    itemCount: itemsFetched,
    stopReason,
    lastExchange,
    totals,
    elapsedMs: deps.clock.now() - started,
  });
  for (;;) {
    const exchange = await executeRequest(withUrl(spec, url), policy, deps);
    const last = exchange.attempts[exchange.attempts.length - 1];
    if (!last) throw new Error('an exchange has at least one attempt');
    const response = last.outcome.kind === 'response' ? last.outcome.response : null;
    totals.attempts += exchange.attempts.length;
    totals.durationMs += last.timings.total ?? 0;
    if (response !== null) totals.sizeBytes += response.size;
    if (response === null || response.status >= 400 || exchange.retryAfterTooLong !== null) {
      const record = { url, status: response?.status ?? null, items: 0, timings: last.timings, cache: exchange.cache?.status ?? null };
      pages.push(record);
      hooks.onPage?.(record, pages.length - 1);
      return done('error', exchange);
    }
    const view = viewBody(response.body, response.headers);
    const facts: PageFacts = { url: last.request?.url ?? url, headers: response.headers, body: view.kind === 'json' ? view.value : undefined };
    style ??= detectStyle(facts, options);
    let items = extractItems(facts.body, options.itemsPath) ?? [];
    if (options.maxItems !== null && itemsFetched + items.length > options.maxItems) items = items.slice(0, options.maxItems - itemsFetched);
    itemsFetched += items.length;
    pageSize ??= items.length > 0 ? items.length : null;
    if (items.length > 0) hooks.onItems(items);
    const record = { url, status: response.status, items: items.length, timings: last.timings, cache: exchange.cache?.status ?? null };
    pages.push(record);
    hooks.onPage?.(record, pages.length - 1);
    const step = nextPage(
      { style, baseUrl, position: positionOf(url, style, options), pagesFetched: pages.length, itemsFetched, seen, pageSize },
      facts,
      options,
    );
    if (step.kind === 'stop') return done(step.reason, exchange);
    seen.add(step.key);
    url = step.url;
  }
}
