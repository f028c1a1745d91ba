import { authHeaderNames, authSecrets } from '../../auth/apply-auth.js';
import { executeRequest, type EngineDeps, type ExecutedExchange } from '../../engine/execute.js';
import { createGotTransport, type ResponseHead } from '../../engine/transport.js';
import type { SentRequest } from '../../engine/types.js';
import { ApitestError, ExpectationError, HttpStatusError, RateLimitError, UsageError, httpErrorFor } from '../../errors.js';
import type { CheckResult } from '../../expect/evaluate.js';
import type { ResponseData, Timings } from '../../engine/types.js';
import type { Io } from '../../io.js';
import type { PaginateOptions } from '../../paginate/walk-options.js';
import { createServerGate } from '../../ratelimit/server-gate.js';
import { createTokenBucket } from '../../ratelimit/token-bucket.js';
import { createRedactor, type Redactor } from '../../redact/redactor.js';
import { buildDocument, finalAttempt, roundTimings } from '../../render/build-document.js';
import { createTheme } from '../../render/theme.js';
import { renderReceivedHead, renderSentRequest } from '../../render/verbose.js';
import type { SingleRequestDocument } from '../../model/request-document.js';
import type { RequestSpec } from '../../model/request-spec.js';
import { parseRetryAfter } from '../../retry/retry-after.js';
import { systemClock } from '../../util/clock.js';
import { firstHeaderValue } from '../../util/header-map.js';
import { formatDuration } from '../../util/duration.js';
import { buildRequestSpec, type PreparedParts } from '../parse/request-input.js';
import { usageDocument } from '../usage-document.js';
import { wantsExpectations, type RawExpectOptions } from '../flags/expect-flags.js';
import { prepareOutputFile, type AtomicOutput } from '../../files/output-file.js';
import { decideOutputView, type OutputView } from '../parse/output-view.js';
import type { RawPaginateOptions } from '../flags/paginate-flags.js';
import { formatErrorLine } from '../../render/error-line.js';
import type { RawOutputOptions } from '../flags/output-flags.js';
import type { RawRequestOptions } from '../flags/request-flags.js';
import type { RawRetryOptions } from '../flags/retry-flags.js';
import { parseRetrySettings, type RetrySettings } from '../parse/retry-settings.js';
import { startSpinner, type Spinner } from '../../render/spinner.js';

export type RawSingleOptions = RawRequestOptions & RawOutputOptions & RawRetryOptions & Partial<RawPaginateOptions> & Partial<RawExpectOptions>;

/** Expectation checks, compiled before sending (loaded only when an --expect/--expect-status/--schema flag is used). */
interface ResponseChecks {
  check(response: ResponseData, timings: Timings): CheckResult[];
  checksStatus: boolean;
}

/** Everything validated before the first byte is sent. */
interface Plan {
  view: OutputView;
  spec: RequestSpec;
  retry: RetrySettings;
  output: AtomicOutput | null;
  paginate: PaginateOptions | null;
  expect: ResponseChecks | null;
  redactor: Redactor;
  authHint: string | null;
}

/** `apitest [options] <url>`: one request (with retries) or a paginated walk, reported as a table, JSON, NDJSON or the body. */
export async function runRequestCommand(raw: RawSingleOptions, io: Io, prepared: PreparedParts = {}): Promise<number> {
  const plan = await planRun(raw, io, prepared);
  const { view, spec, retry, redactor } = plan;
  const errTheme = createTheme(view.errColor);
  if (spec.insecure) io.stderr.write(errTheme.c.yellow('apitest: warning: -k/--insecure: TLS certificates are not verified\n'));

  const transport = createGotTransport();
  const spinner = view.spinner && view.format !== 'json' ? await startSpinner(`${spec.method} ${redactor.url(spec.url)}`, io) : null;
  const note = (line: string): void => {
    if (spinner) spinner.text(line);
    else io.stderr.write(errTheme.c.dim(`apitest: ${redactor.text(line)}\n`));
  };
  const deps: EngineDeps = {
    transport,
    clock: systemClock,
    random: Math.random,
    limiter: retry.rate ? createTokenBucket(retry.rate, retry.burst, systemClock) : null,
    gate:
      plan.paginate && retry.respectRateLimit
        ? createServerGate(systemClock, retry.policy.maxDelayMs, (w) => note(`rate limit reached: waiting ${formatDuration(w.waitMs)} before ${redactor.url(w.beforeUrl)}`))
        : null,
    ...(plan.output ? { openBodySink: () => (plan.output as AtomicOutput).open() } : {}),
    ...(view.verbose
      ? {
          onRequest: (sent: SentRequest) => io.stderr.write(renderSentRequest(sent, redactor, errTheme)),
          onResponse: (head: ResponseHead) => io.stderr.write(renderReceivedHead(head, redactor, errTheme)),
        }
      : {}),
    onRetry: ({ attempt, delayMs, decision, failure }) =>
      note(`attempt ${attempt} failed (${failure}); retrying in ${formatDuration(delayMs)}${decision.source === 'retry-after' ? ' as Retry-After asks' : ''}`),
  };
  try {
    return plan.paginate ? await runWalk(plan, plan.paginate, deps, io, spinner) : await runOne(plan, deps, io, spinner);
  } finally {
    spinner?.stop();
    transport.close();
  }
}

