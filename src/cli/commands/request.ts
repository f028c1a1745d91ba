/**
 * `apitest [options] <url>`: one request (with retries) or a paginated walk. This command only chooses the
 * checks, runs the engine, settles the result (result/settle.ts) and picks a view: the table, the `--json`
 * document, NDJSON items or the body. The error line is printed by main.
 */
import { Writable } from 'node:stream';
import { authHeaderNames, authSecrets } from '../../auth/apply-auth.js';
import { executeRequest, type EngineDeps } from '../../engine/execute.js';
import { createGotTransport, type ResponseHead } from '../../engine/transport.js';
import type { SentRequest } from '../../engine/types.js';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { RequestSpec } from '../../model/request-spec.js';
import type { PaginateOptions } from '../../paginate/walk-options.js';
import { createServerGate } from '../../ratelimit/server-gate.js';
import { createTokenBucket } from '../../ratelimit/token-bucket.js';
import { mayRetryMethod } from '../../retry/decide-retry.js';
import { createRedactor, type Redactor } from '../../redact/redactor.js';
import { printData, printDiagnostic, printReport } from '../../render/output.js';
import type { Spinner } from '../../render/spinner.js';
import { createTheme } from '../../render/theme.js';
import { renderReceivedHead, renderSentRequest } from '../../render/verbose.js';
import type { ExchangeRecord } from '../../result/record.js';
import { requestDocument, usageDocument } from '../../result/request-document.js';
import { NO_CHECKS, settleExchange, settleWalk, type CheckPlan, type SettleContext } from '../../result/settle.js';
import { runClock } from '../run-clock.js';
import { formatDuration } from '../../util/duration.js';
import { firstHeaderValue } from '../../util/header-map.js';
import { prepareOutputTarget, writeOutputFile, type OutputTarget } from '../../files/output-target.js';
import { VERSION } from '../version.js';
import { failedWith, OK, type CommandResult } from '../command-result.js';
import { wantsExpectations, type RawExpectOptions } from '../flags/expect-flags.js';
import type { RawOutputOptions } from '../flags/output-flags.js';
import type { RawPaginateOptions } from '../flags/paginate-flags.js';
import type { RawRequestOptions } from '../flags/request-flags.js';
import type { RawRetryOptions } from '../flags/retry-flags.js';
import type { RawOAuth2Options } from '../flags/oauth2-flags.js';
import type { RawCacheOptions } from '../flags/cache-flags.js';
import { parseCacheSettings, type CacheSettings } from '../parse/cache-settings.js';
import { decideOutputView, type OutputView } from '../parse/output-view.js';
import { buildRequestSpec, type PreparedParts } from '../parse/request-input.js';
import { parseRetrySettings, type RetrySettings } from '../parse/retry-settings.js';
import { planCookies, type CookiePlan } from '../parse/cookie-flags.js';
import { clientCertificateSecrets } from '../../engine/client-certificate.js';
import { proxySecrets } from '../../engine/proxy-settings.js';

export type RawSingleOptions = RawRequestOptions & RawOutputOptions & RawRetryOptions & Partial<RawPaginateOptions> & Partial<RawExpectOptions> & RawOAuth2Options & RawCacheOptions;

/** Everything validated before the first byte is sent. */
interface Plan {
  view: OutputView;
  spec: RequestSpec;
  retry: RetrySettings;
  output: OutputTarget | null;
  /** `--har FILE`, checked before anything is sent. */
  har: OutputTarget | null;
  paginate: PaginateOptions | null;
  checks: CheckPlan;
  /** Replaced when a new secret becomes known during the run (an OAuth2 access token). */
  redactor: Redactor;
  authHint: string | null;
  /** `-b`/`-c`: the run's cookie jar and where it is written. */
  cookies: CookiePlan;
  /** `--cache`, `--offline`: the HTTP cache settings; null without. */
  cache: CacheSettings | null;
}

