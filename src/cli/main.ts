import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Help } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { processIo, type Io } from '../io.js';
import { printDiagnostic, printErrorLine, printReport } from '../render/output.js';
import { exitWith, OK, resultOfError, type CommandResult } from './command-result.js';
import { addOutputFlags } from './flags/output-flags.js';
import { addRequestFlags } from './flags/request-flags.js';
import { addOAuth2Flags } from './flags/oauth2-flags.js';
import { AUTH_DESCRIPTION, registerAuthCommand } from './flags/auth-flags.js';
import { addRetryFlags } from './flags/retry-flags.js';
import { addExpectFlags } from './flags/expect-flags.js';
import { addCacheFlags, NO_CACHE_FLAG, NO_CACHE_INTERNAL } from './flags/cache-flags.js';
import { addPaginateFlags, PAGINATION_STYLES } from './flags/paginate-flags.js';
import { RUN_DESCRIPTION, registerRunCommand } from './flags/run-flags.js';
import { BATCH_DESCRIPTION, registerBatchCommand } from './flags/batch-flags.js';
import { WEBHOOK_DESCRIPTION, registerWebhookCommand } from './flags/webhook-flags.js';
import { IMPORT_DESCRIPTION, registerImportCommand } from './flags/import-flags.js';
import { LOAD_DESCRIPTION, registerLoadCommand } from './flags/load-flags.js';
import { CACHE_DESCRIPTION, registerCacheCommand } from './flags/cache-command.js';
import { discardPendingOutputs } from '../files/pending-outputs.js';
import { suggest } from './suggest.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ apitest https://api.example.com/users
  $ apitest localhost:3000/users --json | jq .response.status
  $ apitest -X POST localhost:3000/users -d '{"name":"Ann"}'
  $ apitest localhost:3000/search -q term=api -q page=2 -H 'Accept: application/json'
  $ apitest localhost:3000/me --bearer "$TOKEN"        (or --bearer with $ACCESS_TOKEN set)
  $ apitest localhost:3000/oauth/me --oauth2-token-url localhost:3000/oauth/token --oauth2-client-id demo-client --oauth2-client-secret
  $ apitest localhost:3000/files -F file=@report.pdf -F note=hello
  $ apitest localhost:3000/big -o big.bin
  $ apitest localhost:3000/flaky --retry 3 --retry-delay 200ms
  $ apitest run fixtures/suites --reporter junit:report.xml
  $ apitest batch localhost:3000 --input users.csv --url-template '/users/{{ id }}' -c 8 --results out.ndjson
  $ apitest load localhost:3000/users -c 10 -d 10s --expect 'p99 < 50ms'
  $ apitest webhook send localhost:3000/hook --scheme github --secret "$SECRET" -d @event.json
  $ apitest demo-server --port 3000

Exit codes: 0 ok, 1 expectation failed, 2 usage error (nothing sent), 3 connection or TLS failed, or the body
could not be decoded or written, 4 timed out, 5 status >= 400, 70 internal error, 130/143 interrupted (Ctrl-C/SIGTERM).
Durations: a bare number is seconds (--timeout 5); or 250ms, 5s, 1m.
Docs: ${docsPath('cli.md')}`;

/** What a bare `apitest` prints (on stderr, exit 2): how to start. */
const USAGE = `Usage: apitest [options] <url>        one request: status, headers, rate limits, timings, body
       apitest <METHOD> <url> [options]  the same, method first (apitest POST localhost:3000/users -d @u.json)
       apitest run <suites...>           run suite files
       apitest batch [url] --input FILE  one request per row of a file (NDJSON, JSON, CSV)
       apitest load <url> [options]      load-test it: req/s, latency percentiles, SLOs
       apitest webhook <command>         sign, send, verify, listen
       apitest auth <token|clear>        OAuth2 tokens and their cache
       apitest import <curl|postman|har> a curl command line, Postman collection or HAR file as a suite
       apitest cache <explain|ls|clear>  the HTTP cache of --cache
       apitest demo-server               the sample API
       apitest help [command]            all options of a command

