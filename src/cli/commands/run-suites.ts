/**
 * `apitest run <suites...>`. Order: options → env file → collect and shard the files → load and validate
 * every file (all problems reported, exit 2, nothing sent) → one transport, one limiter, one server gate
 * for the whole run → run the files (table streamed per file, in file order) → the other reporters
 * (stdout, or files written atomically) → exit 0 (all passed) or 1 (a step failed).
 */
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { createGotTransport } from '../../engine/transport.js';
import type { EngineDeps } from '../../engine/execute.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { VERSION } from '../version.js';
import type { RequestSpec } from '../../model/request-spec.js';
import type { Redactor } from '../../redact/redactor.js';
import { printDiagnostic, printReport } from '../../render/output.js';
import { exitWith, type CommandResult } from '../command-result.js';
import { parseRate } from '../../ratelimit/parse-rate.js';
import { createServerGate } from '../../ratelimit/server-gate.js';
import { createTokenBucket } from '../../ratelimit/token-bucket.js';
import { renderJsonReport } from '../../render/reporters/json.js';
import { renderJunitReport } from '../../render/reporters/junit.js';
import { renderTableFile, renderTableReport, renderTableSummary, tableStep } from '../../render/reporters/table.js';
import { colorLevel, createTheme, type Theme } from '../../render/theme.js';
import type { FileReport, SuiteReport } from '../../model/suite-report.js';
import { summarize } from '../../model/suite-report-values.js';
import { collectSuiteFiles } from '../../suite/collect-files.js';
import type { SchemaCache } from '../../suite/compile-expect.js';
import type { CompiledSuite } from '../../suite/compile-suite.js';
import { loadEnvFile, mergeEnv } from '../../suite/env-file.js';
import { parseSuiteVars } from '../parse/suite-vars.js';
import { loadSuite } from '../../suite/load-suite.js';
import { formatProblem } from '../../suite/locate-issue.js';
import { runFiles } from '../../suite/run-files.js';
import { createSecretRegistry } from '../../suite/secrets.js';
import { parseShard, selectShard, type Shard } from '../../suite/shard.js';
import { prepareOutputTarget, writeOutputFile, type OutputTarget } from '../../files/output-target.js';
import { runClock } from '../run-clock.js';
import { formatDuration } from '../../util/duration.js';
import { integerFlag, parseFlags } from '../parse/flag-schemas.js';
import { Pattern } from '../../expect/pattern.js';
import { monotonicMs } from '../../util/monotonic-ms.js';

/** The raw option values of `apitest run` (validated here). */
export interface RawRunOptions {
  reporter: string[];
  bail?: boolean;
  filter?: string;
  concurrency: string;
  shard?: string;
  var: string[];
  secret: string[];
  envFile?: string;
  rate?: string;
  burst: string;
  respectRateLimit: boolean;
  showSecrets?: boolean;
  printCurl?: boolean;
  har?: string;
  color: boolean;
  debug?: boolean;
  passWithNoTests?: boolean;
  /** `--no-token-cache` sets false. */
  tokenCache?: boolean;
}

const REPORTERS = ['table', 'json', 'junit', 'tap'] as const;
type ReporterName = (typeof REPORTERS)[number];
interface ReporterTarget {
  name: ReporterName;
  /** Where the report is written (checked before the run), or null for stdout. */
  file: OutputTarget | null;
}

interface RunOptions {
  reporters: ReporterTarget[];
  concurrency: number;
  burst: number;
  shard: Shard | null;
  filter: Pattern | null;
  vars: Map<string, string>;
  /** Values given with --secret: masked in every report. */
  secretVars: string[];
  /** `--har FILE`, checked before the run. */
  har: OutputTarget | null;
  rate: { count: number; perMs: number } | null;
}

/** How long the server gate waits at most for a rate-limit reset. */
const MAX_GATE_WAIT_MS = 30_000;