export async function runRequestCommand(raw: RawSingleOptions, io: Io, prepared: PreparedParts = {}): Promise<CommandResult> {
  const plan = await planRun(raw, io, prepared);
  const { view, spec, retry, redactor } = plan;
  const errTheme = createTheme(view.errColor);
  if (raw.printCurl === true) {
    const { curlCommand } = await import('../../render/curl-command.js');
    const line = `${redactor.text(curlCommand(spec, { showSecrets: view.showSecrets, caFile: raw.cacert ?? null }))}\n`;
    if (raw.dryRun === true) printReport(io, line);
    else printDiagnostic(io, line);
  }
  if (raw.dryRun === true) {
    await plan.output?.discard();
    await plan.har?.discard();
    await plan.cookies.jarTarget?.discard();
    if (raw.printCurl !== true) printDiagnostic(io, `apitest: note: --dry-run: the request is valid; nothing was sent (${spec.method} ${redactor.url(spec.url)})\n`);
    return OK;
  }
  if (spec.insecure) printDiagnostic(io, errTheme.c.yellow('apitest: warning: -k/--insecure: TLS certificates are not verified\n'));
  if (retry.policy.limit > 0 && !mayRetryMethod(spec, retry.policy)) {
    printDiagnostic(io, errTheme.c.yellow(`apitest: warning: --retry: a ${spec.method} is not retried (it is not idempotent); add an Idempotency-Key header, or --retry-all-methods, to allow it\n`));
  }

  const transport = createGotTransport();
  const clock = runClock(io);
  const spinner = view.spinner && view.format !== 'json' ? await (await import('../../render/spinner.js')).startSpinner(`${spec.method} ${redactor.url(spec.url)}`, io) : null;
  const note = (line: string): void => {
    if (spinner) spinner.text(line);
    else printDiagnostic(io, errTheme.c.dim(`apitest: ${plan.redactor.text(line)}\n`));
  };
  const deps: EngineDeps = {
    transport,
    clock,
    ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }),
    random: Math.random,
    limiter: retry.rate ? createTokenBucket(retry.rate, retry.burst, clock) : null,
    gate:
      plan.paginate && retry.respectRateLimit
        ? createServerGate(clock, retry.policy.maxDelayMs, (w) => note(`rate limit reached: waiting ${formatDuration(w.waitMs)} before ${plan.redactor.url(w.beforeUrl)}`))
        : null,
    ...bodySink(plan, io),
    keepStreamedBody: plan.checks.expect !== null,
    ...(plan.cookies.jar === null ? {} : { cookies: plan.cookies.jar }),
    ...(view.verbose
      ? {
          onRequest: (sent: SentRequest) => printDiagnostic(io, renderSentRequest(sent, plan.redactor, errTheme)),
          onResponse: (head: ResponseHead) => printDiagnostic(io, renderReceivedHead(head, plan.redactor, errTheme)),
        }
      : {}),
    onRetry: ({ attempt, delayMs, decision, failure }) =>
      note(`attempt ${attempt} failed (${failure}); retrying in ${formatDuration(delayMs)}${decision.source === 'retry-after' ? ' as Retry-After asks' : ''}`),
  };
  if (spec.auth.authorization?.kind === 'oauth2') {
    // The token provider (and its cache) are loaded only for an OAuth2 request. Each token is a secret from
    // the moment it arrives: the run's redactor is rebuilt to know it.
    const secrets = learningRedactor(spec, view.showSecrets, [...(prepared.secrets ?? []), ...plan.cookies.secrets]);
    const { oauth2Tokens } = await import('../oauth2-tokens.js');
    const { tokens } = await oauth2Tokens(io, {
      transport,
      clock,
      cache: raw.tokenCache !== false,
      verbose: view.verbose,
      errTheme,
      redactor: () => plan.redactor,
      learn: (values) => {
        secrets.learn(values);
        plan.redactor = secrets.current();
      },
    });
    deps.tokens = tokens;
    deps.onTokenRefused = (source) => note(`the API answered 401 to the ${source === 'cache' ? 'cached' : 'current'} access token: getting a new one and trying once more`);
  }
  if (plan.cache !== null) deps.httpCache = await openCacheRun(plan.cache, io);
  const har = plan.har === null ? null : await harSink(plan.har, deps, `${spec.method} ${plan.redactor.url(spec.url)}`, io);
  try {
    const record = plan.paginate ? await runWalk(plan, plan.paginate, deps, io, spinner) : await runOne(plan, deps, io, spinner);
    await har?.write(plan.redactor);
    // -c: the jar is written whether the request succeeded or not (as curl does).
    if (plan.cookies.jar !== null && plan.cookies.jarTarget !== null) {
      const { formatNetscapeCookies } = await import('../../engine/netscape-cookies.js');
      await writeOutputFile(plan.cookies.jarTarget, formatNetscapeCookies(await plan.cookies.jar.cookies()));
    }
    return record.failure === null ? OK : failedWith(record.failure);
  } finally {
    spinner?.stop();
    transport.close();
    await har?.discard();
  }
}

