/**
 * `apitest batch [url] --input FILE`: one request per row. Order: options → input checked, templates compiled,
 * the base request validated with the flags of a single request (auth, timeouts, TLS…), selection (--rows,
 * --only-failed), journal (--resume), results target — all before anything is sent (a problem: exit 2) → one
 * transport, one token bucket (--rate), one batch gate, one concurrency window for the run → rows
 * (batch/run-batch.ts) → the resumed rows' results copied from the journal → results committed → summary on stderr
 * → exit 0 (every row ok), 1 (a row failed), 2 (--strict: an invalid row), 130/143 (interrupted).
 */
import { MAX_SETTINGS_FILE_BYTES, readWholeFile } from '../../files/read-bounded.js';
import { unreadableReason } from '../../util/unreadable-reason.js';
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { createGotTransport, type Transport } from '../../engine/transport.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { RequestSpec } from '../../model/request-spec.js';
import { createTokenBucket } from '../../ratelimit/token-bucket.js';
import { printDiagnostic } from '../../render/output.js';
import { lineWriter, stdoutLineWriter } from '../../render/batch-lines.js';
import { renderBatchSummary } from '../../render/batch-summary.js';
import { createTheme, colorLevel } from '../../render/theme.js';
import { NO_CHECKS, type CheckPlan } from '../../result/settle.js';
import { interruptibleClock, systemClock } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { prepareOutputTarget, type OutputTarget } from '../../files/output-target.js';
import { createBatchGate } from '../../batch/batch-gate.js';
import { createConcurrencyWindow } from '../../batch/concurrency-window.js';
import { fingerprintOf } from '../../batch/fingerprint.js';
import { JOURNAL_KIND, JOURNAL_VERSION, journalResults, openJournal, readJournal, type JournalHeader, type JournalState, type JournalWriter } from '../../batch/journal.js';
import { openInput } from '../../batch/open-input.js';
import { readFailedRows } from '../../batch/only-failed.js';
import { BadInputError } from '../../batch/read-json-array.js';
import type { InputFormat, Row } from '../../batch/row.js';
import { parseRowSelection } from '../../batch/row-selection.js';
import { compileJsonTemplate, compileTemplate, referencesOf, type CompiledTemplate } from '../../batch/row-template.js';
import type { BodyTemplate, KeyRule, RequestTemplates } from '../../batch/row-request.js';
import { runBatch, type BatchOutcome } from '../../batch/run-batch.js';
import { exitWith, type CommandResult } from '../command-result.js';
import type { RawBatchOptions } from '../flags/batch-flags.js';
import { wantsExpectations } from '../flags/expect-flags.js';
import { integerFlag, parseFlags } from '../parse/flag-schemas.js';
import { buildRequestSpec } from '../parse/request-input.js';
import { parseRetrySettings } from '../parse/retry-settings.js';
import { normaliseUrl } from '../parse/url-argument.js';
import { parseCacheSettings } from '../parse/cache-settings.js';
import { openCacheRun, redactorFor } from './request.js';

const FlagsSchema = z.object({
  concurrency: integerFlag('-c/--concurrency', 1, 256),
  batchSize: z.optional(integerFlag('--batch-size', 1, 100_000)),
});

