/**
 * Runs a batch: rows → requests → results. Order for each request (one row, or a group with --batch-size):
 *
 *   read the row → selected? (--rows, --only-failed) → done already? (--resume: skipped) → fill the templates
 *   (a missing value: the row is invalid, nothing sent) → wait for a free place in the concurrency window → the
 *   engine (batch gate → token bucket → send, retries) → settle (result/settle.ts) → journal entry written and
 *   flushed → result line written → counted.
 *
 * At most `window.current()` requests are in flight, and rows are read only as places free up: the rows are never
 * all in memory. Results are written as requests finish (completion order; with -c 1, row order).
 *
 * Ctrl-C (the `drain` signal): no new row starts; rows already sent finish (with their retries) and are recorded;
 * rows not yet sent stop where they wait. A second Ctrl-C (`abort`) stops the requests in flight; they are not
 * recorded, so `--resume` sends them again, with the same Idempotency-Key.
 */
import { executeRequest, type EngineDeps } from '../engine/execute.js';
import { InterruptedError, UsageError } from '../errors.js';
import type { Limiter } from '../ratelimit/token-bucket.js';
import type { Redactor } from '../redact/redactor.js';
import type { RetryPolicy } from '../retry/backoff.js';
import { settleExchange, type CheckPlan } from '../result/settle.js';
import { interruptibleClock, type Clock } from '../util/clock.js';
import type { BatchGate, Pause } from './batch-gate.js';
import type { ConcurrencyWindow } from './concurrency-window.js';
import { groupHash, rowHash } from './idempotency-key.js';
import { resumeVerdict, type JournalState, type JournalWriter } from './journal.js';
import { BadInputError } from './read-json-array.js';
import { invalidLine, resultLine, type ResultLine } from './result-line.js';
import type { InvalidRow, Row, RowItem } from './row.js';
import { buildRowRequest, type RequestTemplates } from './row-request.js';
import { MissingValueError } from './row-template.js';
import type { RowSelection } from './row-selection.js';
import type { RequestSpec } from '../model/request-spec.js';
import { monotonicMs } from '../util/monotonic-ms.js';

