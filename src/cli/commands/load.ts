/**
 * `apitest load <url> [request flags]`. Order: flags and SLOs checked → the request built by the one request
 * builder of a single request (method, headers, body, auth, -k, --cacert) → report files checked → the target's
 * safety (loopback/private, else --yes or a yes on a terminal; otherwise exit 2, nothing sent) → OAuth2: one
 * token, got once through the token provider of single requests → the run (load/run-load.ts, undici through
 * engine/load-transport.ts) with a live line on a terminal → one settled record (load/load-report.ts) → table or
 * JSON on stdout, reports written → one stderr line per failed SLO → exit 0, 1 (an SLO failed), 3 (no request got
 * a response), 130 (Ctrl-C: what was measured so far is printed first).
 */
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { ExitCode, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { withAuthorization, type RequestSpec } from '../../model/request-spec.js';
import { Secret } from '../../redact/secret.js';
import { createSecretRegistry } from '../../suite/secrets.js';
import { parseRate } from '../../ratelimit/parse-rate.js';
import { printDiagnostic, printReport } from '../../render/output.js';
import { createTheme, colorLevel } from '../../render/theme.js';
import { parseLoadExpectation, type LoadExpectation } from '../../expect/load-expectation.js';
import { prepareOutputTarget, writeOutputFile, type OutputTarget } from '../../files/output-target.js';
import { formatDuration } from '../../util/duration.js';
import { systemClock } from '../../util/clock.js';
import { exitWith, type CommandResult } from '../command-result.js';
import type { RawLoadOptions } from '../flags/load-flags.js';
import { durationFlag, integerFlag, parseFlags } from '../parse/flag-schemas.js';
import { buildRequestSpec } from '../parse/request-input.js';
import { MAX_CERT_FILE_BYTES, readFileArg } from '../parse/data-argument.js';
import { tokenConnectionOf } from '../../engine/oauth2/execute-with-token.js';
import { learningRedactor, type LearningRedactor } from './request.js';

const FlagsSchema = z.object({
  connections: integerFlag('-c/--connections', 1, 10_000),
  pipelining: integerFlag('--pipelining', 1, 1_000),
  duration: z.optional(durationFlag('-d/--duration')),
  requests: z.optional(integerFlag('-n/--requests', 1)),
  warmup: z.optional(durationFlag('--warmup', { allowZero: true })),
});

const DEFAULT_DURATION_MS = 10_000;
/** Requests still in flight when a timed run ends are waited for this long at most (or --timeout, if shorter). */
const DRAIN_MS = 2_000;

interface Reporter {
  readonly kind: 'junit' | 'json';
  readonly target: OutputTarget;
}

export async function runLoadCommand(urlArg: string | undefined, raw: RawLoadOptions, io: Io): Promise<CommandResult> {
  // ---- 1. everything checked before anything is sent
  if (urlArg !== undefined && raw.url !== undefined) throw new UsageError('the URL is given twice (argument and --url)', { hint: 'give it once' });
  const flags = parseFlags(FlagsSchema, { connections: raw.connections, pipelining: raw.pipelining, duration: raw.duration, requests: raw.requests, warmup: raw.warmup });
  if (flags.duration !== undefined && flags.requests !== undefined) throw new UsageError('-d/--duration and -n/--requests both say when to stop', { hint: 'give one of them' });
  if (raw.duration !== undefined && flags.duration === undefined) throw new UsageError(`-d/--duration: invalid duration ${JSON.stringify(raw.duration)}`);
  const rate = raw.rate === undefined ? null : parseRate(raw.rate);
  if (rate === undefined) throw new UsageError(`--rate: invalid rate ${JSON.stringify(raw.rate)}`, { hint: 'use requests per period: 500/s, 30000/m' });
  if (rate !== null && (rate.count * 1000) / rate.perMs > MAX_RATE_PER_S) throw new UsageError(`--rate: ${raw.rate} is more than ${MAX_RATE_PER_S.toLocaleString('en-US')} per second`, { hint: 'one generator sends tens of thousands of requests per second at most: use a lower rate' });
  if (raw.http2 === true) throw new UsageError('--http2 is not available in apitest load (it loads over HTTP/1.1)');
  if (raw.proxy !== undefined) throw new UsageError('-x/--proxy is not available in apitest load: a load test goes straight to the server');
  const slos: LoadExpectation[] = raw.expect.map(parseLoadExpectation);
  if (raw.suite !== undefined) return runSuiteLoad(urlArg ?? raw.url, raw, flags, rate, slos, io);
  const suiteOnly = [raw.var.length > 0 ? '--var' : null, raw.secret.length > 0 ? '--secret' : null, raw.envFile !== undefined ? '--env-file' : null].filter((f) => f !== null);
  if (suiteOnly.length > 0) throw new UsageError(`${suiteOnly.join(', ')}: only with --suite (a suite's {{ variables }})`, { hint: 'a single URL has no variables: write the value into the URL, a header or --data' });
  const url = raw.url ?? urlArg;
  const spec0 = await buildRequestSpec(url === undefined ? raw : { ...raw, url }, io, { dataFlag: '--data' });
  const { loadRequestRefusal } = await import('../../engine/load-transport.js');
  // An OAuth2 request gets its token only after this check (the token request is not sent for a request that
  // cannot be): a stand-in bearer token has the same shape.
  const refused = await loadRequestRefusal(spec0.auth.authorization?.kind === 'oauth2' ? withAuthorization(spec0, { kind: 'bearer', token: new Secret('apitest-refusal-check') }) : spec0);
  if (refused !== null) throw new UsageError(`apitest load cannot send this request: ${refused}`, { hint: refusedHint(spec0.method) });
  const reporters = await prepareReporters(raw.reporter, io);
  const env = io.env;
  const errTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env }));
  const outTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env }));
  const secrets = learningRedactor(spec0, raw.showSecrets === true);
  const shownUrl = secrets.current().url(spec0.url);
  const durationMs = flags.requests !== undefined ? null : (flags.duration ?? DEFAULT_DURATION_MS);
  const shape = `${flags.connections} connection${flags.connections === 1 ? '' : 's'}, ${durationMs === null ? `${flags.requests} request${flags.requests === 1 ? '' : 's'}` : formatDuration(durationMs)}${rate === null ? '' : `, ${raw.rate}`}`;
  try {
    // ---- 2. the target: loopback or private, or the user said yes
    const { isLocalTarget } = await import('../../load/target-safety.js');
    if (raw.yes !== true && !(await isLocalTarget(spec0.url))) await confirm(io, `${spec0.method} ${shownUrl} (${shape})`);
    if (spec0.proxy !== null) printDiagnostic(io, errTheme.c.dim('apitest: note: apitest load does not use the proxy of the environment: it goes straight to the server\n'));
    if (spec0.insecure) printDiagnostic(io, errTheme.c.yellow('apitest: warning: -k/--insecure: TLS certificates are not verified\n'));
    if (spec0.followRedirects) printDiagnostic(io, errTheme.c.dim('apitest: note: -L: apitest load does not follow redirects (each 3xx is counted as it is)\n'));

    // ---- 3. OAuth2: one token for the whole run
    let spec = spec0;
    if (spec0.auth.authorization?.kind === 'oauth2') {
      const tokens = await loadTokens(raw, io, errTheme, secrets);
      try {
        spec = await tokens.authorize(spec0);
      } finally {
        tokens.close();
      }
    }

    // ---- 4. the run
    const { createLoadTransport, timedOutWithinMs } = await import('../../engine/load-transport.js');
    const { startLoad, createRealTimers } = await import('../../load/run-load.js');
    const { settleLoad } = await import('../../load/load-report.js');
    const transport = createLoadTransport(spec, { connections: flags.connections, pipelining: flags.pipelining });
    const timers = createRealTimers();
    const warmupMs = flags.warmup ?? 0;
    const started = startLoad(
      {
        connections: flags.connections,
        pipelining: flags.pipelining,
        durationMs,
        requests: flags.requests ?? null,
        warmupMs,
        rate,
        // With -n, each request has its --timeout: the drain waits until the transport has surely ended a silent
        // one as a `timeout` (not `unfinished`).
        drainMs: flags.requests !== undefined ? timedOutWithinMs(spec.timeoutMs) : Math.min(spec.timeoutMs, DRAIN_MS),
      },
      { send: (done) => transport.send(done), timers, ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }) },
    );
    let stopProgress = (): void => undefined;
    let run;
    try {
      if (raw.progress && io.stderr.isTTY === true && (env.CI ?? '') === '') stopProgress = await startProgress(io, started, durationMs, warmupMs);
      run = await started.done;
    } finally {
      stopProgress();
      timers.close();
      await transport.destroy();
    }
    const report = settleLoad(run, { url: shownUrl, connections: flags.connections, rate: rate === null ? null : (rate.count * 1000) / rate.perMs, warmupMs }, slos);

    return await finishLoad(report, run.stoppedBy, raw, reporters, io, outTheme, errTheme, shownUrl);
  } catch (error) {
    for (const r of reporters) await r.target.discard();
    throw error;
  }
}

