/**
 * `apitest load --suite FILE`: a suite as a load scenario. Each virtual user (one per connection) runs the
 * suite's steps in order, over and over, with its own captures (a user's `{{ userId }}` is the id its own
 * create step captured); a step with `load.weight: n` runs n times in a row in each pass (0: not at all, e.g. a
 * setup step). Closed model (no --rate): a user sends its next request when the previous one is answered, latency
 * from the send. Open model (--rate): passes start on a schedule, each a new arrival with no captures, at most
 * `users` at once; latency from the intended time (see below). Every request of every step is recorded in the same
 * histogram and counters as a one-URL run, and in its step's own tally.
 *
 * Order of a run: warm-up (nothing recorded) → the measured window, which ends at `durationMs` or after
 * `requests` requests → each user finishes the request it has in flight (bounded by the step's timeout) → done.
 * Ctrl-C ends it at once. A step whose request cannot be built (a capture it needs failed) is recorded as a
 * `variable` error (it was not sent) and the user goes on with the next step. Each response is checked against
 * its step's `expect:` as in a suite run: one that fails it is not ok (and counted as an `expectation` error); a
 * step that expects a status of 400 or more is ok when it gets it. A paginated step sends its first page only.
 */
import type { SuiteKeep, SuiteLoadOutcome } from '../engine/load-transport.js';
import { evaluateCaptures } from '../expect/capture.js';
import { UsageError } from '../errors.js';
import type { RequestSpec } from '../model/request-spec.js';
import { buildRequest } from '../suite/build-request.js';
import { SuiteScope } from '../suite/captures.js';
import { VariableError } from '../suite/interpolate.js';
import type { CompiledStep, CompiledSuite } from '../suite/compile-suite.js';
import type { ResponseFacts } from '../expect/subject-context.js';
import { evaluateExpectations } from '../suite/step-expectations.js';
import { createLoadRecorder, createStepTally, tallyStep, type StepTally, type StepVerdict } from './recorder.js';
import type { LoadRun, LoadTimers } from './run-load.js';
import { createRateSchedule, isLate, rateWindow } from './schedule.js';