export async function runSuitesCommand(args: readonly string[], raw: RawRunOptions, io: Io): Promise<CommandResult> {
  const options = await parseRunOptions(raw, io);
  const env = mergeEnv(raw.envFile === undefined ? {} : await loadEnvFile(raw.envFile, io.cwd), io.env);
  const files = await collectSuiteFiles(args, io.cwd);
  const byDisplay = new Map(files.map((f) => [f.display, f]));
  const selected = selectShard([...byDisplay.keys()], options.shard).map((d) => byDisplay.get(d)).filter((f) => f !== undefined);

  const schemaCache: SchemaCache = new Map();
  const loaded = await Promise.all(selected.map((f) => loadSuite(f.display, f.absolute, { cliVars: options.vars, env, filter: options.filter, schemaCache })));
  const problems = loaded.flatMap((r) => (r.ok ? [] : r.problems));
  if (problems.length > 0) {
    const bad = new Set(problems.map((p) => p.file)).size;
    printDiagnostic(io, `${problems.map(formatProblem).join('\n')}\n`);
    return {
      exitCode: ExitCode.Usage,
      error: { kind: 'usage', message: `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${bad} suite file${bad === 1 ? '' : 's'}; no request was sent`, hint: null, stack: null },
    };
  }
  const suites = loaded.flatMap((r) => (r.ok ? [r.suite] : []));
  if (selected.length === 0 && options.shard !== null) {
    printDiagnostic(io, `apitest: note: shard ${options.shard.index}/${options.shard.total} has no suite file (${files.length} in all); nothing to run\n`);
    return exitWith(ExitCode.Ok);
  }
  const selecting = options.filter !== null || suites.some((s) => s.steps.some((step) => step.skip === 'only'));
  if (selecting && !suites.some((s) => s.steps.some((step) => step.skip === null))) {
    const what = options.filter !== null ? `--filter ${JSON.stringify(raw.filter)}` : 'only: true';
    if (raw.passWithNoTests === true) {
      printDiagnostic(io, `apitest: note: no step matched ${what}; nothing to run (--pass-with-no-tests)\n`);
      return exitWith(ExitCode.Ok);
    }
    return {
      exitCode: ExitCode.Usage,
      error: { kind: 'usage', message: `no step matched ${what}`, hint: 'check the step names (apitest run --filter matches them as a regular expression), or add --pass-with-no-tests', stack: null },
    };
  }

  const theme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env: io.env }));
  const errTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env: io.env }));
  const secrets = createSecretRegistry(raw.showSecrets === true, [...options.secretVars, ...suites.flatMap((s) => s.secrets)]);
  const view = { placeholderTimings: io.env.APITEST_PLACEHOLDER_TIMINGS === '1' };
  const tableOnStdout = options.reporters.some((r) => r.name === 'table' && r.file === null);
  const rate = options.rate ?? strictestRate(suites);

  const transport = createGotTransport();
  const clock = runClock(io);
  const engine: EngineDeps = {
    transport,
    clock,
    ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }),
    random: Math.random,
    limiter: rate ? createTokenBucket(rate, options.burst, clock) : null,
    gate: raw.respectRateLimit
      ? createServerGate(clock, MAX_GATE_WAIT_MS, (wait) => {
          printDiagnostic(io, errTheme.c.dim(`apitest: rate limit: waiting ${formatDuration(wait.waitMs)} before ${secrets.redactor().url(wait.beforeUrl)} (the server said no requests remain)\n`));
        })
      : null,
  };
  if (suites.some((suite) => suite.steps.some((step) => step.request.auth !== null && step.request.auth !== 'none' && 'oauth2' in step.request.auth))) {
    // One token provider for the whole run: every step (of every file) shares one token per OAuth2 setting.
    const { oauth2Tokens } = await import('../oauth2-tokens.js');
    const { tokens } = await oauth2Tokens(io, {
      transport,
      clock,
      cache: raw.tokenCache !== false,
      verbose: false,
      errTheme,
      redactor: () => secrets.redactor(),
      learn: (values) => secrets.add(values),
    });
    engine.tokens = tokens;
    engine.onTokenRefused = (source) =>
      printDiagnostic(io, errTheme.c.dim(`apitest: the API answered 401 to the ${source === 'cache' ? 'cached' : 'current'} OAuth2 access token: getting a new one and trying once more\n`));
  }
  // cache: true in a suite: the HTTP cache (loaded only then), in its default directory.
  const httpCache = suites.some((suite) => suite.steps.some((step) => step.request.cache === true)) ? await openSuiteCache(io) : null;
  const retainSteps = options.reporters.some((r) => !(r.name === 'table' && r.file === null));
  const curl = raw.printCurl === true ? await curlPrinter(io, raw.showSecrets === true, () => secrets.redactor()) : null;
  const har = options.har === null ? null : (await import('../../render/har.js')).createHarRecorder();
  const harPage =
    har === null
      ? null
      : (name: string): NonNullable<EngineDeps['onHop']> => {
          const id = har.page(name, io.now());
          return (startedAt, result) => har.add(id, startedAt, result);
        };
  const tally = { passed: 0, failed: 0, skipped: 0 };
  const printer = orderedPrinter((file, first) => {
    if (tableOnStdout) printReport(io, `${first ? '' : '\n'}${renderTableFile(file, view, theme)}`);
  });
  const onFileDone = (file: FileReport, index: number): void => {
    const counts = summarize([file], 0);
    tally.passed += counts.passed;
    tally.failed += counts.failed;
    tally.skipped += counts.skipped;
    printer(file, index);
  };
  const started = monotonicMs();
  let reports: FileReport[];
  try {
    reports = await runFiles(
      suites,
      {
        concurrency: options.concurrency,
        retainSteps,
        cliVars: options.vars,
        env,
        bail: { enabled: raw.bail === true, stopped: false },
        interrupted: () => io.interrupt?.signal.aborted === true,
        // Only the table on stdout: each file's steps are kept, until it is printed, as the table shows them.
        ...(retainSteps ? {} : { stepRecord: tableStep }),
      },
      { engine, secrets, elapsed: () => monotonicMs(), ...(curl === null ? {} : { onBuilt: curl }), ...(harPage === null ? {} : { harPage }), ...(httpCache === null ? {} : { httpCache }) },
      onFileDone,
    );
  } finally {
    transport.close();
  }
  const summary = { passed: tally.passed, failed: tally.failed, skipped: tally.skipped, durationMs: Math.round((monotonicMs() - started) * 100) / 100 };
  const report: SuiteReport = { schemaVersion: 1, ok: summary.failed === 0, summary, files: reports };
  if (tableOnStdout) printReport(io, renderTableSummary(summary, theme));

  // Every report is written even when one cannot be (a full disk): the first failure is the run's error (exit 3,
  // kind write), and decides over the steps' result: a report that was asked for and is missing must be said.
  let writeFailure: unknown = null;
  const write = async (file: OutputTarget, text: string): Promise<void> => {
    try {
      await writeOutputFile(file, text);
    } catch (error) {
      writeFailure ??= error;
    }
  };
  for (const target of options.reporters) {
    if (target.name === 'table' && target.file === null) continue;
    const text = await render(target.name, report, view, target.file === null ? theme : createTheme(0));
    if (target.file === null) printReport(io, text);
    else await write(target.file, text);
  }
  if (har !== null && options.har !== null) {
    const { harLog } = await import('../../render/har.js');
    await write(options.har, `${JSON.stringify(harLog(har, secrets.redactor(), VERSION), null, 2)}\n`);
  }
  if (writeFailure !== null) throw writeFailure;
  if (io.interrupt?.signal.aborted === true) {
    const notRun = report.files.reduce((n, f) => n + f.steps.filter((s) => s.skipReason === 'interrupted').length, 0);
    return {
      exitCode: ExitCode.Interrupted,
      error: { kind: 'interrupted', message: `interrupted: ${summary.passed + summary.failed} steps ran, ${notRun} not run${tally.failed > 0 ? ` (${tally.failed} failed)` : ''}`, hint: null, stack: null },
    };
  }
  return exitWith(summary.failed > 0 ? ExitCode.Expectation : ExitCode.Ok);
}