/**
 * The request flags that have no meaning with --suite (the steps hold their requests) and would otherwise be
 * silently dropped; -k and --cacert apply to the whole run.
 */
const SUITE_IGNORES: ReadonlyArray<readonly [keyof RawLoadOptions, string]> = [
  ['url', '--url'],
  ['method', '-X/--method'],
  ['head', '-I/--head'],
  ['get', '-G/--get'],
  ['header', '-H/--header'],
  ['headers', '--headers'],
  ['query', '-q/--query'],
  ['userAgent', '-A/--user-agent'],
  ['data', '--data'],
  ['dataUrlencode', '--data-urlencode'],
  ['apiKey', '--api-key'],
  ['apiKeyHeader', '--api-key-header'],
  ['apiKeyQuery', '--api-key-query'],
  ['bearer', '--bearer'],
  ['user', '-u/--user'],
  ['basic', '--basic'],
  ['timeout', '--timeout'],
  ['connectTimeout', '--connect-timeout'],
  ['location', '-L/--location'],
  ['maxRedirects', '--max-redirects'],
  ['maxBody', '--max-body'],
  ['cert', '--cert'],
  ['key', '--key'],
  ['certPassphrase', '--cert-passphrase'],
  ['cookie', '-b/--cookie'],
  ['oauth2TokenUrl', '--oauth2-token-url'],
  ['oauth2ClientId', '--oauth2-client-id'],
  ['oauth2ClientSecret', '--oauth2-client-secret'],
  ['oauth2Scope', '--oauth2-scope'],
  ['oauth2Audience', '--oauth2-audience'],
  ['oauth2AuthMethod', '--oauth2-auth-method'],
  ['oauth2RefreshToken', '--oauth2-refresh-token'],
];