/** Invalid rows named one by one on stderr (the rest are in the results and the summary). */
const MAX_INVALID_NOTES = 20;
/** Methods that send no body unless --body-template gives one. */
const NO_BODY_METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'];
/** A URL given to validate the flags with, when the real one is a template. */
const PLACEHOLDER_URL = 'http://batch.invalid/';
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export async function runBatchCommand(urlArg: string | undefined, raw: RawBatchOptions, io: Io): Promise<CommandResult> {
  // ---- 1. everything checked before anything is sent
  if (raw.input === undefined) throw new UsageError('batch: --input is required', { hint: 'give the rows: --input rows.ndjson (NDJSON, a JSON array or CSV), or --input - for standard input' });
  if (urlArg !== undefined && raw.url !== undefined) throw new UsageError('the URL is given twice (argument and --url)', { hint: 'give it once' });
  const flags = parseFlags(FlagsSchema, { concurrency: raw.concurrency, batchSize: raw.batchSize });
  if (raw.batchWrap !== undefined && flags.batchSize === undefined) throw new UsageError('--batch-wrap needs --batch-size', { hint: 'add --batch-size N' });
  if (raw.batchWrap === '') throw new UsageError('--batch-wrap: the key is empty');
  if (raw.printCurl === true && raw.dryRun !== true) throw new UsageError('--print-curl needs --dry-run in apitest batch', { hint: 'add --dry-run to print every request as a curl line without sending it' });
  if (raw.idempotencyKeyTemplate !== undefined && !raw.idempotencyKey) throw new UsageError('--idempotency-key-template and --no-idempotency-key contradict each other', { hint: 'give one of them' });
  const env = io.env;
  const retry = parseRetrySettings(raw);
  const templates = await compileTemplates(urlArg ?? raw.url, raw, flags.batchSize ?? null, io);
  checkEnvReferences(templates.all, env);
  // --cache, --cache-ttl, --offline, --no-cache: checked as for a single request (--offline: GET only).
  const cacheSettings = parseCacheSettings(raw, templates.request.method ?? 'POST');
  const selection = raw.rows === undefined ? null : parseRowSelection(raw.rows);
  const onlyFailed = raw.onlyFailed === undefined ? null : await readFailedRows(resolve(io.cwd, raw.onlyFailed), raw.onlyFailed);
  const checks = await planChecks(raw, io.cwd);
  const input = await openInput(raw.input, (raw.inputFormat ?? null) as InputFormat | null, io.cwd, () => {
    if (io.openStdin === undefined) throw new UsageError('--input -: standard input cannot be read here');
    return io.openStdin();
  });
  const dryRun = raw.dryRun === true;
  // One store for the run, shared by every row (opened only with --cache/--offline; not with --dry-run).
  const httpCache = cacheSettings === null || dryRun ? null : await openCacheRun(cacheSettings, io);

  // `--results -` is stdout, as curl's `-o -`.
  if (raw.results === '-') delete raw.results;
  const results = raw.results === undefined || dryRun ? null : await prepareOutputTarget(raw.results, io.cwd, '--results');
  const journalPath = dryRun ? null : raw.journal !== undefined ? resolve(io.cwd, raw.journal) : results !== null && results.mode === 'atomic' ? `${resolve(io.cwd, raw.results as string)}.journal` : null;
  const journalShown = raw.journal ?? (raw.results === undefined ? '' : `${raw.results}.journal`);
  const fingerprint = fingerprintOf(templates.request, templates.bodySource);
  let state: JournalState | null = null;
  try {
    if (raw.resume === true && journalPath === null) {
      throw new UsageError('--resume needs a journal', { hint: 'give the --results file (its journal is beside it) or --journal of the run to resume' });
    }
    if (journalPath !== null) {
      state = await readJournal(journalPath, journalShown);
      if (state !== null && raw.resume !== true && state.entries > 0) {
        throw new UsageError(`the journal ${JSON.stringify(journalShown)} already exists`, { hint: 'add --resume to continue that run, or remove the journal (and its results) to start again' });
      }
      // A journal that records no row (a run stopped before its first row finished) is started again.
      if (state !== null && state.entries === 0) state = null;
      if (state?.header && state.header.fingerprint !== fingerprint) {
        throw new UsageError(`--resume: the journal ${JSON.stringify(journalShown)} was written for other requests (the method, URL, header or body templates, --batch-size or the Idempotency-Key rule differ)`, {
          hint: 'resume with the same request options, or start a new journal',
        });
      }
      if (raw.resume === true && state === null) printDiagnostic(io, `apitest: note: --resume: no journal at ${JSON.stringify(journalShown)} yet; starting from the first row\n`);
      if (state?.cutOff === true) printDiagnostic(io, 'apitest: note: --resume: the journal\'s last line was cut off (the run was killed while writing it); that row is sent again\n');
    }
  } catch (error) {
    await results?.discard();
    throw error;
  }

  // ---- 2. the run
  const errTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env }));
  const redactor = redactorFor(templates.request.base, raw.showSecrets === true);
  const drain = io.interrupt?.signal ?? new AbortController().signal;
  const abortController = new AbortController();
  io.interrupt?.onSecond?.(() => {
    printDiagnostic(io, '\napitest: stopping the requests in flight (they are not recorded; --resume sends them again)\n');
    abortController.abort();
  });
  const runClockCut = interruptibleClock(abortController.signal);
  const transport = dryRun ? null : createGotTransport();
  const gate = createBatchGate(systemClock, retry.policy.maxDelayMs, retry.respectRateLimit);
  const window = createConcurrencyWindow(flags.concurrency, systemClock.now);
  let journal: JournalWriter | null = null;
  const resultsStream = results?.open() ?? null;
  const write = resultsStream === null ? stdoutLineWriter(io) : lineWriter(resultsStream);
  const emit = dryRun ? async () => undefined : (line: string) => write(`${line}\n`);
  const progressShown = raw.progress && io.stderr.isTTY === true && (env.CI ?? '') === '' && !dryRun;
  const progress = progressShown ? (await import('../../render/batch-progress.js')).startBatchProgress(io, systemClock.now) : null;
  const counting = new AbortController();
  if (progress !== null && input.path !== null) {
    void (await import('../../batch/count-rows.js')).countRows(input.path, input.format, counting.signal).then((total) => progress.setTotal(total));
  }
  let lastPauseNote = 0;
  let invalidNotes = 0;
  const note = (text: string): void => {
    printDiagnostic(io, `${progress === null ? '' : '\r\u001b[2K'}${errTheme.c.dim(`apitest: ${redactor.text(text)}`)}\n`);
  };
  let outcome: BatchOutcome;
  try {
    if (journalPath !== null) {
      const header: JournalHeader | null = state?.header ? null : { apitest: JOURNAL_KIND, version: JOURNAL_VERSION, fingerprint, createdAt: systemClock.now() };
      journal = await openJournal(journalPath, journalShown, { header, truncateTo: state === null ? 0 : state.validBytes }, systemClock);
    }
    outcome = await runBatch(
      {
        rows: input.rows,
        templates: templates.request,
        selection,
        onlyFailed,
        resume: raw.resume === true ? { state } : null,
        strict: raw.strict === true,
        retry: retry.policy,
        checks,
        withBody: raw.resultsBody === true,
        withCache: cacheSettings !== null,
        env,
        dryRun: dryRun ? dryRunPrinter(io, raw, redactor) : null,
      },
      {
        engine: { transport: transport ?? NO_TRANSPORT, random: Math.random, ...(httpCache === null ? {} : { httpCache }) },
        clock: systemClock,
        limiter: retry.rate === null ? null : createTokenBucket(retry.rate, retry.burst, runClockCut),
        gate,
        window,
        drain,
        abort: abortController.signal,
        journal,
        emit,
        redactor: () => redactor,
        onPause: (pause) => {
          if (pause.until - lastPauseNote < 1000) return;
          lastPauseNote = pause.until;
          note(`rate limit: the server said ${pause.reason}; the whole batch waits ${formatDuration(pause.waitMs)}, then speeds up again`);
        },
        ...(progress === null ? {} : { onProgress: (c) => progress.update(c) }),
        onInvalid: (index, line, problem) => {
          // The first invalid rows are named on stderr; all are in the results, and counted in the summary.
          invalidNotes++;
          if (invalidNotes <= MAX_INVALID_NOTES) note(`${problem.startsWith('row') ? '' : `row ${index}${line === null ? '' : ` (line ${line})`}: `}${problem}`);
          else if (invalidNotes === MAX_INVALID_NOTES + 1) note('more invalid rows: see the results (every row has its line there)');
        },
      },
    );
    // After a resume, the results hold every row: those done before are copied from the journal.
    if (state !== null && journalPath !== null && outcome.skippedRows.size > 0) {
      for await (const line of journalResults(journalPath, state, (i) => outcome.skippedRows.has(i))) await emit(line);
    }
    await journal?.close();
    journal = null;
    if (resultsStream !== null && results !== null) {
      await new Promise<void>((done, fail) => {
        resultsStream.once('error', fail);
        resultsStream.end(() => done());
      });
      await results.commit();
    }
  } catch (error) {
    await journal?.close();
    await results?.discard();
    throw error instanceof BadInputError ? new UsageError(`--input: ${error.message}`) : error;
  } finally {
    counting.abort();
    progress?.stop();
    transport?.close();
  }

  // ---- 3. summary and exit code
  const { counts } = outcome;
  printDiagnostic(
    io,
    errTheme.c.dim(
      renderBatchSummary(
        {
          ...counts,
          elapsedMs: outcome.elapsedMs,
          pauses: gate.stats.pauses,
          pausedMs: gate.stats.pausedMs,
          decreases: window.stats.decreases,
          lowestConcurrency: window.stats.lowest,
          concurrency: flags.concurrency,
          dryRun,
          journal: journalPath === null ? null : journalShown,
          results: raw.results ?? null,
        },
        env.APITEST_PLACEHOLDER_TIMINGS === '1',
      ),
    ),
  );
  if (outcome.stoppedBy === 'strict' && outcome.strictRow !== null) {
    return { exitCode: ExitCode.Usage, error: { kind: 'usage', message: `${outcome.strictRow.problem} (--strict: stopped there)`, hint: 'fix the row, or leave out --strict to record invalid rows as failed and go on', stack: null } };
  }
  if (outcome.stoppedBy === 'interrupt' || counts.interrupted > 0) {
    const resumable = journalPath === null ? ' (no journal: give --results or --journal to be able to --resume)' : '';
    return {
      exitCode: ExitCode.Interrupted,
      error: { kind: 'interrupted', message: `interrupted: ${counts.rows} row${counts.rows === 1 ? '' : 's'} done in this run${counts.failed > 0 ? ` (${counts.failed} failed)` : ''}; the rest were not sent`, hint: journalPath === null ? resumable.trim().slice(1, -1) : 'run the same command with --resume to send the rest', stack: null },
    };
  }
  if (counts.failed > 0) {
    return { exitCode: ExitCode.Expectation, error: { kind: 'expectation', message: `${counts.failed} of ${counts.rows} row${counts.rows === 1 ? '' : 's'} failed`, hint: raw.results === undefined ? null : `see the results; send them again with --only-failed ${raw.results}`, stack: null } };
  }
  return exitWith(ExitCode.Ok);
}

