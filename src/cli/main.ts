import { Command, CommanderError } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { processIo, type Io } from '../io.js';
import { printDiagnostic, printErrorLine, printReport } from '../render/output.js';
import { exitWith, OK, resultOfError, type CommandResult } from './command-result.js';
import { addOutputFlags } from './flags/output-flags.js';
import { addRequestFlags } from './flags/request-flags.js';
import { addRetryFlags } from './flags/retry-flags.js';
import { addExpectFlags } from './flags/expect-flags.js';
import { addPaginateFlags, PAGINATION_STYLES } from './flags/paginate-flags.js';
import { RUN_DESCRIPTION, registerRunCommand } from './flags/run-flags.js';
import { WEBHOOK_DESCRIPTION, registerWebhookCommand } from './flags/webhook-flags.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ apitest https://api.example.com/users
  $ apitest localhost:3000/users --json | jq .response.status
  $ apitest -X POST localhost:3000/users -d '{"name":"Ann"}'
  $ apitest localhost:3000/search -q term=api -q page=2 -H 'Accept: application/json'
  $ apitest localhost:3000/me --bearer "$TOKEN"        (or --bearer with $ACCESS_TOKEN set)
  $ apitest localhost:3000/files -F file=@report.pdf -F note=hello
  $ apitest localhost:3000/big -o big.bin
  $ apitest localhost:3000/flaky --retry 3 --retry-delay 200ms
  $ apitest run fixtures/suites --reporter junit:report.xml
  $ apitest webhook send localhost:3000/hook --scheme github --secret "$SECRET" -d @event.json
  $ apitest demo-server --port 3000

Exit codes: 0 ok, 1 expectation failed, 2 usage error, 3 connection/TLS failed, 4 timed out, 5 status >= 400.
Docs: docs/cli.md`;

/**
 * Parses argv, runs the command, and prints the one error line of a failed run — the one catch-all and the one
 * place errors are printed. Returns the exit code; bin/apitest.js sets process.exitCode (never process.exit, so
 * pipes flush).
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const debug = argv.includes('--debug') || io.env.APITEST_DEBUG === '1';
  const result = await run(argv, io);
  const error = result.error;
  if (error !== null) {
    // A stack is shown at the src/*.ts lines it came from (the bundle's source map is read only then).
    const stack = debug && error.stack !== null ? (await import('./source-mapped-stack.js')).sourceMappedStack(error.stack) : error.stack;
    printErrorLine(io, { kind: error.kind, message: error.message, hint: error.hint, stack }, debug);
  }
  return result.exitCode;
}

async function run(argv: readonly string[], io: Io): Promise<CommandResult> {
  let result: CommandResult = OK;
  const setResult = (r: CommandResult): void => {
    result = r;
  };
  const program = new Command()
    .name('apitest')
    .description('Test an HTTP endpoint: status, headers, rate limits, timings by phase, body.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => printReport(io, s),
      writeErr: (s) => printErrorText(io, s),
      outputError: (s, write) => write(`apitest: ${s}`),
    })
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .argument('[url]', 'the URL to request (http:// is assumed without a scheme)')
    .addHelpText('after', EXAMPLES);
  addRequestFlags(program);
  addRetryFlags(program);
  addPaginateFlags(program);
  addExpectFlags(program);
  addOutputFlags(program);
  program.action(async (url: string | undefined, opts: Record<string, unknown>) => {
    if (url !== undefined && opts.url !== undefined) throw new UsageError('the URL is given twice (argument and --url)', { hint: 'give it once' });
    // `--paginate URL`: the optional style value took the URL; styles are a closed set, so give it back.
    if (typeof opts.paginate === 'string' && !PAGINATION_STYLES.includes(opts.paginate) && url === undefined && opts.url === undefined) {
      url = opts.paginate;
      opts.paginate = true;
    }
    const { runRequestCommand } = await import('./commands/request.js');
    const raw = { ...opts, url: (opts.url as string | undefined) ?? url } as unknown as Parameters<typeof runRequestCommand>[0];
    setResult(await runRequestCommand(raw, io));
  });

  program
    .command('demo-server')
    .description('start the sample API on 127.0.0.1 (the target of the README demo and the tests)')
    .option('--port <n>', 'port to listen on (0: any free port)', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const { runDemoServerCommand } = await import('./commands/demo-server.js');
      setResult(await runDemoServerCommand(opts, io));
    });

  // A subcommand's options are defined only when its name is on the command line; otherwise a stub with its
  // description stands in for --help (a plain request does not pay for defining dozens of options it never uses).
  if (argv.includes('run')) registerRunCommand(program, io, setResult);
  else program.command('run [options] <suites...>').description(RUN_DESCRIPTION);
  if (argv.includes('webhook')) registerWebhookCommand(program, io, setResult);
  else program.command('webhook [command]').description(WEBHOOK_DESCRIPTION);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return OK;
      // A single request asked for JSON: the document is printed even for a command-line error.
      const subcommand = program.commands.some((c) => c.name() === argv[0]);
      if (!subcommand && (argv.includes('--json') || argv.join(' ').includes('--format json'))) {
        const { usageDocument } = await import('../result/request-document.js');
        const message = error.message.replace(/^error: /, '');
        printReport(io, `${JSON.stringify(usageDocument(undefined, undefined, { code: 'EUSAGE', message }), null, 2)}\n`);
      }
      // commander has printed its own line (configureOutput above).
      return exitWith(ExitCode.Usage);
    }
    return resultOfError(error);
  }
}

/** commander's own error and help text on stderr. */
function printErrorText(io: Io, text: string): void {
  printDiagnostic(io, text);
}
