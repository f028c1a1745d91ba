/**
 * `--shard i/n`: the i-th (1-based) of n deterministic slices of the suite files.
 * Rule: sort the paths (as shown: relative, `/`-separated, by UTF-16 code units, so every machine and
 * locale agrees), then cut the list into n contiguous slices whose sizes differ by at most one:
 * slice i holds indexes floor((i-1)·len/n) up to floor(i·len/n) - 1. Every file is in exactly one slice;
 * a slice may be empty when there are fewer files than shards.
 */
import { UsageError } from '../errors.js';

export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(total) || total < 1 || index < 1 || index > total) {
    throw new UsageError(`--shard: expected i/n with 1 <= i <= n, got ${JSON.stringify(text)}`, { hint: 'e.g. --shard 1/4 … --shard 4/4' });
  }
  return { index, total };
}

export function sortPaths(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function selectShard<T extends string>(paths: readonly T[], shard: Shard | null): T[] {
  const sorted = sortPaths(paths) as T[];
  if (shard === null) return sorted;
  const start = Math.floor(((shard.index - 1) * sorted.length) / shard.total);
  const end = Math.floor((shard.index * sorted.length) / shard.total);
  return sorted.slice(start, end);
}