/** What to check when the API answers 401 or 403 to an OAuth2 access token (a 401 already got one new token). */
const OAUTH2_AUTH_HINT = 'the API refused the OAuth2 access token: check the scope (--oauth2-scope) and audience (--oauth2-audience) it needs';

async function planRun(raw: RawSingleOptions, io: Io, prepared: PreparedParts): Promise<Plan> {
  const view = decideOutputView(raw, io);
  try {
    const built = await buildRequestSpec(raw, io, prepared);
    const cache = parseCacheSettings(raw, built.method.toUpperCase());
    const spec = raw.cacheRevalidate === true && cache === null ? withNoCacheHeader(built) : built;
    const retry = parseRetrySettings(raw);
    const paginate = raw.paginate !== undefined || raw.ndjson === true ? (await import('../parse/paginate-settings.js')).parsePaginateOptions(raw) : null;
    const checks = await planChecks(raw, view, io.cwd);
    if (paginate && view.outputFile !== null) throw new UsageError('-o/--output cannot be used with --paginate', { hint: 'use --json or --ndjson and redirect stdout' });
    const output = view.outputFile === null ? null : await prepareOutputTarget(view.outputFile, io.cwd, '-o/--output');
    const har = raw.har === undefined ? null : await prepareOutputTarget(raw.har, io.cwd, '--har');
    const authHint = prepared.authHint ?? (spec.auth.authorization?.kind === 'oauth2' ? OAUTH2_AUTH_HINT : null);
    const warn = (line: string): void => printDiagnostic(io, createTheme(view.errColor).c.yellow(`apitest: warning: ${line}\n`));
    const cookies = await planCookies(raw, io, warn);
    const redactor = redactorFor(spec, view.showSecrets, [...(prepared.secrets ?? []), ...cookies.secrets]);
    return { view, spec, retry, output, har, paginate, checks, redactor, authHint, cookies, cache };
  } catch (error) {
    // Nothing was sent: a bad input, or the password prompt given up with Ctrl-C.
    if ((error instanceof UsageError || error instanceof InterruptedError) && view.format === 'json') {
      printReport(io, `${JSON.stringify(usageDocument(raw.method, raw.url, error), null, 2)}\n`);
    }
    throw error;
  }
}

/** `--no-cache` without a cache: the request says `Cache-Control: no-cache` (unless a Cache-Control header is given). */
function withNoCacheHeader(spec: RequestSpec): RequestSpec {
  if (spec.headers.some(([n]) => n.toLowerCase() === 'cache-control')) return spec;
  return { ...spec, headers: [...spec.headers, ['Cache-Control', 'no-cache']] };
}