export interface BatchPlan {
  readonly rows: AsyncIterable<RowItem>;
  readonly templates: RequestTemplates;
  readonly selection: RowSelection | null;
  /** `--only-failed`: the rows to send again. */
  readonly onlyFailed: ReadonlySet<number> | null;
  /** `--resume`: the journal read back (null state: nothing recorded yet). */
  readonly resume: { readonly state: JournalState | null } | null;
  readonly strict: boolean;
  readonly retry: RetryPolicy;
  readonly checks: CheckPlan;
  readonly withBody: boolean;
  /** `--cache`/`--offline`: each result line says what the cache did. */
  readonly withCache?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--dry-run`: each request is handed here instead of being sent. */
  readonly dryRun: ((spec: RequestSpec, rows: readonly Row[]) => Promise<void>) | null;
}

export interface BatchDeps {
  /** The transport and hooks of the engine; the signal, clock, limiter and gate are set per row. */
  readonly engine: Pick<EngineDeps, 'transport' | 'random' | 'onRetry' | 'httpCache'>;
  /** For timings and the journal (never cut short). */
  readonly clock: Clock;
  readonly limiter: Limiter | null;
  readonly gate: BatchGate;
  readonly window: ConcurrencyWindow;
  /** First Ctrl-C: start no more rows. */
  readonly drain: AbortSignal;
  /** Second Ctrl-C: stop the requests in flight. */
  readonly abort: AbortSignal;
  readonly journal: JournalWriter | null;
  /** Writes one result line (resolves when the sink takes more). */
  readonly emit: (line: string) => Promise<void>;
  readonly redactor: () => Redactor;
  readonly onPause?: (pause: Pause) => void;
  readonly onProgress?: (counts: BatchCounts) => void;
  /** An invalid row (reported on stderr with its number). */
  readonly onInvalid?: (index: number, line: number | null, problem: string) => void;
}

export interface BatchCounts {
  /** Rows with a result in this run (sent, or invalid). */
  rows: number;
  ok: number;
  failed: number;
  /** Of the failed: rows that could not be read or filled (never sent). */
  invalid: number;
  /** Rows whose request was sent more than once. */
  retried: number;
  /** Requests sent (attempts), for the rate. */
  requests: number;
  /** --resume: rows already done. */
  skipped: number;
  /** --resume: journal entries whose row changed in the input (sent again). */
  changed: number;
  /** Rows not finished because of Ctrl-C (not recorded: --resume sends them). */
  interrupted: number;
}

export interface BatchOutcome {
  readonly counts: BatchCounts;
  readonly stoppedBy: 'end' | 'interrupt' | 'strict';
  /** --strict: the first invalid row. */
  readonly strictRow: { readonly index: number; readonly line: number | null; readonly problem: string } | null;
  /** Rows skipped by --resume (to copy their journaled results). */
  readonly skippedRows: ReadonlySet<number>;
  readonly elapsedMs: number;
}

const FINISHING_PER_PLACE = 4;

/** The engine's gate observes nothing of a row: every hop is observed by `onHop` (with its status). */
const observedInOnHop = (): undefined => undefined;

type Task =
  | { readonly kind: 'invalid'; readonly item: InvalidRow; readonly hash: string }
  | { readonly kind: 'send'; readonly rows: readonly Row[]; readonly hashes: readonly string[]; readonly number: number };

export async function runBatch(plan: BatchPlan, deps: BatchDeps): Promise<BatchOutcome> {
  const counts: BatchCounts = { rows: 0, ok: 0, failed: 0, invalid: 0, retried: 0, requests: 0, skipped: 0, changed: 0, interrupted: 0 };
  const skippedRows = new Set<number>();
  const started = deps.clock.now();
  let stoppedBy: BatchOutcome['stoppedBy'] = 'end';
  let strictRow: BatchOutcome['strictRow'] = null;
  let fatal: unknown = null;
  const stop = (reason: 'interrupt' | 'strict'): void => {
    if (stoppedBy === 'end') stoppedBy = reason;
  };
  const stopped = (): boolean => stoppedBy !== 'end' || fatal !== null;

  // The loop below sleeps until a request or a finish is over (one promise, renewed each time: no reaction piles up
  // on a request that stays in flight for long).
  let wake: () => void = () => undefined;
  let woken = new Promise<void>((resolve) => (wake = resolve));
  const slept = (): Promise<void> => woken;
  const renew = (): void => {
    woken = new Promise<void>((resolve) => (wake = resolve));
  };

  // Rows whose request is over, waiting for their journal entry to reach the disk (then their result is written).
  // A request's place in the window is free as soon as its response is in, so the next row is sent while the
  // journal is flushed; at most FINISHING_PER_PLACE × -c rows wait so (memory stays bounded).
  const finishing = new Set<Promise<void>>();
  const finish = (entries: ReadonlyArray<{ index: number; hash: string; line: ResultLine }>): void => {
    const done = (async () => {
      // The journal first: a row counts as done only once its entry is on the disk.
      // Each line serialized once: the same text goes into its journal entry and into the results.
      const texts = entries.map((e) => JSON.stringify(e.line));
      await deps.journal?.append(entries.map((e, n) => ({ i: e.index, h: e.hash, ok: e.line.ok, rJson: texts[n] as string })));
      for (let n = 0; n < entries.length; n++) {
        const e = entries[n] as (typeof entries)[number];
        await deps.emit(texts[n] as string);
        counts.rows++;
        if (e.line.ok) counts.ok++;
        else counts.failed++;
      }
      deps.onProgress?.(counts);
    })().catch((error: unknown) => {
      fatal ??= error;
    });
    const tracked: Promise<void> = done.finally(() => {
      finishing.delete(tracked);
      wake();
    });
    finishing.add(tracked);
  };

  const invalid = async (index: number, line: number | null, value: unknown, hash: string, problem: string): Promise<void> => {
    counts.invalid++;
    deps.onInvalid?.(index, line, problem);
    if (plan.strict) {
      strictRow ??= { index, line, problem };
      stop('strict');
    }
    finish([{ index, hash, line: invalidLine({ index, value }, problem, deps.redactor(), 'EROW', plan.withCache === true) }]);
  };

  const runTask = async (task: Task): Promise<void> => {
    if (task.kind === 'invalid') {
      const { item } = task;
      await invalid(item.index, item.line, null, task.hash, `row ${item.index} (line ${item.line}): ${item.problem}`);
      return;
    }
    const first = task.rows[0] as Row;
    const hash = groupHash(task.hashes);
    let built;
    try {
      built = buildRowRequest(plan.templates, task.rows, hash, plan.env);
    } catch (error) {
      if (!(error instanceof MissingValueError || error instanceof UsageError)) throw error;
      const where = task.rows.length === 1 ? `row ${first.index} (line ${first.line})` : `rows ${first.index}-${(task.rows[task.rows.length - 1] as Row).index}`;
      for (let i = 0; i < task.rows.length; i++) {
        const row = task.rows[i] as Row;
        await invalid(row.index, row.line, row.value, task.hashes[i] as string, `${where}: ${error.message}`);
      }
      return;
    }
    if (plan.dryRun !== null) {
      await plan.dryRun(built.spec, task.rows);
      counts.rows += task.rows.length;
      counts.ok += task.rows.length;
      deps.onProgress?.(counts);
      return;
    }
    await send(task, built.spec, built.key);
  };

  // Rows in flight, for Ctrl-C: the first stops those not sent yet, the second all of them (one listener each).
  const inFlight = new Set<{ readonly controller: AbortController; sent: boolean }>();
  const onDrain = (): void => {
    for (const r of inFlight) if (!r.sent) r.controller.abort();
  };
  const onAbort = (): void => {
    for (const r of inFlight) r.controller.abort();
  };
  deps.drain.addEventListener('abort', onDrain);
  deps.abort.addEventListener('abort', onAbort);

  // Every hop of every row: the server's rate-limit state and the concurrency window (one function for the run).
  const onHop: NonNullable<EngineDeps['onHop']> = (hopStarted, result) => {
    if (result.kind !== 'response') return;
    const status = result.head.status;
    const pause = deps.gate.observe(status, result.head.headers);
    if (pause !== null) deps.onPause?.(pause);
    if (pause !== null || status === 429 || status === 503) deps.window.pushBack(hopStarted);
    else if (status < 400) deps.window.success();
  };

  const send = async (task: Task & { kind: 'send' }, spec: RequestSpec, key: string | null): Promise<void> => {
    // Until its first attempt has its token, a row stops on the first Ctrl-C; once sent, only on the second.
    const entry = { controller: new AbortController(), sent: false };
    const row = entry.controller;
    if (deps.abort.aborted || deps.drain.aborted) row.abort();
    inFlight.add(entry);
    const sleep = interruptibleClock(row.signal).sleep;
    const engine: EngineDeps = {
      ...deps.engine,
      clock: { now: deps.clock.now, sleep },
      signal: row.signal,
      gate: {
        waits: [],
        observe: observedInOnHop,
        beforeRequest: () => deps.gate.wait(sleep, () => row.signal.aborted),
      },
      limiter: {
        acquire: async () => {
          const waited = deps.limiter === null ? 0 : await deps.limiter.acquire();
          if (!row.signal.aborted) entry.sent = true;
          return waited;
        },
      },
      onHop,
    };
    const began = monotonicMs();
    try {
      const exchange = await executeRequest(spec, plan.retry, engine);
      // A response served by the HTTP cache (HIT, or STALE with nothing sent) is not a request sent.
      const served = exchange.cache?.status === 'HIT' || exchange.cache?.status === 'STALE';
      counts.requests += exchange.attempts.filter((a) => a.request !== null || (a.outcome.kind === 'response' && !served)).length;
      const last = exchange.attempts[exchange.attempts.length - 1];
      if (last?.outcome.kind === 'failure' && last.outcome.error instanceof InterruptedError) {
        counts.interrupted += task.rows.length;
        return;
      }
      const record = settleExchange(exchange, {
        checks: plan.checks,
        redactor: deps.redactor,
        nowMs: deps.clock.now(),
        keepBody: plan.withBody,
        outputFile: null,
        retry: { policy: plan.retry, maxDelaySetting: '--retry-max-delay' },
        authHint: null,
      });
      if (record.attemptsTotal > 1) counts.retried += task.rows.length;
      const durationMs = monotonicMs() - began;
      const group = plan.templates.batch === null ? null : { number: task.number, rows: task.rows.length };
      finish(task.rows.map((r, i) => ({ index: r.index, hash: task.hashes[i] as string, line: resultLine(r, record, { redactor: deps.redactor(), withBody: plan.withBody, withCache: plan.withCache === true, key, group, durationMs }) })));
    } finally {
      inFlight.delete(entry);
    }
  };

  const tasks = taskStream(plan, counts, skippedRows);
  const active = new Set<Promise<void>>();
  try {
    for (let guard = 0; ; guard++) {
      if (deps.drain.aborted) stop('interrupt');
      if (stopped()) break;
      if (active.size >= deps.window.current() || finishing.size >= FINISHING_PER_PLACE * deps.window.current()) {
        await slept();
        renew();
        continue;
      }
      const next = await tasks.next();
      if (next.done === true) break;
      if (deps.drain.aborted) {
        stop('interrupt');
        break;
      }
      const running: Promise<void> = runTask(next.value)
        .catch((error: unknown) => {
          fatal ??= error;
        })
        .finally(() => {
          active.delete(running);
          wake();
        });
      active.add(running);
      if (guard > Number.MAX_SAFE_INTEGER - 1) break;
    }
  } catch (error) {
    fatal ??= error instanceof BadInputError ? new UsageError(`--input: ${error.message}`, { hint: 'check the input file (NDJSON, a JSON array, or CSV with a header line)' }) : error;
  } finally {
    await Promise.all(active);
    await Promise.all(finishing);
    await tasks.return(undefined).catch(() => undefined);
    deps.drain.removeEventListener('abort', onDrain);
    deps.abort.removeEventListener('abort', onAbort);
  }
  if (fatal !== null) throw fatal;
  return { counts, stoppedBy, strictRow, skippedRows, elapsedMs: deps.clock.now() - started };
}

/**
 * The requests to make, in row order: selection (--rows, --only-failed), --resume, and grouping (--batch-size).
 * Groups are made from the selected rows in order, before --resume looks at them, so a resumed run makes the same
 * groups (and the same Idempotency-Keys) as the run it continues; a group is skipped when all its rows are done.
 */
async function* taskStream(plan: BatchPlan, counts: BatchCounts, skippedRows: Set<number>): AsyncGenerator<Task> {
  const size = plan.templates.batch?.size ?? 1;
  let group: Row[] = [];
  let hashes: string[] = [];
  let number = 0;
  const verdict = (index: number, hash: string): 'send' | 'skip' => {
    if (plan.resume === null) return 'send';
    const v = resumeVerdict(plan.resume.state, index, hash, plan.onlyFailed !== null);
    if (v === 'changed') counts.changed++;
    return v === 'skip' ? 'skip' : 'send';
  };
  function* flush(): Generator<Task> {
    if (group.length === 0) return;
    number++;
    const rows = group;
    const hs = hashes;
    group = [];
    hashes = [];
    const verdicts = rows.map((r, i) => verdict(r.index, hs[i] as string));
    if (verdicts.every((v) => v === 'skip')) {
      counts.skipped += rows.length;
      for (const r of rows) skippedRows.add(r.index);
      return;
    }
    yield { kind: 'send', rows, hashes: hs, number };
  }
  for await (const item of plan.rows) {
    if (plan.selection !== null) {
      if (plan.selection.last !== null && item.index > plan.selection.last) break;
      if (!plan.selection.has(item.index)) continue;
    }
    if (plan.onlyFailed !== null && !plan.onlyFailed.has(item.index)) continue;
    const hash = rowHash(item.index, item.text);
    if (item.kind === 'invalid') {
      if (verdict(item.index, hash) === 'skip') {
        counts.skipped++;
        skippedRows.add(item.index);
        continue;
      }
      yield { kind: 'invalid', item, hash };
      continue;
    }
    group.push(item);
    hashes.push(hash);
    if (group.length >= size) yield* flush();
  }
  yield* flush();
}
