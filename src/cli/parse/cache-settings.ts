import type { RawCacheOptions } from '../flags/cache-flags.js';
import { UsageError } from '../../errors.js';
import type { CacheMode } from '../../engine/http-cache/cache-types.js';
import { parseDuration } from '../../util/duration.js';

export interface CacheSettings {
  /** The directory given with `--cache DIR`; null: the default. */
  readonly dir: string | null;
  readonly mode: CacheMode;
  readonly ttlSeconds: number | null;
}

/**
 * The cache flags, checked before anything is sent: null when the run uses no cache. `--no-cache` alone only
 * adds the `Cache-Control: no-cache` request header (done by the caller: `noCacheHeader`).
 */
export function parseCacheSettings(raw: RawCacheOptions, method: string): CacheSettings | null {
  const cache = raw.cache;
  const uses = cache !== undefined || raw.offline === true;
  if (raw.cacheTtl !== undefined && !uses) throw new UsageError('--cache-ttl needs --cache (or --offline)', { hint: 'add --cache' });
  if (raw.offline === true && raw.cacheRevalidate === true) {
    throw new UsageError('--offline and --no-cache cannot be used together: --no-cache revalidates with the server, --offline sends nothing', { hint: 'drop one of them' });
  }
  if (!uses) return null;
  if (raw.offline === true && method !== 'GET') {
    throw new UsageError(`--offline answers GET requests only (the cache keeps GET responses), not ${method}`, { hint: 'drop --offline, or send a GET' });
  }
  let ttlSeconds: number | null = null;
  if (raw.cacheTtl !== undefined) {
    const ms = parseDuration(raw.cacheTtl);
    if (ms === undefined || ms < 0) throw new UsageError(`--cache-ttl: invalid duration ${JSON.stringify(raw.cacheTtl)}`, { hint: 'write seconds (60), or 30s, 5m, 1h' });
    ttlSeconds = Math.floor(ms / 1000);
  }
  if (typeof cache === 'string' && cache.trim() === '') throw new UsageError('--cache: the directory is empty', { hint: 'give a directory, or --cache alone for the default' });
  return { dir: typeof cache === 'string' ? cache : null, mode: raw.offline === true ? 'offline' : raw.cacheRevalidate === true ? 'revalidate' : 'use', ttlSeconds };
}