async function planRun(raw: RawSingleOptions, io: Io, prepared: PreparedParts): Promise<Plan> {
  const view = decideOutputView(raw, io);
  try {
    const spec = await buildRequestSpec(raw, io, prepared);
    const retry = parseRetrySettings(raw);
    const paginate = raw.paginate !== undefined || raw.ndjson === true ? (await import('../parse/paginate-settings.js')).parsePaginateOptions(withPaginateDefaults(raw)) : null;
    const expect = wantsExpectations(raw) ? await compileChecks(raw, io.cwd) : null;
    if (paginate && view.outputFile !== null) throw new UsageError('-o/--output cannot be used with --paginate', { hint: 'use --json or --ndjson and redirect stdout' });
    const output = view.outputFile === null ? null : await prepareOutputFile(view.outputFile, io.cwd);
    return { view, spec, retry, output, paginate, expect, redactor: redactorFor(spec, view.showSecrets, prepared.secrets), authHint: prepared.authHint ?? null };
  } catch (error) {
    if (error instanceof UsageError && view.format === 'json') io.stdout.write(`${JSON.stringify(usageDocument(raw.method, raw.url, error), null, 2)}\n`);
    throw error;
  }
}

async function runOne(plan: Plan, deps: EngineDeps, io: Io, spinner: Spinner | null): Promise<number> {
  const { view, redactor, output } = plan;
  const exchange = await executeRequest(plan.spec, plan.retry.policy, deps);
  spinner?.stop();
  const last = finalAttempt(exchange);
  if (output) {
    if (last.outcome.kind === 'response') await output.commit();
    else await output.discard();
  }
  const checks = plan.expect && last.outcome.kind === 'response' ? plan.expect.check(last.outcome.response, last.timings) : null;
  const error = decideError(exchange, plan, checks);
  const doc = buildDocument(exchange, { redactor, nowMs: io.now(), error, outputFile: output?.path ?? null });
  if (checks) doc.expectations = checks;
  await writeReport(doc, last.outcome.kind === 'response' ? last.outcome.response.body : null, view, redactor, io);
  return finish(error, redactor, view, io);
}

async function runWalk(plan: Plan, options: PaginateOptions, deps: EngineDeps, io: Io, spinner: Spinner | null): Promise<number> {
  const { view, redactor } = plan;
  const { runPaginated } = await import('../../paginate/run-paginated.js');
  const items: unknown[] = [];
  const checks: CheckResult[] = [];
  const ndjson = view.format !== 'body' && plan.view.ndjson;
  const started = io.now();
  const run = await runPaginated(plan.spec, options, plan.retry.policy, deps, {
    onItems: (pageItems) => {
      if (ndjson) io.stdout.write(redactor.text(pageItems.map((item) => `${JSON.stringify(item)}\n`).join('')));
      else items.push(...pageItems);
    },
    onPage: (page, index) => spinner?.text(`page ${index + 1}: ${page.items} items from ${redactor.url(page.url)}`),
    onExchange: (exchange) => {
      const last = finalAttempt(exchange);
      if (plan.expect && last.outcome.kind === 'response') checks.push(...plan.expect.check(last.outcome.response, last.timings));
    },
  });
  spinner?.stop();
  if (run.stopReason === 'loop') {
    io.stderr.write(createTheme(view.errColor).c.yellow(`apitest: warning: pagination loop: the next page after ${redactor.url(run.pages[run.pages.length - 1]?.url ?? '')} was seen before; stopped\n`));
  }
  const error = decideError(run.lastExchange, plan, plan.expect ? checks : null);
  const summary = `${run.pages.length} page${run.pages.length === 1 ? '' : 's'}, ${run.itemCount} item${run.itemCount === 1 ? '' : 's'} in ${formatDuration(io.now() - started)}; style ${run.style}${options.style === 'auto' ? ' (detected)' : ''}; stopped: ${run.stopReason}`;
  if (ndjson) {
    io.stderr.write(`apitest: ${summary}\n`);
    return finish(error, redactor, view, io);
  }
  const doc = buildDocument(run.lastExchange, { redactor, nowMs: io.now(), error, outputFile: null });
  if (plan.expect) doc.expectations = checks;
  doc.rateLimitWaits = deps.gate ? deps.gate.waits.map((w) => ({ beforeUrl: redactor.url(w.beforeUrl), waitMs: w.waitMs })) : [];
  doc.paginationStyle = run.style;
  doc.pages = run.pages.map((p) => ({ ...p, url: redactor.url(p.url), timings: roundTimings(p.timings) }));
  doc.items = items;
  doc.stopReason = run.stopReason;
  if (view.format === 'json') io.stdout.write(redactor.text(`${JSON.stringify(doc, null, 2)}\n`));
  else if (view.format === 'body') io.stdout.write(redactor.text(`${JSON.stringify(items, null, 2)}\n`));
  else {
    const { renderPagesReport } = await import('../../render/pages-report.js');
    io.stdout.write(redactor.text(renderPagesReport(doc, summary, { maxLines: view.maxBodyLines, columns: view.columns, placeholderTimings: view.placeholderTimings }, createTheme(view.color))));
  }
  return finish(error, redactor, view, io);
}

