import { Option, type Command } from 'commander';

/** Output options of the single-request mode. */
export interface RawOutputOptions {
  json?: boolean;
  format?: string;
  output?: string;
  verbose: boolean;
  color: boolean;
  fail: boolean;
  showSecrets: boolean;
  debug: boolean;
}

export function addOutputFlags(cmd: Command): Command {
  return cmd
    .option('--json', 'print exactly one JSON document on stdout (same as --format json)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'body']))
    .option('-o, --output <file>', 'stream the response body to a file (the report still goes to stdout)')
    .option('-v, --verbose', 'show the request and response as on the wire, on stderr', false)
    .option('--no-color', 'no colours (also off when stdout is not a TTY, or with NO_COLOR)')
    .option('--no-fail', 'exit 0 even when the status is >= 400')
    .option('--show-secrets', 'do not mask credentials in the output', false)
    .option('--debug', 'print stack traces of internal errors', false);
}