async function render(name: ReporterName, report: SuiteReport, view: { placeholderTimings: boolean }, theme: Theme): Promise<string> {
  switch (name) {
    case 'table':
      return renderTableReport(report.files, report.summary, view, theme);
    case 'json':
      return renderJsonReport(report);
    case 'junit':
      return renderJunitReport(report);
    case 'tap':
      // Loaded when asked for: the TAP reporter writes its diagnostics with the yaml package.
      return (await import('../../render/reporters/tap.js')).renderTapReport(report);
  }
}

/** Calls `print` for each file in file order, as soon as the files before it are done. */
function orderedPrinter(print: (file: FileReport, first: boolean) => void): (file: FileReport, index: number) => void {
  const done = new Map<number, FileReport>();
  let next = 0;
  return (file, index) => {
    done.set(index, file);
    for (let ready = done.get(next); ready !== undefined; ready = done.get(next)) {
      done.delete(next);
      print(ready, next === 0);
      next++;
    }
  };
}

/** Without --rate: the strictest `defaults.rate` of the suites in the run (fewest requests per millisecond). */
function strictestRate(suites: readonly CompiledSuite[]): { count: number; perMs: number } | null {
  let best: { count: number; perMs: number } | null = null;
  for (const suite of suites) {
    if (suite.rate && (best === null || suite.rate.count / suite.rate.perMs < best.count / best.perMs)) best = suite.rate;
  }
  return best;
}