export interface SuiteLoadPlan {
  readonly suite: CompiledSuite;
  readonly users: number;
  readonly durationMs: number | null;
  readonly requests: number | null;
  readonly warmupMs: number;
  /** --rate: passes started per `perMs` (open model); null: closed model, each user starts its next pass at once. */
  readonly rate: { readonly count: number; readonly perMs: number } | null;
  readonly cliVars: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface SuiteLoadDeps {
  send(spec: RequestSpec, keep: SuiteKeep, done: (outcome: SuiteLoadOutcome) => void): void;
  /** Called before the first request to each origin; throws to stop the run (the target safety check). */
  checkOrigin(url: string): Promise<void>;
  /**
   * An OAuth2 step's request with its access token put in as a bearer token (one token per OAuth2 setting for
   * the whole run, renewed when it expires); throws when none can be got, which stops the run.
   */
  authorize?(spec: RequestSpec): Promise<RequestSpec>;
  timers: LoadTimers;
  signal?: AbortSignal;
}

/** The steps a user runs in one pass, in order, each repeated by its weight. */
export function passOf(steps: readonly CompiledStep[]): CompiledStep[] {
  const out: CompiledStep[] = [];
  for (const step of steps) {
    if (step.skip !== null) continue;
    for (let i = 0; i < step.loadWeight; i++) out.push(step);
  }
  return out;
}

/** What the expectations and captures of a step read from its response under load. */
function factsOf(outcome: SuiteLoadOutcome, durationMs: number): ResponseFacts {
  const bodyText = outcome.body === null ? '' : outcome.body.toString('utf8');
  let json: unknown;
  try {
    json = outcome.body === null ? undefined : JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  return {
    status: outcome.status as number,
    headers: outcome.headers,
    bodyText,
    json,
    ...(outcome.bodyTooLarge ? { jsonUnavailable: `the body is larger than the body limit (${outcome.bytes} bytes or more; --max-body)` } : {}),
    durationMs,
    sizeBytes: outcome.bytes,
  };
}

/**
 * The step's verdict, as a suite run gives it: its expectations in order (suite/step-expectations.ts), its
 * captures, a body within the body limit when it was read, and without a `status:` expectation a status below 400.
 */
function verdictOf(step: CompiledStep, facts: ResponseFacts, scope: SuiteScope, outcome: SuiteLoadOutcome, capturesOk: boolean): StepVerdict {
  const { results, variableError } = evaluateExpectations(step, facts, scope);
  const failedExpectation = !capturesOk || outcome.bodyTooLarge || variableError !== null || results.some((r) => !r.ok);
  return { ok: !failedExpectation && (step.expect.hasStatus || (outcome.status as number) < 400), failedExpectation };
}

const bodyNeeded = new WeakMap<CompiledStep, boolean>();
/**
 * Whether a step's expectations read the body (a JSONPath, `body`, a count, the schema, or one built from a
 * template, which is known only once built): a step that checks only the status, headers, duration or size does not
 * keep it.
 */
function needsBody(step: CompiledStep): boolean {
  let needs = bodyNeeded.get(step);
  if (needs === undefined) {
    needs =
      step.expect.schema !== null ||
      step.expect.sources.some((s) => s.kind !== 'static' || s.expectations.some((e) => e.subject.kind === 'jsonpath' || e.subject.kind === 'count' || e.subject.kind === 'body'));
    bodyNeeded.set(step, needs);
  }
  return needs;
}

export function startSuiteLoad(plan: SuiteLoadPlan, deps: SuiteLoadDeps): { live: ReturnType<typeof createLoadRecorder>; measureStart: number; done: Promise<LoadRun> } {
  const { timers } = deps;
  const schedule = plan.rate === null ? null : createRateSchedule(plan.rate, timers.now());
  const recorder = createLoadRecorder(schedule !== null);
  const pass = passOf(plan.suite.steps);
  const tallies = new Map<CompiledStep, StepTally>();
  for (const step of pass) if (!tallies.has(step)) tallies.set(step, createStepTally(step.name));
  const start = timers.now();
  const measureStart = start + plan.warmupMs;
  let sending = pass.length > 0;
  let counted = 0;
  let stoppedBy: LoadRun['stoppedBy'] = plan.requests === null ? 'duration' : 'requests';
  let lastDone = measureStart;
  let stopAt = Number.POSITIVE_INFINITY;
  const checked = new Map<string, Promise<void>>();
  /** The open model's own bookkeeping when sending stops (set below; none in the closed model). */
  let onStop: (() => void) | null = null;
  const stop = (): void => {
    if (!sending) return;
    sending = false;
    stopAt = timers.now();
    onStop?.();
  };
  const cancelEnd = plan.durationMs === null ? null : timers.after(measureStart + plan.durationMs - start, stop);
  const onAbort = (): void => {
    stoppedBy = 'interrupt';
    stop();
  };
  deps.signal?.addEventListener('abort', onAbort, { once: true });

  const sendOne = (spec: RequestSpec, keep: SuiteKeep): Promise<SuiteLoadOutcome> => new Promise((resolve) => deps.send(spec, keep, resolve));

  /**
   * One step of a pass: built from the user's captures, sent, checked, recorded. `measured`: whether it counts
   * (closed model: null, decided by when it is sent; open model: its pass's). `intended` (open model): when it was
   * meant to leave, which its corrected latency counts from.
   */
  const runStep = async (step: CompiledStep, scope: SuiteScope, measured: boolean | null, intended: number | null): Promise<void> => {
    const captureNames = step.captures.map((c) => c.name);
    let spec: RequestSpec;
    try {
      spec = (await buildRequest(step.request, plan.suite.baseUrl, scope)).spec;
    } catch (error) {
      // Only a capture that failed (or is not there yet) depends on the run; anything else — an environment
      // variable not set, a URL that is not one, a header value refused — fails every request of the step: the
      // run stops with it, as `apitest run` would report it.
      if (!(error instanceof VariableError) || error.kind === 'env-unset') {
        const message = error instanceof Error ? error.message : String(error);
        throw new UsageError(`step "${step.name}": ${message}`, { hint: error instanceof VariableError ? 'set it, or load it with --env-file' : (error instanceof UsageError ? error.hint : null) ?? 'fix the step in the suite file' });
      }
      scope.recordMissing(step.name, captureNames, error.message);
      if (measured ?? timers.now() >= measureStart) {
        counted++;
        recorder.recordError('variable');
        tallyStep(tallies.get(step) as StepTally, false, false, 0);
        if (plan.requests !== null && counted >= plan.requests) stop();
      }
      return;
    }
    if (spec.auth.authorization?.kind === 'oauth2') {
      if (deps.authorize === undefined) throw new Error('an OAuth2 step under load without a token provider');
      spec = await deps.authorize(spec);
      if (!sending) return;
    }
    const origin = new URL(spec.url).origin;
    let check = checked.get(origin);
    if (check === undefined) {
      check = deps.checkOrigin(spec.url);
      checked.set(origin, check);
    }
    await check;
    if (!sending) return;
    const isCounted = measured ?? timers.now() >= measureStart;
    if (isCounted) {
      counted++;
      if (plan.requests !== null && counted >= plan.requests) stop();
    }
    const checks = step.expect.sources.length > 0 || step.expect.schema !== null || captureNames.length > 0;
    const sentAt = timers.now();
    // Headers are read by a header expectation, the body by a JSONPath, `body`, a count, a schema or a capture.
    const outcome = await sendOne(spec, captureNames.length > 0 || needsBody(step) ? 'body' : checks ? 'head' : 'nothing');
    // undici refused to send it (a header value it does not take): every request of the step would be; the run stops.
    if (outcome.refused !== undefined) throw new UsageError(`step "${step.name}": apitest load cannot send its request: ${outcome.refused}`, { hint: 'the steps before it were sent; undici, the HTTP client of apitest load, refuses this request' });
    const at = timers.now();
    if ((stoppedBy as LoadRun['stoppedBy']) === 'interrupt') return;
    const facts = outcome.status === null || outcome.errorKind !== null || !checks ? null : factsOf(outcome, at - sentAt);
    let capturesOk = true;
    if (captureNames.length > 0) {
      if (facts === null) scope.recordMissing(step.name, captureNames, `the request failed (${outcome.errorKind ?? 'error'})`);
      else {
        const captured = evaluateCaptures(step.captures, facts);
        capturesOk = captured.every((c) => c.ok);
        scope.record(step.name, captured);
      }
    }
    if (isCounted) {
      lastDone = at;
      const sent = outcome.writtenAt ?? sentAt;
      const latency = intended === null ? at - sent : at - intended;
      const ok = recorder.record(outcome, latency, at - sent, facts === null ? undefined : verdictOf(step, facts, scope, outcome, capturesOk));
      tallyStep(tallies.get(step) as StepTally, ok, outcome.status !== null && outcome.errorKind === null, latency);
    }
  };

  /** Closed model: a virtual user runs the pass over and over, keeping its captures. */
  const user = async (): Promise<void> => {
    const scope = new SuiteScope(plan.cliVars, plan.suite.vars, plan.env);
    while (sending) {
      for (const step of pass) {
        if (!sending) return;
        await runStep(step, scope, null, null);
      }
    }
  };

  const settle = (): LoadRun => {
    const end = (stoppedBy as LoadRun['stoppedBy']) === 'interrupt' ? timers.now() : Math.max(lastDone, Math.min(stopAt, timers.now()));
    return { recorder, elapsedMs: Math.max(0, end - measureStart), stoppedBy, measureStart, steps: [...tallies.values()] };
  };
  const cleanUp = (): void => {
    cancelEnd?.();
    deps.signal?.removeEventListener('abort', onAbort);
    stop();
  };

  if (schedule === null) {
    const done = (async (): Promise<LoadRun> => {
      try {
        await Promise.all(
          Array.from({ length: plan.users }, () =>
            user().catch((error: unknown) => {
              // One user stopped by the safety check (or a bug): the others stop too.
              stop();
              throw error;
            }),
          ),
        );
      } finally {
        cleanUp();
      }
      return settle();
    })();
    return { live: recorder, measureStart, done };
  }

  // Open model (--rate): pass i is meant to start at start + i / R, whatever happened to the passes before it, as
  // a new arrival with no captures yet; at most `users` passes run at once (a due pass waits for one to end). Its
  // first request's latency counts from the pass's intended time, a later step's from when the step before it
  // answered (it cannot be meant to leave earlier). A pass counts when it was meant to start in the window.
  const openWindow = rateWindow(schedule, measureStart, plan.durationMs);
  let nextIndex = 0;
  let active = 0;
  let cancelTick: (() => void) | null = null;
  let failure: { error: unknown } | null = null;
  let resolveDone!: (run: LoadRun) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<LoadRun>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let settled = false;
  const maybeFinish = (): void => {
    if (settled || sending || active > 0) return;
    settled = true;
    cleanUp();
    if (failure !== null) rejectDone(failure.error);
    else resolveDone(settle());
  };
  onStop = () => {
    cancelTick?.();
    cancelTick = null;
    // Due in the window but never started (every virtual user busy until the end): not on time.
    if (stoppedBy === 'duration') recorder.recordNeverSent(openWindow.neverSent(nextIndex, stopAt));
    // Not synchronously: stop() is called from inside a step, whose pass is still active.
    queueMicrotask(maybeFinish);
  };
  const runPass = async (intended: number, measured: boolean): Promise<void> => {
    const scope = new SuiteScope(plan.cliVars, plan.suite.vars, plan.env);
    let stepIntended = intended;
    for (const step of pass) {
      if (!sending) return;
      await runStep(step, scope, measured, stepIntended);
      stepIntended = timers.now();
    }
  };
  const pump = (): void => {
    if (!sending) return;
    const now = timers.now();
    // Passes of the warm-up still waiting when the window opens are dropped, as a one-URL run drops its requests.
    nextIndex = openWindow.resume(nextIndex, now);
    const due = openWindow.due(now);
    while (sending && active < plan.users && nextIndex < due) {
      const intended = schedule.intendedAt(nextIndex++);
      const measured = intended >= measureStart;
      if (measured && isLate(intended, timers.now())) recorder.recordLate(intended - measureStart);
      active++;
      runPass(intended, measured)
        .catch((error: unknown) => {
          // Stopped by the safety check, a token that cannot be got (or a bug): the run stops with it.
          failure ??= { error };
          stop();
        })
        .finally(() => {
          active--;
          pump();
          maybeFinish();
        });
    }
    if (!sending || cancelTick !== null || active >= plan.users || nextIndex >= openWindow.end) return;
    cancelTick = timers.wakeAt(schedule.intendedAt(nextIndex), () => {
      cancelTick = null;
      pump();
    });
  };
  if (!sending) queueMicrotask(maybeFinish);
  else pump();
  return { live: recorder, measureStart, done };
}
