/**
 * The private HTTP cache (RFC 9111) as the engine sees it: what a run asks of it, what it did for one request,
 * and the store it reads and writes (implemented in files/http-cache-store.ts, injected by the command).
 */

/** What the cache did for one request. */
export type CacheStatus = 'HIT' | 'MISS' | 'REVALIDATED' | 'STALE' | 'BYPASS';

export const CACHE_STATUSES: readonly CacheStatus[] = ['HIT', 'MISS', 'REVALIDATED', 'STALE', 'BYPASS'];

export interface CacheFacts {
  readonly status: CacheStatus;
  /** Age of the response served, in whole seconds (the Age header plus the time it was kept); null when none applies. */
  readonly age: number | null;
  /** Seconds the response stays fresh from now, as stored; null when it was not stored (and none was served). */
  readonly ttl: number | null;
  /** Whether the response may be stored by the rules of a private cache (and apitest's credential rule). */
  readonly storable: boolean;
  /** One line: why. */
  readonly reason: string;
}

/** How a run uses the cache. */
export type CacheMode =
  /** `--cache`: fresh responses are served, stale ones revalidated. */
  | 'use'
  /** `--cache --no-cache`: every stored response is revalidated (`Cache-Control: no-cache` is sent). */
  | 'revalidate'
  /** `--offline`: only the cache answers; nothing is sent. */
  | 'offline';

export interface HttpCacheRun {
  readonly store: CacheStore;
  readonly mode: CacheMode;
  /** `--cache-ttl`: a freshness lifetime that replaces the response's own, in seconds; null: the response's. */
  readonly ttlSeconds: number | null;
  /** Epoch milliseconds (the policy's clock). */
  readonly now: () => number;
}

/** One stored response: a variant of a method + URL (+ credentials) for one set of `Vary` request header values. */
export interface StoredVariant {
  /** sha256 (hex) of the variant's Vary request header values. */
  readonly variant: string;
  /** http-cache-semantics' serialized policy (request fields hold no credential: see cache-request.ts). */
  readonly policy: Record<string, unknown>;
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: string;
  /** The decoded body, base64. */
  readonly body: string;
  /** The content codings the body had on the wire (it is stored decoded). */
  readonly decodedFrom: readonly string[];
  /** Epoch milliseconds. */
  readonly storedAt: number;
}

export interface StoredEntry {
  readonly method: string;
  /** The URL as shown (password and API-key parameters left out): for `apitest cache ls`. */
  readonly url: string;
  readonly variants: readonly StoredVariant[];
}

export interface CacheStore {
  readonly location: string;
  read(key: string): Promise<StoredEntry | null>;
  write(key: string, entry: StoredEntry): Promise<void>;
}