const FlagsSchema = z.object({
  concurrency: integerFlag('--concurrency', 1, 256),
  burst: integerFlag('--burst', 1, 10000),
});

async function parseRunOptions(raw: RawRunOptions, io: Io): Promise<RunOptions> {
  const flags = parseFlags(FlagsSchema, raw);
  const reporters = await parseReporters(raw.reporter, io);
  let filter: Pattern | null = null;
  if (raw.filter !== undefined) {
    try {
      filter = Pattern.compile(raw.filter);
    } catch (error) {
      throw new UsageError(`--filter: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { vars, secretVars } = parseSuiteVars(raw.var, raw.secret ?? []);
  let rate: RunOptions['rate'] = null;
  if (raw.rate !== undefined) {
    rate = parseRate(raw.rate) ?? null;
    if (rate === null) throw new UsageError(`--rate: invalid rate ${JSON.stringify(raw.rate)}`, { hint: 'write it as N/s, N/m or N/h, e.g. 10/s or 600/m' });
  }
  return { reporters, concurrency: flags.concurrency, burst: flags.burst, shard: raw.shard === undefined ? null : parseShard(raw.shard), filter, vars, secretVars, rate, har: raw.har === undefined ? null : await prepareOutputTarget(raw.har, io.cwd, '--har') };
}

/** `name` (stdout) or `name:file`; at most one reporter on stdout; default: table on stdout. */
async function parseReporters(values: readonly string[], io: Io): Promise<ReporterTarget[]> {
  if (values.length === 0) return [{ name: 'table', file: null }];
  const out: ReporterTarget[] = [];
  const files = new Set<string>();
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon === -1 ? value : value.slice(0, colon);
    const path = colon === -1 ? null : value.slice(colon + 1);
    if (!(REPORTERS as readonly string[]).includes(name)) {
      throw new UsageError(`--reporter: unknown reporter ${JSON.stringify(name)}`, { hint: `use ${REPORTERS.join(', ')}, optionally with :file` });
    }
    if (path === '') throw new UsageError(`--reporter ${value}: the file name is empty`);
    if (path !== null) {
      const absolute = resolve(io.cwd, path);
      if (files.has(absolute)) throw new UsageError(`--reporter: two reporters write ${JSON.stringify(path)}`);
      files.add(absolute);
    }
    const file = path === null ? null : await prepareOutputTarget(path, io.cwd, `--reporter ${name}`);
    out.push({ name: name as ReporterName, file });
  }
  const onStdout = out.filter((r) => r.file === null);
  if (onStdout.length > 1) {
    throw new UsageError(`--reporter: ${onStdout.map((r) => r.name).join(' and ')} both write to stdout`, { hint: 'send all but one to a file, e.g. --reporter junit:report.xml' });
  }
  return out;
}

/** `--print-curl`: each step's request as a curl line on stderr, any secret left in it scrubbed. */
async function curlPrinter(io: Io, showSecrets: boolean, redactor: () => Redactor): Promise<(name: string, spec: RequestSpec) => void> {
  const { curlCommand } = await import('../../render/curl-command.js');
  return (name, spec) => printDiagnostic(io, `# ${redactor().text(name)}\n${redactor().text(curlCommand(spec, { showSecrets, caFile: null }))}\n`);
}

/** The HTTP cache of `cache: true` steps, in the default directory; a directory that is not safe to use is a usage error. */
async function openSuiteCache(io: Io): Promise<NonNullable<EngineDeps['httpCache']>> {
  const { httpCacheDir, openHttpCache } = await import('../../files/http-cache-store.js');
  const dir = httpCacheDir(io.env);
  try {
    return { store: await openHttpCache(dir), mode: 'use', ttlSeconds: null, now: () => Date.now() };
  } catch (error) {
    throw new UsageError(`cache: true: ${error instanceof Error ? error.message : String(error)}`, { hint: 'fix or remove that directory (or set XDG_CACHE_HOME)' });
  }
}