/** The highest --rate: far above what one generator can send, low enough that every figure stays exact. */
const MAX_RATE_PER_S = 1_000_000;

/** After undici's refusal of a request (load-transport.ts, loadRequestRefusal): about its headers, unless the method was it. */
function refusedHint(method: string): string {
  return method === 'CONNECT' ? 'nothing was sent' : 'nothing was sent; undici, the HTTP client of apitest load, sets Transfer-Encoding, Keep-Alive and Upgrade itself and does not send Expect';
}

/** Views of the one settled record (table or JSON, report files), then the exit code. */
async function finishLoad(
  report: import('../../load/load-report.js').LoadReport,
  stoppedBy: 'duration' | 'requests' | 'interrupt',
  raw: RawLoadOptions,
  reporters: readonly Reporter[],
  io: Io,
  outTheme: ReturnType<typeof createTheme>,
  errTheme: ReturnType<typeof createTheme>,
  target: string,
): Promise<CommandResult> {
  if (raw.json === true) printReport(io, `${JSON.stringify(report.document, null, 2)}\n`);
  else {
    const { renderLoadTable } = await import('../../render/load-report.js');
    printReport(io, renderLoadTable(report, outTheme, io.env.APITEST_PLACEHOLDER_TIMINGS === '1'));
  }
  for (const reporter of reporters) {
    const text = reporter.kind === 'json' ? `${JSON.stringify(report.document, null, 2)}\n` : (await import('../../render/reporters/load-junit.js')).renderLoadJunit(report);
    await writeOutputFile(reporter.target, text);
  }
  // A slow start: in a run of a few seconds, nearly all of the late requests were due in its first second (the
  // generator's code, and often the server's, is compiled as it runs; connections are being opened). Not when
  // requests were late all along or never sent: then the rate is more than the server can hold.
  const early = report.lateFirstSecond;
  const lateLater = report.document.requests.notSentOnTime - report.neverSent - early;
  if (report.warmupMs === 0 && report.document.durationMs >= 3000 && early >= 10 && lateLater * 4 <= early && report.neverSent * 4 <= early) {
    const what = report.document.steps === null ? 'requests not sent on time' : 'passes not started on time';
    printDiagnostic(io, errTheme.c.dim(`apitest: note: ${early} of the ${report.document.requests.notSentOnTime} ${what} were due in the first second: a run starts slower (apitest compiles its code as it runs, and so may the server; connections are being opened); --warmup 1s keeps that out of the figures\n`));
  }
  if (stoppedBy === 'interrupt') {
    return { exitCode: ExitCode.Interrupted, error: { kind: 'interrupted', message: `interrupted: the figures above are what was measured in ${formatDuration(report.document.durationMs)}`, hint: null, stack: null } };
  }
  const failedSlos = report.checks.filter((c) => !c.ok);
  for (const check of failedSlos) printDiagnostic(io, `${errTheme.c.red('apitest: SLO failed:')} ${check.message ?? check.expression}\n`);
  if (failedSlos.length > 0) return exitWith(ExitCode.Expectation);
  const d = report.document;
  if (d.requests.total > 0 && Object.keys(d.statuses).length === 0) {
    const kinds = Object.entries(d.errors).map(([k, n]) => `${k} ${n}`).join(', ');
    // The hint for what happened: every request timed out (the server is there, and slow), or it was not reached.
    const slow = Object.keys(d.errors).every((k) => k === 'timeout' || k === 'unfinished');
    const where = raw.suite === undefined ? `the server at ${target}` : 'the servers of the suite';
    const hint = slow ? `${where} did not answer within --timeout: is it overloaded, or the timeout too short?` : `is ${where} up?`;
    return { exitCode: ExitCode.Connection, error: { kind: 'connection', message: `no request got a response (${kinds})`, hint, stack: null } };
  }
  return exitWith(ExitCode.Ok);
}

