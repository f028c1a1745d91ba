import { Option, type Command } from 'commander';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { addCacheFlags, type RawCacheOptions } from './cache-flags.js';
import { addExpectFlags, type RawExpectOptions } from './expect-flags.js';
import { addRequestFlags, type RawRequestOptions } from './request-flags.js';
import { addRetryFlags, type RawRetryOptions } from './retry-flags.js';

export const BATCH_DESCRIPTION = 'send one request per row of a file (NDJSON, JSON array, CSV): concurrent, rate-aware, resumable';

const EXAMPLES = `
Examples:
  $ apitest batch localhost:3000 --input users.csv --url-template '/users/{{ id }}' -X PUT
  $ apitest batch localhost:3000/users --input new-users.ndjson -c 8 --rate 50/s --retry 3 --results out.ndjson
  $ apitest batch localhost:3000/users --input new-users.ndjson --results out.ndjson --resume
  $ apitest batch localhost:3000/users --input new-users.ndjson --only-failed out.ndjson --results retry.ndjson
  $ apitest batch localhost:3000/batch --input items.json --batch-size 100 --batch-wrap items
  $ apitest batch localhost:3000 --input users.csv --url-template '/users/{{ id }}' --body-template @user.json --dry-run --print-curl
  $ apitest batch localhost:3000/users --input users.csv --rows 10-20,35 -H 'X-Tenant: {{ tenant }}'
  $ apitest batch localhost:3000 --input ids.csv --url-template '/users/{{ id }}' -X GET --cache

Templates: {{ field }} or {{ row.field }} (a field of the row; row values are percent-encoded in the URL),
{{ row }} (the whole row), {{ env.NAME }} (the environment). Body: the row as JSON, unless --body-template.
Results: one NDJSON line per row { row, index, ok, status, attempts, durationMs, error, cache?, key }, in the order rows
finish, on stdout or --results; a summary on stderr. Journal: --journal FILE (default: --results FILE + .journal).
Exit codes: 0 every row succeeded, 1 a row failed, 2 bad input or command line (--strict: an invalid row),
130 interrupted (Ctrl-C: rows in flight finish; a second Ctrl-C stops them; --resume continues).
Docs: docs/batch.md`;

/** The raw option values of `apitest batch` (validated in commands/batch.ts). */
export interface RawBatchOptions extends RawRequestOptions, RawRetryOptions, Partial<RawExpectOptions>, RawCacheOptions {
  input?: string;
  inputFormat?: string;
  urlTemplate?: string;
  bodyTemplate?: string;
  batchSize?: string;
  batchWrap?: string;
  concurrency: string;
  idempotencyKey: boolean;
  idempotencyKeyTemplate?: string;
  results?: string;
  resultsBody?: boolean;
  journal?: string;
  resume?: boolean;
  onlyFailed?: string;
  rows?: string;
  strict?: boolean;
  dryRun?: boolean;
  printCurl?: boolean;
  showSecrets?: boolean;
  progress: boolean;
  color: boolean;
  debug?: boolean;
}

/** `apitest batch`: commander definitions only; the command is loaded when it runs. */
export function registerBatchCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const batch = program
    .command('batch')
    .description(BATCH_DESCRIPTION)
    .argument('[url]', 'the base URL: --url-template is joined to it (or, without one, every row goes to this URL)')
    .optionsGroup('Rows:')
    .option('--input <file|->', 'the rows: NDJSON, a JSON array, or CSV with a header line (- for standard input)')
    .addOption(new Option('--input-format <format>', 'ndjson, json or csv (default: by the file extension, else by the first character)').choices(['ndjson', 'json', 'csv']))
    .option('--rows <list>', 'only these rows, numbered from 1: 10-20,35,100-')
    .option('--only-failed <results>', 'only the rows that failed in this results file (of an earlier run)')
    .option('--strict', 'stop at the first invalid row (exit 2) instead of recording it as failed')
    .optionsGroup('Request per row:')
    .option('--url-template <template>', "the URL of each row, e.g. '/users/{{ id }}' (relative: joined to the base URL)")
    .option('--body-template <template|@file>', 'the body: a JSON template (typed: "{{ age }}" stays a number) or text; default: the row as JSON')
    .option('--batch-size <n>', 'send n rows per request, as one JSON array (the body of each row as an item)')
    .option('--batch-wrap <key>', 'with --batch-size: send { "<key>": [...] } instead of a bare array')
    .option('--idempotency-key-template <template>', 'the Idempotency-Key of each row (default: derived from the row\'s content and position)')
    .option('--no-idempotency-key', 'send no Idempotency-Key header');
  addRequestFlags(batch, { withBody: false, cookieJar: false });
  addRetryFlags(batch);
  batch.optionsGroup('Concurrency:').option('-c, --concurrency <n>', 'requests in flight at once (lowered while the server says to slow down)', '4');
  addExpectFlags(batch);
  addCacheFlags(batch, 'fails the row (exit 1)');
  batch
    .optionsGroup('Results and resuming:')
    .option('--results <file>', 'write the results (NDJSON, one line per row) to this file instead of stdout')
    .option('--results-body', 'include each response (status, headers, body) in the results')
    .option('--journal <file>', 'the journal of finished rows (default: the --results file + .journal)')
    .option('--resume', 'skip the rows the journal records as done; send the rest')
    .option('--dry-run', 'make every request from the rows and print it (NDJSON on stdout); send nothing')
    .option('--print-curl', 'with --dry-run: print each request as a curl command line instead')
    .option('--no-progress', 'no progress bar (shown only on a terminal, and never with CI set)')
    .option('--show-secrets', 'do not mask credentials in the results and messages')
    .option('--no-color', 'no colours')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', EXAMPLES)
    .action(async (url: string | undefined, opts: Record<string, unknown>) => {
      // `--cache URL`: the optional directory took the URL, as in a single request (a directory is given as
      // --cache=DIR, or after the URL).
      if (typeof opts.cache === 'string' && url === undefined && opts.url === undefined) {
        url = opts.cache;
        opts.cache = true;
      }
      const { runBatchCommand } = await import('../commands/batch.js');
      setResult(await runBatchCommand(url, opts as unknown as RawBatchOptions, io));
    });
}
