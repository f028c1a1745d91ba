import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { suggest } from '../suggest.js';
import { addRequestFlags } from './request-flags.js';
import { addOAuth2Flags } from './oauth2-flags.js';

export const CACHE_DESCRIPTION = 'the HTTP cache of --cache: explain what it would do with a response, list it (ls), empty it (clear)';

const EXAMPLES = `
Examples:
  $ apitest cache explain localhost:3000/cache/etag
  $ apitest cache explain https://api.example.com/users/1 --bearer "$TOKEN" --json
  $ apitest cache ls
  $ apitest cache clear

Responses are kept in $XDG_CACHE_HOME/apitest/http (else ~/.cache/apitest/http), or the directory given with
--cache DIR (here: --dir DIR). Docs: docs/cli.md (Caching)`;

/** `apitest cache explain|ls|clear`: commander definitions only; the commands are loaded when they run. */
export function registerCacheCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const cache = program
    .command('cache')
    .description(CACHE_DESCRIPTION)
    .usage('<explain|ls|clear> [options]')
    .argument('[command]', 'explain, ls or clear')
    .addHelpText('after', EXAMPLES)
    .action((name: string | undefined) => {
      const guess = name === undefined ? null : suggest(name, ['explain', 'ls', 'clear']);
      throw new UsageError(name === undefined ? 'cache: missing command' : `cache: unknown command ${JSON.stringify(name)}`, {
        hint: guess !== null ? `did you mean cache ${guess}?` : 'use explain, ls or clear; see apitest cache --help',
      });
    });

  const explain = cache
    .command('explain')
    .description('send the request (nothing is stored) and explain its response as a cache sees it: storable or why not, freshness and its source, validators, Vary, and what to change')
    .argument('[url]', 'the URL to request');
  addRequestFlags(explain);
  addOAuth2Flags(explain);
  explain
    .optionsGroup('Output:')
    .option('--json', 'print one JSON document')
    .option('--no-color', 'no colours')
    .addOption(new Option('--debug', 'print stack traces of internal errors').hideHelp())
    .action(async (url: string | undefined, opts: Record<string, unknown>) => {
      const { runCacheExplainCommand } = await import('../commands/cache.js');
      setResult(await runCacheExplainCommand({ ...opts, url: (opts.url as string | undefined) ?? url } as unknown as Parameters<typeof runCacheExplainCommand>[0], io));
    });

  cache
    .command('ls')
    .description('list the stored responses: method, URL, status, age, freshness left, size')
    .option('--dir <dir>', 'the cache directory (default: that of --cache)')
    .addOption(sameAsDir())
    .option('--json', 'print one JSON document')
    .option('--no-color', 'no colours')
    .action(async (opts: { dir?: string; cache?: string; json?: boolean; color: boolean }) => {
      const { runCacheListCommand } = await import('../commands/cache.js');
      setResult(await runCacheListCommand({ ...opts, ...dirOf(opts) }, io));
    });

  cache
    .command('clear')
    .description('remove every stored response')
    .option('--dir <dir>', 'the cache directory (default: that of --cache)')
    .addOption(sameAsDir())
    .action(async (opts: { dir?: string; cache?: string }) => {
      const { runCacheClearCommand } = await import('../commands/cache.js');
      setResult(await runCacheClearCommand(dirOf(opts), io));
    });
}

/** `--cache DIR` as a request takes it: the same as --dir (hidden), so the directory is named the same way everywhere. */
function sameAsDir(): Option {
  return new Option('--cache <dir>', 'the same as --dir').hideHelp();
}

function dirOf(opts: { dir?: string; cache?: string }): { dir?: string } {
  if (opts.dir !== undefined && opts.cache !== undefined && opts.dir !== opts.cache) {
    throw new UsageError('--dir and --cache name two cache directories', { hint: 'give one of them' });
  }
  const dir = opts.dir ?? opts.cache;
  return dir === undefined ? {} : { dir };
}