Try: apitest localhost:3000/users --json
`;

const COMMANDS = ['run', 'batch', 'load', 'webhook', 'auth', 'import', 'cache', 'demo-server', 'help'];
/**
 * A method given first: any RFC 9110 token in capitals (GET, PURGE, PROPFIND…), except that it has no `.`, which
 * would make it a host name (`EXAMPLE.COM`). Lower case is not a method here (`get` is a mistyped command).
 */
const METHOD_FIRST = /^[A-Z][A-Z0-9!#$%&'*+^_`|~-]*$/;
/** The methods everybody knows: a first word that is one of these in lower case gets a suggestion. */
const COMMON_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY'];

/** Where the docs of the installed package are (they ship in it). */
function docsPath(file: string): string {
  try {
    return fileURLToPath(new URL(`../docs/${file}`, import.meta.url));
  } catch {
    return `docs/${file}`;
  }
}

/**
 * Parses argv, runs the command, and prints the one error line of a failed run — the one catch-all and the one
 * place errors are printed. Returns the exit code; bin/apitest.js sets process.exitCode (never process.exit, so
 * pipes flush).
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const debug = argv.includes('--debug') || io.env.APITEST_DEBUG === '1';
  if (argv.length === 0) {
    printDiagnostic(io, USAGE);
    return ExitCode.Usage;
  }
  let result: CommandResult;
  try {
    result = await run(noCacheFlag(methodFirst(argv)), io);
  } catch (error) {
    result = resultOfError(error);
  } finally {
    // Whatever happened, no temporary file of -o or a reporter is left behind.
    await discardPendingOutputs();
  }
  const error = result.error;
  // Stopped by SIGTERM rather than Ctrl-C: 143 (128 + 15).
  if (error?.kind === 'interrupted' && io.interrupt?.received() === 'SIGTERM') result = { exitCode: ExitCode.Terminated, error };
  if (error !== null) {
    // A stack is shown at the src/*.ts lines it came from (the bundle's source map is read only then).
    const stack = debug && error.stack !== null ? (await import('./source-mapped-stack.js')).sourceMappedStack(error.stack) : error.stack;
    printErrorLine(io, { kind: error.kind, message: error.message, hint: error.hint, stack }, debug);
  }
  return result.exitCode;
}

/**
 * `--no-cache` of a request is its own flag, not commander's negation of `--cache` (which would turn
 * `--cache --no-cache` into no cache at all): it reaches commander as a hidden `--cache-revalidate` (in a single
 * request and in `apitest batch`, which both have the cache flags).
 */
function noCacheFlag(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  // A single request and `apitest batch` have the flag; the other commands have no --cache to clash with.
  if (!words.includes(NO_CACHE_FLAG) || COMMANDS.some((c) => c !== 'batch' && words.includes(c))) return argv;
  return argv.map((a, i) => (a === NO_CACHE_FLAG && (end === -1 || i < end) ? NO_CACHE_INTERNAL : a));
}