/**
 * `--suite FILE`: the suite as a load scenario (load/run-suite-load.ts). Checked first: the suite file (exit 2 with
 * its problems), no URL and no --pipelining beside it (--rate: passes of the suite started per second, the open
 * model); each origin the steps reach is checked (loopback
 * or private, else --yes) before its first request.
 */
async function runSuiteLoad(url: string | undefined, raw: RawLoadOptions, flags: { connections: number; duration?: number | undefined; requests?: number | undefined; warmup?: number | undefined }, rate: { count: number; perMs: number } | null, slos: LoadExpectation[], io: Io): Promise<CommandResult> {
  if (url !== undefined) throw new UsageError('--suite and a URL: the suite\'s steps say where to send', { hint: 'give one of them' });
  const ignored = SUITE_IGNORES.filter(([key]) => raw[key] !== undefined && raw[key] !== false && !(Array.isArray(raw[key]) && raw[key].length === 0)).map(([, flag]) => flag);
  if (ignored.length > 0) {
    throw new UsageError(`--suite: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply: each step's request is written in the suite file`, { hint: "write them in the suite file: a step's headers, method, json or body, auth, timeout, or the suite's defaults for every step; -k and --cacert do apply to the whole run" });
  }
  if (raw.pipelining !== '1') throw new UsageError('--pipelining is not available with --suite (each virtual user waits for each answer)');
  const { loadSuite } = await import('../../suite/load-suite.js');
  const { formatProblem } = await import('../../suite/locate-issue.js');
  const [{ parseSuiteVars }, { loadEnvFile, mergeEnv }, { staticUrlOf }] = await Promise.all([import('../parse/suite-vars.js'), import('../../suite/env-file.js'), import('../../suite/build-request.js')]);
  const { vars, secretVars } = parseSuiteVars(raw.var, raw.secret);
  const env = raw.envFile === undefined ? io.env : mergeEnv(await loadEnvFile(raw.envFile, io.cwd), io.env);
  const loaded = await loadSuite(raw.suite as string, resolve(io.cwd, raw.suite as string), { cliVars: vars, env, filter: null, schemaCache: new Map() });
  if (!loaded.ok) {
    printDiagnostic(io, `${loaded.problems.map(formatProblem).join('\n')}\n`);
    throw new UsageError(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in ${raw.suite}; no request was sent`);
  }
  const suite = loaded.suite;
  const { passOf, startSuiteLoad } = await import('../../load/run-suite-load.js');
  const pass = passOf(suite.steps);
  if (pass.length === 0) throw new UsageError(`--suite ${raw.suite}: no step to run under load (every step is skipped or has load.weight 0)`);
  const { stepRefusal } = await import('../../engine/load-transport.js');
  for (const step of new Set(pass)) {
    const refused = stepRefusal(step.request.method, step.request.headers.map(([name]) => name));
    if (refused !== null) throw new UsageError(`--suite ${raw.suite}: step "${step.name}": apitest load cannot send its request: ${refused}`, { hint: refusedHint(step.request.method) });
  }
  const reporters = await prepareReporters(raw.reporter, io);
  const errTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env }));
  const outTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env }));
  const { createSuiteLoadTransport } = await import('../../engine/load-transport.js');
  const { createRealTimers } = await import('../../load/run-load.js');
  const timers = createRealTimers();
  const { settleLoad } = await import('../../load/load-report.js');
  const { isLocalTarget } = await import('../../load/target-safety.js');
  // TLS settings of the run: -k and --cacert on the command line (a step's own tls: settings are not used under load).
  const ca = raw.cacert === undefined ? null : (await readFileArg(raw.cacert, io, '--cacert', MAX_CERT_FILE_BYTES)).toString('utf8');
  const transport = createSuiteLoadTransport({ connections: flags.connections, pipelining: 1, insecure: raw.insecure === true, ca });
  const durationMs = flags.requests !== undefined ? null : (flags.duration ?? DEFAULT_DURATION_MS);
  const warmupMs = flags.warmup ?? 0;
  // OAuth2 steps: the tokens they get join the suite's secrets (masked in any message).
  const tokenSecrets = createSecretRegistry(raw.showSecrets === true, [...secretVars, ...suite.secrets]);
  const oauth2 = pass.some((s) => s.request.auth !== null && typeof s.request.auth === 'object' && 'oauth2' in s.request.auth) ? await loadTokens(raw, io, errTheme, { current: () => tokenSecrets.redactor(), learn: (values) => tokenSecrets.add(values) }) : null;
  // The safety rule, once per origin. The origins a step names without a {{ variable }} are checked before the
  // run (nothing is sent when one is refused, and a question on the terminal comes before the progress line); an
  // origin known only once a step is built is checked before its first request (then the run stops there).
  const origins = new Map<string, Promise<void>>();
  const checkOrigin = (target: string): Promise<void> => {
    const origin = new URL(target).origin;
    let check = origins.get(origin);
    if (check === undefined) {
      check = (async () => {
        if (raw.yes === true || (await isLocalTarget(target))) return;
        await confirm(io, `${origin} (suite ${raw.suite}, ${flags.connections} virtual users)`, running ? `nothing was sent to ${origin}` : 'nothing was sent');
      })();
      origins.set(origin, check);
    }
    return check;
  };
  let running = false;
  for (const step of new Set(pass)) {
    const target = staticUrlOf(suite.baseUrl, step.request.url);
    if (target !== null) await checkOrigin(target);
  }
  running = true;
  const started = startSuiteLoad(
    { suite, users: flags.connections, durationMs, requests: flags.requests ?? null, warmupMs, rate, cliVars: vars, env },
    {
      send: (spec, keep, done) => transport.send(spec, keep, done),
      checkOrigin,
      timers,
      ...(oauth2 === null ? {} : { authorize: oauth2.authorize }),
      ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }),
    },
  );
  // Ctrl-C: the requests in flight are cut (each user is waiting for one).
  const onAbort = (): void => void transport.destroy();
  io.interrupt?.signal.addEventListener('abort', onAbort, { once: true });
  let stopProgress = (): void => undefined;
  let run;
  try {
    if (raw.progress && io.stderr.isTTY === true && (env.CI ?? '') === '') stopProgress = await startProgress(io, started, durationMs, warmupMs);
    run = await started.done;
  } catch (error) {
    for (const r of reporters) await r.target.discard();
    throw error;
  } finally {
    stopProgress();
    timers.close();
    oauth2?.close();
    io.interrupt?.signal.removeEventListener('abort', onAbort);
    await transport.destroy();
  }
  // Step names are the file's text: scrubbed of the suite's secrets (and tokens got) as every report is.
  const redactor = tokenSecrets.redactor();
  const masked = run.steps === undefined ? run : { ...run, steps: run.steps.map((t) => ({ ...t, name: redactor.text(t.name) })) };
  const report = settleLoad(masked, { url: `${raw.suite} (suite)`, connections: flags.connections, rate: rate === null ? null : (rate.count * 1000) / rate.perMs, warmupMs }, slos);
  return finishLoad(report, run.stoppedBy, raw, reporters, io, outTheme, errTheme, raw.suite as string);
}

async function prepareReporters(values: readonly string[], io: Io): Promise<Reporter[]> {
  const out: Reporter[] = [];
  for (const value of values) {
    const m = /^(junit|json):(.+)$/.exec(value);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new UsageError(`--reporter: expected junit:FILE or json:FILE, got ${JSON.stringify(value)}`, { hint: 'the table (or --json) goes to stdout; --reporter writes a file besides' });
    out.push({ kind: m[1] as Reporter['kind'], target: await prepareOutputTarget(m[2], io.cwd, '--reporter') });
  }
  return out;
}

/** A host that is not loopback or private: a yes on a terminal, or (no terminal, or CI) a usage error. */
async function confirm(io: Io, what: string, sent = 'nothing was sent'): Promise<void> {
  const refuse = new UsageError(`load ${what}: the host is not loopback or a private address`, { hint: `${sent}; add --yes if you mean to load it` });
  if ((io.env.CI ?? '') !== '' || io.stderr.isTTY !== true) throw refuse;
  const answer = await io.readPassword(`apitest: load ${what}? The host is not loopback or a private address. Type yes to go on: `);
  if (typeof answer !== 'string' || !/^y(es)?$/i.test(answer.trim())) throw refuse;
}

/**
 * apitest load's OAuth2 tokens: one token provider for the run (through the token cache unless
 * --no-token-cache), over its own got transport (the load engine is undici). `authorize` gives a request with
 * its access token put in as a bearer token: for one URL once before the run; for a suite's steps whenever one
 * needs it, so every virtual user shares one token per OAuth2 setting, renewed when it expires. A token that
 * cannot be got is thrown (the run stops with the token endpoint's error). Each token is learnt as a secret.
 */
async function loadTokens(
  raw: RawLoadOptions,
  io: Io,
  errTheme: ReturnType<typeof createTheme>,
  secrets: LearningRedactor,
): Promise<{ authorize(spec: RequestSpec): Promise<RequestSpec>; close(): void }> {
  const { createGotTransport } = await import('../../engine/transport.js');
  const { oauth2Tokens } = await import('../oauth2-tokens.js');
  const transport = createGotTransport();
  try {
    const { tokens } = await oauth2Tokens(io, { transport, clock: systemClock, cache: raw.tokenCache !== false, verbose: false, errTheme, redactor: secrets.current, learn: secrets.learn });
    return {
      async authorize(spec) {
        const auth = spec.auth.authorization;
        if (auth?.kind !== 'oauth2') return spec;
        const obtained = await tokens.get(auth.oauth2, tokenConnectionOf(spec));
        if (!obtained.ok) throw withLoadHint(obtained.error);
        return withAuthorization(spec, { kind: 'bearer', token: new Secret(obtained.token.accessToken) });
      },
      close: () => transport.close(),
    };
  } catch (error) {
    transport.close();
    throw error;
  }
}

/**
 * A token error as apitest load reports it: load has no -v, so a hint that points at -v points at
 * `apitest auth token -v` instead (same flags; it shows the token exchange). A copy: the error itself is shared.
 */
function withLoadHint<E>(error: E): E {
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint !== 'string' || !hint.includes('-v shows')) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as object, error) as E & { hint: string };
  copy.hint = hint.replace(/-v shows (the token exchange|what was sent)/, 'apitest auth token with the same --oauth2-* flags and -v shows the token exchange');
  return copy;
}

/** The live line on stderr, redrawn every second; returns how to clear it. */
async function startProgress(io: Io, started: { live: import('../../load/recorder.js').LoadRecorder; measureStart: number }, totalMs: number | null, warmupMs: number): Promise<() => void> {
  const { renderLoadProgress } = await import('../../render/load-report.js');
  const t0 = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const r = started.live;
    const line =
      now < started.measureStart
        ? `load: warming up ${formatDuration(Math.max(0, now - t0))}/${formatDuration(warmupMs)}`
        : renderLoadProgress({ elapsedMs: now - started.measureStart, totalMs, requests: r.total, failed: r.total - r.ok, p99Ms: r.latency.totalCount === 0 ? 0 : r.latency.getValueAtPercentile(99) / 1000 }, io.stderr.columns || 80);
    printDiagnostic(io, `\r\u001b[2K${line}`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    printDiagnostic(io, '\r\u001b[2K');
  };
}