function withHint(error: HttpStatusError, hint: string): HttpStatusError {
  return new (error.constructor as typeof HttpStatusError)(error.status, error.message, { code: error.code, hint });
}

function finish(error: ApitestError | null, redactor: Redactor, view: OutputView, io: Io): number {
  if (!error) return 0;
  io.stderr.write(formatErrorLine(error, redactor, view.debug));
  return error.exitCode;
}

/**
 * The error that decides the exit code, in this order: a transport failure (3/4); a Retry-After longer
 * than --retry-max-delay (5); a failed expectation (1); a status >= 400 (5) unless --no-fail or a status expectation.
 */
function decideError(exchange: ExecutedExchange, plan: Plan, checks: CheckResult[] | null): ApitestError | null {
  const last = finalAttempt(exchange);
  if (last.outcome.kind === 'failure') return last.outcome.error;
  const { response } = last.outcome;
  const url = plan.redactor.url(last.request?.url ?? exchange.spec.url);
  if (exchange.retryAfterTooLong !== null) {
    return new RateLimitError(response.status, `${response.status} ${response.statusText} from ${url}: the server asks to wait ${exchange.retryAfterTooLong}s (Retry-After), longer than --retry-max-delay ${formatDuration(plan.retry.policy.maxDelayMs)}`, {
      code: 'RETRY_AFTER_TOO_LONG',
      hint: 'try again later, or raise --retry-max-delay to wait that long',
    });
  }
  const failed = checks?.filter((c) => !c.ok) ?? [];
  if (failed.length > 0) {
    const first = failed[0];
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    return new ExpectationError(`expectation failed: ${first?.message ?? first?.expression ?? ''}${more}`, { code: 'EXPECTATION_FAILED' });
  }
  if (response.status >= 400 && plan.view.fail && !plan.expect?.checksStatus) {
    const error = httpErrorFor(response.status, response.statusText, url, parseRetryAfter(firstHeaderValue(response.headers, 'retry-after'), Date.now()));
    if ((response.status === 401 || response.status === 403) && plan.authHint !== null) return withHint(error, plan.authHint);
    return error;
  }
  return null;
}

async function writeReport(doc: SingleRequestDocument, body: Uint8Array | null, view: OutputView, redactor: Redactor, io: Io): Promise<void> {
  switch (view.format) {
    case 'json':
      io.stdout.write(redactor.text(`${JSON.stringify(doc, null, 2)}\n`));
      return;
    case 'body': {
      if (body === null) return;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
      io.stdout.write(!text.includes('\uFFFD') && redactor.enabled ? redactor.text(text) : body);
      return;
    }
    case 'table': {
      const { renderTableReport } = await import('../../render/table-report.js');
      const theme = createTheme(view.color);
      io.stdout.write(redactor.text(renderTableReport(doc, { maxLines: view.maxBodyLines, columns: view.columns, placeholderTimings: view.placeholderTimings }, theme)));
      return;
    }
  }
}

export function redactorFor(spec: RequestSpec, show: boolean, extraSecrets: readonly string[] = []): Redactor {
  return createRedactor({
    show,
    secrets: [...authSecrets(spec.auth), ...extraSecrets],
    headers: authHeaderNames(spec.auth),
    queryParams: spec.auth.kind === 'api-key' && spec.auth.query !== null ? [spec.auth.query] : [],
  });
}

async function compileChecks(raw: Partial<RawExpectOptions>, cwd: string): Promise<ResponseChecks | null> {
  const { checkResponse, planExpectations, responseFacts } = await import('../parse/expect-plan.js');
  const plan = await planExpectations(
    { expect: raw.expect ?? [], ...(raw.expectStatus === undefined ? {} : { expectStatus: raw.expectStatus }), ...(raw.schema === undefined ? {} : { schema: raw.schema }) },
    cwd,
  );
  if (plan === null) return null;
  return { check: (response, timings) => checkResponse(plan, responseFacts(response, timings)), checksStatus: plan.checksStatus };
}

function withPaginateDefaults(raw: RawSingleOptions): RawPaginateOptions {
  return {
    pageParam: 'page',
    startPage: '1',
    pageSizeParam: 'per_page',
    offsetParam: 'offset',
    limitParam: 'limit',
    cursorParam: 'cursor',
    maxPages: '100',
    ...raw,
  };
}