/** Opens the HTTP cache's store (loaded only with --cache/--offline); a directory that is not safe to use is a usage error. */
export async function openCacheRun(settings: CacheSettings, io: Io): Promise<NonNullable<EngineDeps['httpCache']>> {
  const { httpCacheDir, openHttpCache, HttpCacheError } = await import('../../files/http-cache-store.js');
  const dir = httpCacheDir(io.env, settings.dir, io.cwd);
  try {
    const store = await openHttpCache(dir);
    return { store, mode: settings.mode, ttlSeconds: settings.ttlSeconds, now: () => Date.now() };
  } catch (error) {
    if (error instanceof HttpCacheError) throw new UsageError(`--cache: ${error.message}`, { hint: 'give another directory with --cache DIR' });
    throw new UsageError(`--cache: cannot use ${dir}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'give another directory with --cache DIR' });
  }
}

function settleContext(plan: Plan, io: Io): SettleContext {
  return {
    checks: plan.checks,
    redactor: () => plan.redactor,
    nowMs: io.now(),
    keepBody: true,
    outputFile: plan.output?.path ?? null,
    retry: { policy: plan.retry.policy, maxDelaySetting: '--retry-max-delay' },
    authHint: plan.authHint,
  };
}

async function runOne(plan: Plan, deps: EngineDeps, io: Io, spinner: Spinner | null): Promise<ExchangeRecord> {
  const { view, output } = plan;
  const exchange = await executeRequest(plan.spec, plan.retry.policy, deps);
  spinner?.stop();
  const last = exchange.attempts[exchange.attempts.length - 1];
  const response = last?.outcome.kind === 'response' ? last.outcome.response : null;
  if (output) {
    if (response !== null) await output.commit();
    else await output.discard();
  }
  const record = settleExchange(exchange, settleContext(plan, io));
  // -v shows what went on the wire: say so when nothing did.
  if (view.verbose && (record.cache?.status === 'HIT' || record.cache?.status === 'STALE')) {
    printDiagnostic(io, createTheme(view.errColor).c.dim(`apitest: answered from the HTTP cache (${record.cache.status}): nothing was sent\n`));
  }
  switch (view.format) {
    case 'json':
      printReport(io, `${JSON.stringify(requestDocument(record), null, 2)}\n`);
      break;
    case 'body':
      // The data channel: the body was streamed to stdout as it arrived (bodySink), exactly as received.
      break;
    case 'table': {
      const { renderTableReport } = await import('../../render/table-report.js');
      printReport(io, renderTableReport(requestDocument(record), { maxLines: view.maxBodyLines, columns: view.columns, placeholderTimings: view.placeholderTimings }, createTheme(view.color)));
      break;
    }
  }
  return record;
}

async function runWalk(plan: Plan, options: PaginateOptions, deps: EngineDeps, io: Io, spinner: Spinner | null): Promise<ExchangeRecord> {
  const { view } = plan;
  const { runPaginated } = await import('../../paginate/run-paginated.js');
  const ndjson = view.format !== 'body' && plan.view.ndjson;
  // Items are kept for the report, and for expectations, which read the walk as all its items.
  const keepItems = !ndjson || plan.checks.expect !== null;
  const items: unknown[] = [];
  const run = await runPaginated(plan.spec, options, plan.retry.policy, deps, {
    onItems: (pageItems) => {
      if (ndjson) printData(io, pageItems.map((item) => `${JSON.stringify(item)}\n`).join(''));
      if (keepItems) for (const item of pageItems) items.push(item);
    },
    onPage: (page, index) => spinner?.text(`page ${index + 1}: ${page.items} items from ${plan.redactor.url(page.url)}`),
  });
  spinner?.stop();
  if (run.stopReason === 'loop') {
    printDiagnostic(io, createTheme(view.errColor).c.yellow(`apitest: warning: pagination loop: the next page after ${plan.redactor.url(run.pages[run.pages.length - 1]?.url ?? '')} was seen before; stopped\n`));
  }
  const record = settleWalk({ run, items: keepItems ? items : null, waits: deps.gate?.waits ?? [] }, settleContext(plan, io));
  const summary = walkSummary(record, options.style === 'auto');
  const warn = (text: string): void => printDiagnostic(io, createTheme(view.errColor).c.yellow(`apitest: warning: ${text}\n`));
  if (run.stopReason === 'undetected') {
    warn(
      `--paginate stopped after ${run.pages.length} page${run.pages.length === 1 ? '' : 's'}: the body says more pages exist (has_more: true, or a next field), but auto found no next link or cursor; ` +
        'name the style: --paginate page (page numbers), --paginate offset, or --paginate cursor --cursor-path <jsonpath>',
    );
  } else if (run.itemCount === 0 && run.stopReason !== 'error' && record.response?.body?.kind !== 'json') {
    warn(`--paginate found no items: the first page is not JSON (${firstHeaderValue(record.response?.headers ?? {}, 'content-type') ?? 'no Content-Type'}); it walks JSON collections`);
  }
  if (ndjson) {
    printDiagnostic(io, `apitest: ${summary}\n`);
    return record;
  }
  const doc = requestDocument(record);
  if (view.format === 'json') printReport(io, `${JSON.stringify(doc, null, 2)}\n`);
  else if (view.format === 'body') printData(io, `${JSON.stringify(items, null, 2)}\n`);
  else {
    const { renderPagesReport } = await import('../../render/pages-report.js');
    printReport(io, renderPagesReport(doc, summary, { maxLines: view.maxBodyLines, columns: view.columns, placeholderTimings: view.placeholderTimings }, createTheme(view.color)));
  }
  return record;
}

/**
 * Where the final response's body streams as it arrives: the -o target, or stdout for --format body (the data
 * channel, never masked). A binary body bound for a terminal is not written there (as curl and HTTPie refuse
 * to): a note says how to get it.
 */
function bodySink(plan: Plan, io: Io): Pick<EngineDeps, 'openBodySink'> {
  if (plan.output !== null) {
    const output = plan.output;
    // A retry starts the temporary file over: nothing written to it is out of reach.
    return { openBodySink: () => ({ stream: output.open(), delivered: () => 0 }) };
  }
  if (plan.view.format !== 'body' || plan.paginate !== null) return {};
  return {
    openBodySink: () => {
      let verdict: 'write' | 'refuse' | null = null;
      let refused = 0;
      // Bytes on stdout cannot be taken back: a body cut off after some is not retried (decideRetry).
      let written = 0;
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          verdict ??= io.stdout.isTTY === true && looksBinary(chunk) ? 'refuse' : 'write';
          if (verdict === 'write') {
            printData(io, chunk);
            written += chunk.length;
          } else refused += chunk.length;
          done();
        },
        final(done) {
          if (verdict === 'refuse') {
            printDiagnostic(io, `apitest: note: a binary body (${refused} bytes) is not written to the terminal; save it with -o FILE, or redirect stdout (| xxd)\n`);
          }
          done();
        },
      });
      return { stream, delivered: () => written };
    },
  };
}

/** A NUL byte, or bytes that are not UTF-8, in the first chunk: binary (curl looks for NUL too). */
function looksBinary(chunk: Buffer): boolean {
  if (chunk.includes(0)) return true;
  try {
    // stream: a character cut at the end of the chunk is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, 4096), { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** `3 pages, 12 items in 1.2s; style link (detected); stopped: last-page` */
function walkSummary(record: ExchangeRecord, detected: boolean): string {
  const walk = record.pagination;
  if (walk === null) return '';
  const pages = walk.pages.length;
  return `${pages} page${pages === 1 ? '' : 's'}, ${walk.itemCount} item${walk.itemCount === 1 ? '' : 's'} in ${formatDuration(walk.elapsedMs)}; style ${walk.style}${detected ? ' (detected)' : ''}; stopped: ${walk.stopReason}`;
}

export function redactorFor(spec: RequestSpec, show: boolean, extraSecrets: readonly string[] = []): Redactor {
  return createRedactor({
    show,
    secrets: [...authSecrets(spec.auth), ...proxySecrets(spec.proxy), ...clientCertificateSecrets(spec.clientCert), ...extraSecrets],
    headers: authHeaderNames(spec.auth),
    queryParams: spec.auth.apiKey?.query ? [spec.auth.apiKey.query] : [],
  });
}

/**
 * A command's redactor that learns secrets as they arrive (OAuth2 tokens): `current()` masks the spec's
 * credentials, `known` and every value learned so far; it is rebuilt only when a new value comes.
 */
export interface LearningRedactor {
  readonly current: () => Redactor;
  readonly learn: (values: readonly string[]) => void;
}

export function learningRedactor(spec: RequestSpec, show: boolean, known: readonly string[] = []): LearningRedactor {
  const secrets = [...known];
  let current = redactorFor(spec, show, secrets);
  return {
    current: () => current,
    learn: (values) => {
      const fresh = values.filter((v) => v !== '' && !secrets.includes(v));
      if (fresh.length === 0) return;
      secrets.push(...fresh);
      current = redactorFor(spec, show, secrets);
    },
  };
}

/**
 * The checks of a single request: the status rule (a status >= 400 fails, unless --no-fail or an expectation
 * checks the status), and the --expect/--expect-status/--schema flags, compiled now (expectation code is
 * loaded only when a flag is used).
 */
async function planChecks(raw: Partial<RawExpectOptions>, view: OutputView, cwd: string): Promise<CheckPlan> {
  if (!wantsExpectations(raw)) return view.fail ? NO_CHECKS : { statusRule: false, reportsExpectations: false, captures: [], expect: null };
  const { expectationsOf, planExpectations } = await import('../parse/expect-plan.js');
  const plan = await planExpectations({ expect: raw.expect ?? [], ...(raw.expectStatus === undefined ? {} : { expectStatus: raw.expectStatus }), ...(raw.schema === undefined ? {} : { schema: raw.schema }) }, cwd);
  return {
    statusRule: view.fail && !plan.checksStatus,
    reportsExpectations: true,
    captures: [],
    expect: expectationsOf(plan),
  };
}

/** `--har FILE`: records every hop of the run through the engine's hook, and writes the log at the end. */
async function harSink(target: OutputTarget, deps: EngineDeps, title: string, io: Io): Promise<{ write: (redactor: Redactor) => Promise<void>; discard: () => Promise<void> }> {
  const { createHarRecorder, harLog } = await import('../../render/har.js');
  const recorder = createHarRecorder();
  const pageref = recorder.page(title, io.now());
  deps.onHop = (startedAt, result) => recorder.add(pageref, startedAt, result);
  let written = false;
  return {
    write: async (redactor) => {
      written = true;
      await writeOutputFile(target, `${JSON.stringify(harLog(recorder, redactor, VERSION), null, 2)}\n`);
    },
    discard: async () => {
      if (!written) await target.discard();
    },
  };
}