async function run(argv: readonly string[], io: Io): Promise<CommandResult> {
  let result: CommandResult = OK;
  const setResult = (r: CommandResult): void => {
    result = r;
  };
  // commander's own error line, printed (on one line) once we know it is the right one to print.
  let commanderLine: string | null = null;
  const wantsJson = argv.includes('--json') || argv.join(' ').includes('--format json');
  const program = new Command()
    .name('apitest')
    .description('Test an HTTP endpoint: status, headers, rate limits, timings by phase, body.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => printReport(io, s),
      writeErr: (s) => printErrorText(io, s),
      outputError: (s) => {
        commanderLine ??= s;
      },
    })
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureHelp(QUIET_DEFAULTS)
    .argument('[url]', 'the URL to request (http:// is assumed without a scheme)')
    .addHelpText('after', EXAMPLES);
  addRequestFlags(program, { methodFirst: 'apitest POST URL' });
  addOAuth2Flags(program);
  addRetryFlags(program);
  addPaginateFlags(program);
  addExpectFlags(program);
  addCacheFlags(program);
  addOutputFlags(program);
  program.action(async (url: string | undefined, opts: Record<string, unknown>) => {
    if (url !== undefined && opts.url !== undefined) throw new UsageError('the URL is given twice (argument and --url)', { hint: 'give it once' });
    if (url !== undefined && !mayBeUrl(url)) throw await unknownCommandOf(url, program, wantsJson, io);
    // `--paginate URL`: the optional style value took the URL; styles are a closed set, so give it back.
    if (typeof opts.paginate === 'string' && !PAGINATION_STYLES.includes(opts.paginate) && url === undefined && opts.url === undefined) {
      url = opts.paginate;
      opts.paginate = true;
    }
    // `--cache URL`: the optional directory took the URL (a directory is given as --cache=DIR, or after the URL).
    if (typeof opts.cache === 'string' && url === undefined && opts.url === undefined) {
      url = opts.cache;
      opts.cache = true;
    }
    const { runRequestCommand } = await import('./commands/request.js');
    const raw = { ...opts, url: (opts.url as string | undefined) ?? url } as unknown as Parameters<typeof runRequestCommand>[0];
    setResult(await runRequestCommand(raw, io));
  });

  program
    .command('help [command]')
    .description('show the options of apitest, or of one of its commands')
    .action((name: string | undefined) => {
      if (name === undefined) return program.outputHelp();
      const command = program.commands.find((c) => c.name() === name);
      if (command === undefined || name === 'help') throw unknownCommand(name, program);
      // run and webhook define their options only when named (see below): `help run` names it.
      return command.outputHelp();
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
  if (argv.includes('batch')) registerBatchCommand(program, io, setResult);
  else program.command('batch [options] [url]').description(BATCH_DESCRIPTION);
  if (argv.includes('load')) registerLoadCommand(program, io, setResult);
  else program.command('load [options] [url]').description(LOAD_DESCRIPTION);
  if (argv.includes('webhook')) registerWebhookCommand(program, io, setResult);
  else program.command('webhook [command]').description(WEBHOOK_DESCRIPTION);
  if (argv.includes('auth')) registerAuthCommand(program, io, setResult);
  else program.command('auth [command]').description(AUTH_DESCRIPTION);
  if (argv.includes('import')) registerImportCommand(program, io, setResult);
  else program.command('import [options] <kind> [input...]').description(IMPORT_DESCRIPTION);
  if (argv.includes('cache')) registerCacheCommand(program, io, setResult);
  else program.command('cache [command]').description(CACHE_DESCRIPTION);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return OK;
      // `apitest runn x.yaml`, `apitest get URL`, `apitest demo-sever --port 3000`: commander stops at the extra
      // argument or the option first, but the first word is what is wrong.
      const first = program.args[0];
      if ((error.code === 'commander.excessArguments' || error.code === 'commander.unknownOption') && first !== undefined && !mayBeUrl(first) && !isCommand(first, program)) {
        return resultOfError(await unknownCommandOf(first, program, wantsJson, io));
      }
      const message = oneLine((commanderLine ?? error.message).replace(/^error: /, ''));
      // A single request asked for JSON: the document is printed even for a command-line error.
      const subcommand = program.commands.some((c) => c.name() === argv[0]);
      if (!subcommand && wantsJson) await printUsageDocument(io, message);
      printErrorText(io, `apitest: error: ${message}\n`);
      return exitWith(ExitCode.Usage);
    }
    return resultOfError(error);
  }
}

/**
 * commander's errors on one line, as every apitest error: its suggestion comes on a line of its own
 * (`(Did you mean --timeout?)`); it becomes ` (did you mean --timeout?)`.
 */
