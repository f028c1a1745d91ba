import { Option, type Command } from 'commander';

/** Output options of the single-request mode. */
export interface RawOutputOptions {
  json?: boolean;
  format?: string;
  output?: string;
  verbose?: boolean;
  color: boolean;
  fail: boolean;
  showSecrets?: boolean;
  debug?: boolean;
  printCurl?: boolean;
  dryRun?: boolean;
  har?: string;
}

export function addOutputFlags(cmd: Command): Command {
  return cmd
    .optionsGroup('Output:')
    .option('--json', 'print exactly one JSON document on stdout (same as --format json)')
    .addOption(new Option('--format <format>', 'table (default on stdout), json, or body (the body exactly as received)').choices(['table', 'json', 'body']))
    .option('-o, --output <file>', 'write the body to a file as it arrives (- for stdout); the report still goes to stdout')
    .option('-v, --verbose', 'show the request and response as on the wire, on stderr')
    .option('--no-color', 'no colours (also off when stdout is not a TTY, or with NO_COLOR)')
    .option('--no-fail', 'exit 0 even when the status is >= 400')
    .option('--show-secrets', 'do not mask credentials in the report')
    .option('--print-curl', 'print the same request as a curl command line (on stderr; on stdout with --dry-run); credentials as $VARIABLES unless --show-secrets')
    .option('--dry-run', 'check the request and send nothing (with --print-curl: print it)')
    .option('--har <file>', 'write every exchange (redirects, retries, pages) to a HAR 1.2 file')
    .option('--debug', 'print stack traces of internal errors');
}