interface CompiledTemplates {
  readonly request: RequestTemplates;
  readonly bodySource: string | null;
  readonly all: readonly CompiledTemplate[];
}

/**
 * The request of every row, as templates: the base request is validated now with the flags of a single request
 * (so a bad header, duration or auth flag is exit 2 before anything is sent); URL, query, headers and body are
 * compiled (a malformed {{ }} is exit 2 too).
 */
async function compileTemplates(base: string | undefined, raw: RawBatchOptions, batchSize: number | null, io: Io): Promise<CompiledTemplates> {
  const urlText = composeUrl(base, raw.urlTemplate);
  const url = compileTemplate(urlText, raw.urlTemplate === undefined ? 'URL' : '--url-template');
  // The flags of a single request, checked once; -q values may hold templates: they are filled per row.
  const spec: RequestSpec = await buildRequestSpec({ ...raw, url: PLACEHOLDER_URL, query: [] }, io);
  const method = raw.head === true ? 'HEAD' : raw.method === undefined ? null : raw.method.toUpperCase();
  const query = (raw.query ?? []).map((pair): readonly [string, CompiledTemplate] => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-q/--query: expected name=value, got ${JSON.stringify(pair)}`);
    return [pair.slice(0, eq), compileTemplate(pair.slice(eq + 1), '-q/--query')];
  });
  const headers = spec.headers.map(([name, value]): readonly [string, CompiledTemplate] => [name, compileTemplate(value, `-H/--header ${name}`)]);
  // `--no-cache` without --cache/--offline: every row says Cache-Control: no-cache (unless -H gives one), as a single request does.
  if (raw.cacheRevalidate === true && raw.cache === undefined && raw.offline !== true && !headers.some(([name]) => name.toLowerCase() === 'cache-control')) {
    headers.push(['Cache-Control', compileTemplate('no-cache', '--no-cache')]);
  }
  let bodySource: string | null = null;
  let body: BodyTemplate;
  if (raw.bodyTemplate !== undefined) {
    bodySource = raw.bodyTemplate.startsWith('@') ? await readBodyTemplate(raw.bodyTemplate.slice(1), io) : raw.bodyTemplate;
    let parsed: { ok: true; value: unknown } | { ok: false } = { ok: false };
    try {
      parsed = { ok: true, value: JSON.parse(bodySource) };
    } catch {
      // not JSON: a text template
    }
    if (parsed.ok) body = { kind: 'json', template: compileJsonTemplate(parsed.value, '--body-template') };
    else {
      if (batchSize !== null) throw new UsageError('--body-template: with --batch-size the body template must be JSON (each row becomes an item of a JSON array)');
      body = { kind: 'text', template: compileTemplate(bodySource, '--body-template') };
    }
  } else body = method !== null && NO_BODY_METHODS.includes(method) ? { kind: 'none' } : { kind: 'row' };
  if (body.kind === 'none' && batchSize !== null) throw new UsageError(`--batch-size: a ${method ?? 'GET'} sends no body to put the rows in`, { hint: 'use -X POST (or give --body-template)' });
  let key: KeyRule = { kind: 'auto' };
  if (!raw.idempotencyKey) key = { kind: 'off' };
  else if (raw.idempotencyKeyTemplate !== undefined) key = { kind: 'template', template: compileTemplate(raw.idempotencyKeyTemplate, '--idempotency-key-template') };
  const request: RequestTemplates = {
    base: spec,
    method,
    url,
    query,
    headers,
    body,
    batch: batchSize === null ? null : { size: batchSize, wrap: raw.batchWrap ?? null },
    key,
  };
  const all = [url, ...query.map(([, t]) => t), ...headers.map(([, t]) => t), ...(key.kind === 'template' ? [key.template] : []), ...(body.kind === 'text' ? [body.template] : [])];
  if (body.kind === 'json') collectJsonTemplates(body.template, all);
  return { request, bodySource, all };
}

function collectJsonTemplates(t: Extract<BodyTemplate, { kind: 'json' }>['template'], into: CompiledTemplate[]): void {
  if (t.kind === 'string') into.push(t.template);
  else if (t.kind === 'array') for (const item of t.items) collectJsonTemplates(item, into);
  else if (t.kind === 'object') for (const [, item] of t.entries) collectJsonTemplates(item, into);
}

/** The URL template: --url-template joined to the base URL as text (a base path such as /api/v1 is kept). */
function composeUrl(base: string | undefined, template: string | undefined): string {
  const baseText = base === undefined ? null : base.includes('{{') ? base.trim() : normaliseUrl(base, 'URL');
  if (template === undefined) {
    if (baseText === null) throw new UsageError('batch: no URL given', { hint: "give the base URL and a template: apitest batch localhost:3000 --url-template '/users/{{ id }}'" });
    return baseText;
  }
  const t = template.trim();
  if (HAS_SCHEME.test(t) || t.startsWith('{{') || baseText === null) {
    if (baseText === null && t.startsWith('/')) throw new UsageError(`--url-template: ${JSON.stringify(t)} is relative, and no base URL is given`, { hint: `give it first: apitest batch localhost:3000 --url-template '${t}'` });
    return t;
  }
  return `${baseText.replace(/\/+$/, '')}/${t.replace(/^\/+/, '')}`;
}

async function readBodyTemplate(path: string, io: Io): Promise<string> {
  try {
    return (await readWholeFile(resolve(io.cwd, path), MAX_SETTINGS_FILE_BYTES)).toString('utf8');
  } catch (error) {
    throw new UsageError(`--body-template: cannot read ${JSON.stringify(path)}: ${unreadableReason(error)}`);
  }
}

/** `{{ env.NAME }}` with NAME unset would fail every row: said now, before anything is sent. */
function checkEnvReferences(templates: readonly CompiledTemplate[], env: Io['env']): void {
  for (const t of templates) {
    for (const ref of referencesOf(t)) {
      if (ref.kind === 'env' && env[ref.name] === undefined) throw new UsageError(`{{ env.${ref.name} }}: the environment variable ${ref.name} is not set`, { hint: `set ${ref.name}` });
    }
  }
}

async function planChecks(raw: RawBatchOptions, cwd: string): Promise<CheckPlan> {
  if (!wantsExpectations(raw)) return NO_CHECKS;
  const { expectationsOf, planExpectations } = await import('../parse/expect-plan.js');
  const plan = await planExpectations({ expect: raw.expect ?? [], ...(raw.expectStatus === undefined ? {} : { expectStatus: raw.expectStatus }), ...(raw.schema === undefined ? {} : { schema: raw.schema }) }, cwd);
  return { statusRule: !plan.checksStatus, reportsExpectations: true, captures: [], expect: expectationsOf(plan) };
}

/** `--dry-run`: each request as one JSON line (masked), or as a curl command line with --print-curl, on stdout. */
function dryRunPrinter(io: Io, raw: RawBatchOptions, redactor: ReturnType<typeof redactorFor>): (spec: RequestSpec, rows: readonly Row[]) => Promise<void> {
  const out = stdoutLineWriter(io);
  let curl: typeof import('../../render/curl-command.js').curlCommand | null = null;
  return async (spec, rows) => {
    if (raw.printCurl === true) {
      curl ??= (await import('../../render/curl-command.js')).curlCommand;
      await out(`${redactor.text(curl(spec, { showSecrets: raw.showSecrets === true, caFile: raw.cacert ?? null }))}\n`);
      return;
    }
    const headers = Object.create(null) as Record<string, string>;
    for (const [name, value] of spec.headers) headers[name] = redactor.header(name, value);
    const body = spec.body.kind === 'bytes' ? redactor.text(Buffer.from(spec.body.data).toString('utf8')) : spec.body.kind === 'none' ? null : '[multipart form]';
    const line = { rows: rows.map((r) => r.index), method: spec.method, url: redactor.url(spec.url), headers, body };
    await out(`${JSON.stringify(line)}\n`);
  };
}

/** --dry-run: nothing is sent. */
const NO_TRANSPORT: Transport = {
  send: () => Promise.reject(new Error('--dry-run sends nothing')),
  close: () => undefined,
};
