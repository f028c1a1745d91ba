/**
 * Runs one step and reports it. Order (as Hurl does, written down so nobody has to guess):
 *   1. interpolate the request ({{ … }}); a variable without a value fails the step, nothing is sent;
 *   2. send it through the engine (auth, rate limiter, server gate, retries, timeout; pagination when asked);
 *   3. settle the result (result/settle.ts), with this step's checks: captures (recorded in the scope at once,
 *      so the step's own expectations may use them), expectations, then the failure ladder — no response,
 *      Retry-After too long, status >= 400 without a status expectation, a failed expectation, a failed capture,
 *      a variable without a value in an expectation;
 *   4. report it as a view of the settled record (result/step-report.ts): no body, values cut to a few KiB.
 * A step that got no response records its captures as missing, with the reason.
 */
import { executeRequest, type EngineDeps } from '../engine/execute.js';
import type { CaptureOutcome } from '../expect/capture.js';
import type { RequestSpec } from '../model/request-spec.js';
import type { StepError, StepReport } from '../model/suite-report.js';
import { runPaginated } from '../paginate/run-paginated.js';
import type { ExchangeRecord } from '../result/record.js';
import { settleExchange, settleWalk, type CheckPlan, type SettleContext } from '../result/settle.js';
import { stepReport, unsentStepReport } from '../result/step-report.js';
import { buildRequest, type BuiltRequest } from './build-request.js';
import type { SuiteScope } from './captures.js';
import { messageOf } from './compile-expect.js';
import type { CompiledStep } from './compile-suite.js';
import { VariableError } from './interpolate.js';
import { evaluateExpectations } from './step-expectations.js';
import type { SecretRegistry } from './secrets.js';

export interface StepDeps {
  engine: EngineDeps;
  secrets: SecretRegistry;
  /** Milliseconds from a monotonic clock, for step durations. */
  elapsed: () => number;
  /** Told each step's request once it is built, before it is sent (`--print-curl`). */
  onBuilt?: (stepName: string, spec: RequestSpec) => void;
  /** `--har`: opens a page for a step and returns where its hops go. */
  harPage?: (stepName: string) => NonNullable<EngineDeps['onHop']>;
  /** The HTTP cache of the run, for steps with `cache: true` (opened by the command when a step has it). */
  httpCache?: NonNullable<EngineDeps['httpCache']>;
}

export async function runStep(step: CompiledStep, baseUrl: string | null, scope: SuiteScope, deps: StepDeps): Promise<StepReport> {
  const started = deps.elapsed();
  const captureNames = step.captures.map((c) => c.name);
  let built: BuiltRequest;
  try {
    built = await buildRequest(step.request, baseUrl, scope);
  } catch (error) {
    const kind = error instanceof VariableError ? 'variable' : 'usage';
    const stepError: StepError = { kind, code: kind === 'variable' ? 'VARIABLE_UNSET' : 'EUSAGE', message: deps.secrets.redactor().text(messageOf(error)) };
    scope.recordMissing(step.name, captureNames, `the step sent nothing: ${stepError.message}`);
    return unsentStepReport(step.name, stepError, deps.elapsed() - started);
  }
  deps.secrets.add(built.secrets);
  deps.onBuilt?.(step.name, built.spec);

  let record: ExchangeRecord;
  try {
    record = await send(step, built, scope, deps);
  } catch (error) {
    // Failures are values in the engine; anything thrown is a bug, but one step must not end the run.
    const stepError: StepError = { kind: 'internal', code: 'EINTERNAL', message: `internal error: ${deps.secrets.redactor().text(messageOf(error))}` };
    scope.recordMissing(step.name, captureNames, stepError.message);
    return unsentStepReport(step.name, stepError, deps.elapsed() - started);
  }
  if (record.response === null && record.failure !== null) scope.recordMissing(step.name, captureNames, `the request failed: ${record.failure.message}`);
  return stepReport(step.name, record, deps.elapsed() - started);
}

async function send(step: CompiledStep, built: BuiltRequest, scope: SuiteScope, deps: StepDeps): Promise<ExchangeRecord> {
  const checks: CheckPlan = {
    statusRule: !step.expect.hasStatus,
    reportsExpectations: true,
    captures: step.captures,
    onCaptured: (outcomes: readonly CaptureOutcome[]) => {
      scope.record(step.name, outcomes);
      for (const o of outcomes) if (o.ok && step.secretCaptures.has(o.name) && typeof o.value === 'string') deps.secrets.add([o.value]);
    },
    expect: (facts) => evaluateExpectations(step, facts, scope),
  };
  const context = (): SettleContext => ({
    checks,
    redactor: () => deps.secrets.redactor(),
    nowMs: deps.engine.clock.now(),
    keepBody: false,
    outputFile: null,
    retry: { policy: step.request.retry, maxDelaySetting: 'retry.maxDelay' },
    authHint: null,
  });
  const options = step.request.paginate;
  // Only with --har: the step's own engine deps, whose hops go to the step's page (no copy otherwise).
  const onHop = deps.harPage?.(step.name);
  let engine: EngineDeps = onHop === undefined ? deps.engine : { ...deps.engine, onHop };
  if (step.request.cache === true && deps.httpCache !== undefined) engine = { ...engine, httpCache: deps.httpCache };
  if (options === null) {
    const exchange = await executeRequest(built.spec, step.request.retry, engine);
    return settleExchange(exchange, context());
  }
  const items: unknown[] = [];
  const run = await runPaginated(built.spec, options, step.request.retry, engine, {
    onItems: (page) => {
      for (const item of page) items.push(item);
    },
  });
  return settleWalk({ run, items, waits: [] }, context());
}

/** The report of a step that did not run. */
export function skippedStep(step: CompiledStep, reason: NonNullable<StepReport['skipReason']>): StepReport {
  return { name: step.name, ok: true, skipped: true, skipReason: reason, request: null, response: null, attempts: 0, durationMs: 0, pagination: null, expectations: [], captures: NO_CAPTURES, error: null };
}

const NO_CAPTURES: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);
