import { Option, type Command } from 'commander';

/** The raw values of the cache flags. `--no-cache` reaches commander as `--cache-revalidate` (see main.ts). */
export interface RawCacheOptions {
  cache?: string | true;
  cacheTtl?: string;
  offline?: boolean;
  cacheRevalidate?: boolean;
}

/** `offlineMiss`: what a miss under --offline does, as the help says it (a batch fails the row: exit 1). */
export function addCacheFlags(cmd: Command, offlineMiss = 'is an error (exit 3)'): Command {
  return cmd
    .optionsGroup('HTTP cache:')
    .option('--cache [dir]', 'keep responses in a private HTTP cache (RFC 9111) and answer from it while they are fresh (default dir $XDG_CACHE_HOME/apitest/http, else ~/.cache/apitest/http)')
    .option('--cache-ttl <duration>', 'with --cache: stored responses are fresh for this long, whatever they say (seconds, or 30s, 5m, 1h)')
    .option('--offline', `answer only from the cache: nothing is sent; no usable stored response ${offlineMiss}`)
    .addOption(new Option('--no-cache', 'send Cache-Control: no-cache; with --cache, revalidate a stored response instead of using it'))
    .addOption(new Option('--cache-revalidate').hideHelp());
}

/** Where `--no-cache` is rewritten (commander would take it as the negation of `--cache`). */
export const NO_CACHE_FLAG = '--no-cache';
export const NO_CACHE_INTERNAL = '--cache-revalidate';
