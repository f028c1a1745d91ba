import type { Command } from 'commander';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { collect } from './collect.js';
import { addOAuth2Flags, type RawOAuth2Options } from './oauth2-flags.js';
import { addRequestFlags, type RawRequestOptions } from './request-flags.js';

export const LOAD_DESCRIPTION = 'load-test an endpoint: req/s, latency percentiles (coordinated omission corrected with --rate), SLOs';

const EXAMPLES = `
Examples:
  $ apitest load localhost:3000/users                               10 connections for 10 s
  $ apitest load localhost:3000/users -c 50 -d 30s --warmup 5s
  $ apitest load localhost:3000/users --rate 500/s -d 1m --warmup 1s   open model: latency from the intended send time
  $ apitest load localhost:3000/users -n 10000 --expect 'p99 < 50ms' --expect 'errors == 0'
  $ apitest load -X POST localhost:3000/echo --data '{"name":"Ann"}' --json | jq .latency
  $ apitest load https://staging.example.com/health --yes --reporter junit:load.xml

SLOs (--expect): <subject> <operator> <value>; subjects p50 p90 p95 p99 p99.9 max mean (50ms, 0.5s; a bare
number is ms), rps, errors, error_rate (0.01 or 1%), status_5xx, throttled (429s).
Safety: a host that is not loopback or a private address needs --yes (or a yes on a terminal).
Exit codes: 0 done (every SLO met), 1 an SLO failed, 2 usage error (nothing sent), 3 no request got a response,
130 interrupted (the figures measured so far are printed).
Docs: docs/load.md`;

/** The raw option values of `apitest load` (validated in commands/load.ts). */
export interface RawLoadOptions extends RawRequestOptions, RawOAuth2Options {
  connections: string;
  duration?: string;
  requests?: string;
  rate?: string;
  warmup?: string;
  pipelining: string;
  expect: string[];
  json?: boolean;
  reporter: string[];
  suite?: string;
  var: string[];
  secret: string[];
  envFile?: string;
  yes?: boolean;
  progress: boolean;
  color: boolean;
  showSecrets?: boolean;
  debug?: boolean;
}

/** `apitest load`: commander definitions only; the command (and undici) is loaded when it runs. */
export function registerLoadCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const load = program
    .command('load')
    .description(LOAD_DESCRIPTION)
    .argument('[url]', 'the URL to load (http:// is assumed without a scheme)');
  // `-c` is --connections here: -b takes name=value cookies only, and there is no cookie jar (as batch).
  addRequestFlags(load, { withBody: false, cookieJar: false, methodFirst: 'apitest load POST URL' });
  load
    .optionsGroup('Load:')
    .option('-c, --connections <n>', 'connections kept open to the server', '10')
    .option('-d, --duration <duration>', 'how long to measure: seconds, or 250ms, 30s, 2m (default 10s; not with -n)')
    .option('-n, --requests <n>', 'send this many requests, then stop (instead of -d)')
    .option('--rate <R/s>', 'open model: send R requests per second on a constant schedule, whatever the answers (e.g. 500/s); with --suite, start R passes of the suite per second')
    .option('--warmup <duration>', 'send for this long first, and measure nothing of it (default 0: none)')
    .option('--pipelining <n>', 'requests sent on a connection before its answers arrive (HTTP/1.1 pipelining)', '1')
    .option('--suite <file>', 'each virtual user (connection) runs this suite\'s steps in order, instead of one URL')
    .option('--var <name=value>', 'with --suite: set a variable for {{ name }}, over the suite\'s vars (repeatable)', collect, [])
    .option('--secret <name=value>', 'with --suite: as --var, and the value is masked in every report (repeatable)', collect, [])
    .option('--env-file <file>', 'with --suite: load environment variables from a dotenv file (variables already set win)');
  load
    .optionsGroup('Body:')
    .option('--data <data>', 'request body: text, @file (repeatable: joined with &); JSON is sent as application/json (-d is --duration here)', collect)
    .option('--data-urlencode <name=value>', 'a form field, URL-encoded (repeatable)', collect)
    .option('-G, --get', 'send the --data/--data-urlencode data as the query of a GET');
  addOAuth2Flags(load);
  load
    .optionsGroup('Results:')
    .option('--expect <slo>', "an SLO, e.g. 'p99 < 50ms', 'errors == 0', 'rps >= 1000' (repeatable; exit 1 when one fails)", collect, [])
    .option('--json', 'print one JSON document (docs/load-output.schema.json) instead of the table')
    .option('--reporter <name:file>', 'also write a report: junit:FILE or json:FILE (repeatable)', collect, [])
    .option('-y, --yes', 'load a host that is not loopback or a private address without asking')
    .option('--no-progress', 'no live progress line (shown only on a terminal, and never with CI set)')
    .option('--show-secrets', 'do not mask credentials in the report')
    .option('--no-color', 'no colours')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', EXAMPLES)
    .action(async (url: string | undefined, opts: Record<string, unknown>) => {
      const { runLoadCommand } = await import('../commands/load.js');
      setResult(await runLoadCommand(url, opts as unknown as RawLoadOptions, io));
    });
}