export function oneLine(message: string): string {
  return message
    .trim()
    .replace(/\s*\n\s*\(Did you mean ([^)]*)\)/g, ' (did you mean $1)')
    .replace(/\s*\n\s*/g, ' ');
}

async function printUsageDocument(io: Io, message: string): Promise<void> {
  const { usageDocument } = await import('../result/request-document.js');
  printReport(io, `${JSON.stringify(usageDocument(undefined, undefined, { code: 'EUSAGE', message }), null, 2)}\n`);
}

/** commander's own error and help text on stderr. */
function printErrorText(io: Io, text: string): void {
  printDiagnostic(io, text);
}

/** Help without the noise of defaults that say nothing: `(default: [])`, `(default: false)`. */
const QUIET_DEFAULTS = {
  optionDescription(option: Parameters<Help['optionDescription']>[0]): string {
    return Help.prototype.optionDescription.call(this as unknown as Help, option).replace(/ \(default: (\[\]|false)\)$/, '');
  },
};

/**
 * `apitest GET URL …` (HTTPie's habit): a first word that is an HTTP method name in capitals is the method; so is
 * the word after `load` (`apitest load POST URL …`).
 */
function methodFirst(argv: readonly string[]): readonly string[] {
  if (argv[0] === 'load') {
    // `apitest load post URL`: a method in lower case, where a URL was expected (as `apitest get URL`).
    const word = argv[1];
    if (word !== undefined && word !== word.toUpperCase() && COMMON_METHODS.includes(word.toUpperCase()) && !mayBeUrl(word)) {
      const method = word.toUpperCase();
      throw new UsageError(`apitest load: ${JSON.stringify(word)} is not a URL`, { hint: `did you mean ${method}? A method given first is written in capitals: apitest load ${method} URL, or -X ${method}` });
    }
    return ['load', ...methodFirst(argv.slice(1))];
  }
  const [first, ...rest] = argv;
  if (first === undefined || !METHOD_FIRST.test(first)) return argv;
  const other = rest.findIndex((a) => a === '-X' || a === '--method' || a.startsWith('--method=') || (a.startsWith('-X') && a.length > 2));
  if (other !== -1) throw new UsageError(`the method is given twice (${first} and ${rest[other]}${rest[other]?.length === 2 || rest[other] === '--method' ? ` ${rest[other + 1] ?? ''}` : ''})`, { hint: 'give it once' });
  return ['-X', first, ...rest];
}

/**
 * A word that cannot be a URL — no `.`, `:` or `/`, not localhost — and is not a command is a mistyped command
 * (`apitest demo-sever`), not a host to look up.
 */
function mayBeUrl(word: string): boolean {
  return /[.:/[\]]/.test(word) || word.toLowerCase() === 'localhost';
}

function isCommand(word: string, program: Command): boolean {
  return COMMANDS.includes(word) || program.commands.some((c) => c.name() === word);
}

/** The unknown-command error (and, when JSON was asked for, the usage document that goes with it). */
async function unknownCommandOf(word: string, program: Command, json: boolean, io: Io): Promise<UsageError> {
  const error = unknownCommand(word, program);
  if (json) await printUsageDocument(io, error.message);
  return error;
}

export function unknownCommand(word: string, program: Command): UsageError {
  // `apitest get URL`: a method in lower case; the method-first form takes it in capitals.
  if (COMMON_METHODS.includes(word.toUpperCase())) {
    const method = word.toUpperCase();
    return new UsageError(`unknown command ${JSON.stringify(word)}`, { hint: `did you mean ${method}? A method given first is written in capitals: apitest ${method} URL, or -X ${method}` });
  }
  const guess = suggest(word, COMMANDS.concat(program.commands.map((c) => c.name())));
  return new UsageError(`unknown command ${JSON.stringify(word)}`, {
    hint: guess !== null ? `did you mean ${guess}?` : 'see apitest --help; a URL needs a dot, a port or a path, e.g. localhost:3000/users',
  });
}
