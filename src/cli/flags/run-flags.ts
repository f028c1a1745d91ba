import type { Command } from 'commander';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { collect } from './collect.js';

export const RUN_DESCRIPTION = 'run suite files (YAML or JSON): steps of requests with expectations and captures';

const EXAMPLES = `
Examples:
  $ apitest run fixtures/suites/users.yaml
  $ apitest run suites/ --reporter table --reporter junit:report.xml
  $ apitest run 'suites/**/*.yaml' --env-file .env --var userName=Ann --bail
  $ apitest run suites/ --shard 2/4 --concurrency 4

Exit codes: 0 every step passed, 1 a step failed, 2 a suite file or the command line is invalid (nothing was sent).
Docs: docs/suites.md`;

/** `apitest run <suites...>`: commander definitions only; the runner is loaded when the command runs. */
export function registerRunCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  program
    .command('run')
    .description(RUN_DESCRIPTION)
    .argument('<suites...>', 'suite files, directories (their *.yaml, *.yml, *.json files) or globs')
    .option('--reporter <name[:file]>', 'table (default), json, junit or tap; to stdout, or to a file with :file (repeatable)', collect, [])
    .option('--bail', 'stop at the first failed step (the rest are reported as skipped)')
    .option('--filter <regex>', 'run only the steps whose name matches this regular expression')
    .option('--concurrency <n>', 'suite files run in parallel (steps of a file always run in order)', '1')
    .option('--shard <i/n>', 'run only the i-th of n slices of the sorted suite files, e.g. 2/4')
    .option('--var <name=value>', 'set a variable for {{ name }}, over the suites\' vars (repeatable)', collect, [])
    .option('--secret <name=value>', 'as --var, and the value is masked in every report (repeatable)', collect, [])
    .option('--env-file <file>', 'load environment variables from a dotenv file (variables already set win)')
    .option('--rate <N/s|N/m|N/h>', 'client-side limit on request starts across the whole run (default: the strictest defaults.rate of the suites)')
    .option('--burst <n>', 'requests --rate lets start at once', '1')
    .option('--no-respect-rate-limit', 'do not wait when a response says no requests remain')
    .option('--show-secrets', 'do not mask credentials in the reports')
    .option('--print-curl', "print each step's request as a curl command line on stderr before it is sent")
    .option('--har <file>', 'write every exchange of the run to a HAR 1.2 file')
    .option('--no-color', 'no colours (also off when stdout is not a TTY, or with NO_COLOR)')
    .option('--no-token-cache', 'neither read nor write the OAuth2 token cache (the run still shares one token)')
    .option('--pass-with-no-tests', 'exit 0 when --filter or only: selects no step (otherwise exit 2)')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', EXAMPLES)
    .action(async (suites: string[], opts: Record<string, unknown>) => {
      const { runSuitesCommand } = await import('../commands/run-suites.js');
      setResult(await runSuitesCommand(suites, opts as unknown as Parameters<typeof runSuitesCommand>[1], io));
    });
}
