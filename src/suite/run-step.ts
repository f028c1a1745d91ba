/**
 * Runs one step and reports it. Order (as Hurl does, written down so nobody has to guess):
 *   1. interpolate the request ({{ … }}); a variable without a value fails the step, nothing is sent;
 *   2. send it through the engine (auth, rate limiter, server gate, retries, timeout; pagination when asked);
 *   3. no response (connection, TLS, timeout): the step fails with that error, its captures have no value;
 *   4. the implicit status check: without a `status` expectation, a status >= 400 fails the step;
 *   5. captures, in the order written;
 *   6. expectations, in the order written (status, headers, jsonpath, body, duration, size, schema, that).
 * The step's error is the first of: no response, the implicit status check, a failed expectation, a failed
 * capture, a variable without a value in an expectation.
 * The response body is dropped when the step is reported: results keep status, headers, timings,
 * expectations and captures only.
 *
 * Memory (a run of thousands of steps): no object literal here spreads another object and then adds
 * keys (`{ ...base, error }`). Node 20's optimizing compiler gives each such object a hidden class of its
 * own, i.e. a few KB of old-space garbage per step that only a full collection frees, and the heap grows
 * with the number of steps. Write the keys out instead.
 */
import { executeRequest, type EngineDeps, type ExecutedExchange } from '../engine/execute.js';
import type { Attempt, ResponseData } from '../engine/types.js';
import { ApitestError, httpErrorFor } from '../errors.js';
import { evaluateExpectation, type CheckResult } from '../expect/evaluate.js';
import type { ResponseFacts } from '../expect/subject-context.js';
import { runPaginated } from '../paginate/run-paginated.js';
import type { Redactor } from '../redact/redactor.js';
import { viewBody } from '../engine/body-view.js';
import type { StepError, StepReport } from '../model/suite-report.js';
import { capValue } from '../model/suite-report-values.js';
import { buildRequest, type BuiltRequest } from './build-request.js';
import { evaluateCaptures, type CaptureOutcome, type SuiteScope } from './captures.js';
import { messageOf } from './compile-expect.js';
import type { CompiledStep } from './compile-suite.js';
import { interpolateDeep, VariableError } from './interpolate.js';
import type { SecretRegistry } from './secrets.js';

export interface StepDeps {
  engine: EngineDeps;
  secrets: SecretRegistry;
  /** Milliseconds from a monotonic clock, for step durations. */
  elapsed: () => number;
}

interface Sent {
  exchange: ExecutedExchange;
  attempts: number;
  /** Facts for captures and expectations (for a paginated step: the array of all items as the JSON body). */
  facts: ResponseFacts | null;
  pagination: StepReport['pagination'];
}

export async function runStep(step: CompiledStep, baseUrl: string | null, scope: SuiteScope, deps: StepDeps): Promise<StepReport> {
  const started = deps.elapsed();
  const captureNames = step.captures.map((c) => c.name);
  let built: BuiltRequest;
  try {
    built = await buildRequest(step.request, baseUrl, scope);
  } catch (error) {
    const kind = error instanceof VariableError ? 'variable' : 'usage';
    const stepError: StepError = { kind, code: kind === 'variable' ? 'VARIABLE_UNSET' : 'EUSAGE', message: messageOf(error) };
    scope.recordMissing(step.name, captureNames, `the step sent nothing: ${stepError.message}`);
    return report(step, { durationMs: deps.elapsed() - started, error: stepError });
  }
  deps.secrets.add(built.secrets);

  let sent: Sent;
  try {
    sent = await send(step, built, deps.engine);
  } catch (error) {
    // Failures are values in the engine; anything thrown is unexpected, but one step must not end the run.
    const stepError: StepError = { kind: 'connection', code: 'EINTERNAL', message: `internal error: ${messageOf(error)}` };
    scope.recordMissing(step.name, captureNames, stepError.message);
    return report(step, { durationMs: deps.elapsed() - started, error: stepError });
  }
  const durationMs = deps.elapsed() - started;
  const redactor = deps.secrets.redactor();
  const last = finalAttempt(sent.exchange);
  // A paginated step is shown with the URL of its first page.
  const request = requestOf(last, built, redactor, sent.pagination === null ? null : built.spec.url);

  if (last.outcome.kind === 'failure' || sent.facts === null) {
    const error = last.outcome.kind === 'failure' ? last.outcome.error : null;
    const stepError: StepError = error ? { kind: errorKind(error), code: error.code, message: error.message } : { kind: 'connection', code: 'ENORESPONSE', message: 'no response' };
    scope.recordMissing(step.name, captureNames, `the request failed: ${stepError.message}`);
    return report(step, { durationMs, attempts: sent.attempts, pagination: sent.pagination, request, error: stepError });
  }

  const response = last.outcome.response;
  const facts = sent.facts;
  const checks: CheckResult[] = [];
  let error: StepError | null = null;
  if (sent.exchange.retryAfterTooLong !== null) {
    error = { kind: 'http', code: 'RETRY_AFTER_TOO_LONG', message: `the server asks to wait ${sent.exchange.retryAfterTooLong}s (Retry-After), longer than the retry maxDelay` };
  }
  if (!step.expect.hasStatus && facts.status >= 400) {
    const message = `status: expected < 400 (the step has no status expectation), got ${facts.status}`;
    checks.push({ expression: 'status < 400', ok: false, expected: '< 400', actual: facts.status, message });
    error ??= { kind: 'http', code: `HTTP_${facts.status}`, message: httpErrorFor(facts.status, response.statusText, built.spec.url).message };
  }

  const outcomes = evaluateCaptures(step.captures, facts);
  scope.record(step.name, outcomes);
  const variableError = evaluateExpectations(step, facts, scope, checks);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0 && error === null && variableError === null) {
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    error = { kind: 'expectation', code: 'EXPECTATION_FAILED', message: `${failed[0]?.message ?? failed[0]?.expression}${more}` };
  }
  const failedCapture = outcomes.find((o) => !o.ok);
  if (failedCapture) error ??= { kind: 'capture', code: 'CAPTURE_FAILED', message: `capture ${failedCapture.name}: ${failedCapture.reason ?? 'no value'}` };
  if (variableError) error ??= { kind: 'variable', code: 'VARIABLE_UNSET', message: variableError };
  return report(step, {
    durationMs,
    attempts: sent.attempts,
    pagination: sent.pagination,
    request,
    response: responseOf(response, last, redactor),
    checks,
    captures: capturesOf(outcomes),
    error,
  });
}

async function send(step: CompiledStep, built: BuiltRequest, engine: EngineDeps): Promise<Sent> {
  const options = step.request.paginate;
  if (options === null) {
    const exchange = await executeRequest(built.spec, step.request.retry, engine);
    const last = finalAttempt(exchange);
    const facts = last.outcome.kind === 'response' ? factsOf(last.outcome.response, last) : null;
    return { exchange, attempts: exchange.attempts.length, facts, pagination: null };
  }
  const items: unknown[] = [];
  let attempts = 0;
  let size = 0;
  let totalMs = 0;
  const run = await runPaginated(built.spec, options, step.request.retry, engine, {
    onItems: (page) => {
      for (const item of page) items.push(item);
    },
    onExchange: (exchange) => {
      attempts += exchange.attempts.length;
      const last = finalAttempt(exchange);
      totalMs += last.timings.total ?? 0;
      if (last.outcome.kind === 'response') size += last.outcome.response.size;
    },
  });
  const exchange = run.lastExchange;
  const last = finalAttempt(exchange);
  const pagination = { style: run.style, pages: run.pages.length, items: run.itemCount, stopReason: run.stopReason };
  if (last.outcome.kind !== 'response') return { exchange, attempts, facts: null, pagination };
  const response = last.outcome.response;
  // A walk that ended on an error status is checked as that response; otherwise the body is all the items.
  const facts: ResponseFacts =
    run.stopReason === 'error'
      ? factsOf(response, last)
      : { status: response.status, headers: response.headers, bodyText: JSON.stringify(items), json: items, durationMs: totalMs, sizeBytes: size };
  return { exchange, attempts, facts, pagination };
}

/** Runs every expectation; returns the message of a variable that had no value, if one did not. */
export function evaluateExpectations(step: CompiledStep, facts: ResponseFacts, scope: SuiteScope, checks: CheckResult[]): string | null {
  let variableError: string | null = null;
  for (const source of step.expect.sources) {
    if (source.kind === 'static') {
      for (const exp of source.expectations) checks.push(evaluateExpectation(exp, facts));
      continue;
    }
    const expression = typeof source.raw === 'string' ? source.raw : JSON.stringify(source.raw);
    try {
      for (const exp of source.build(interpolateDeep(source.raw, scope))) checks.push(evaluateExpectation(exp, facts));
    } catch (error) {
      const message = messageOf(error);
      if (error instanceof VariableError) variableError ??= message;
      checks.push({ expression, ok: false, expected: expression, actual: '(missing)', message });
    }
  }
  if (step.expect.schema) checks.push(step.expect.schema(facts.json));
  return variableError;
}

function factsOf(response: ResponseData, attempt: Attempt): ResponseFacts {
  const view = viewBody(response.body, response.headers);
  return {
    status: response.status,
    headers: response.headers,
    bodyText: view.kind === 'json' || view.kind === 'text' ? view.text : '',
    json: view.kind === 'json' ? view.value : undefined,
    durationMs: attempt.timings.total ?? 0,
    sizeBytes: response.size,
  };
}

function finalAttempt(exchange: ExecutedExchange): Attempt {
  const last = exchange.attempts[exchange.attempts.length - 1];
  if (!last) throw new Error('an exchange has at least one attempt');
  return last;
}

function errorKind(error: ApitestError): StepError['kind'] {
  return error.kind === 'connection' || error.kind === 'tls' || error.kind === 'timeout' || error.kind === 'http' ? error.kind : 'usage';
}

function requestOf(last: Attempt, built: BuiltRequest, redactor: Redactor, url: string | null): StepReport['request'] {
  const headers: Record<string, string> = {};
  for (const [name, value] of last.request?.headers ?? built.spec.headers) headers[name] = redactor.header(name, value);
  return { method: last.request?.method ?? built.spec.method, url: redactor.url(url ?? last.request?.url ?? built.spec.url), headers };
}

function responseOf(response: ResponseData, last: Attempt, redactor: Redactor): NonNullable<StepReport['response']> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map((v) => redactor.header(name, v)) : redactor.header(name, value);
  }
  const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
  const t = last.timings;
  return {
    status: response.status,
    statusText: response.statusText,
    headers,
    timings: { dns: r(t.dns), tcp: r(t.tcp), tls: r(t.tls), firstByte: r(t.firstByte), download: r(t.download), total: r(t.total) },
    size: response.size,
  };
}

/** Shared by every step that captured nothing (a report keeps one record per step). */
const NO_CAPTURES: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

function capturesOf(outcomes: readonly CaptureOutcome[]): Record<string, unknown> {
  if (!outcomes.some((o) => o.ok)) return NO_CAPTURES;
  const out: Record<string, unknown> = {};
  for (const o of outcomes) if (o.ok) out[o.name] = capValue(o.value);
  return out;
}

interface ReportParts {
  durationMs: number;
  attempts?: number;
  pagination?: StepReport['pagination'];
  request?: StepReport['request'];
  response?: StepReport['response'];
  checks?: readonly CheckResult[];
  captures?: Record<string, unknown>;
  error: StepError | null;
}

function report(step: CompiledStep, parts: ReportParts): StepReport {
  return {
    name: step.name,
    ok: parts.error === null,
    skipped: false,
    skipReason: null,
    request: parts.request ?? null,
    response: parts.response ?? null,
    attempts: parts.attempts ?? 0,
    durationMs: Math.max(0, Math.round(parts.durationMs * 100) / 100),
    pagination: parts.pagination ?? null,
    expectations: (parts.checks ?? []).map((c) => ({
      expression: c.expression,
      ok: c.ok,
      expected: capValue(c.expected),
      actual: capValue(c.actual),
      ...(c.message === undefined ? {} : { message: c.message }),
    })),
    captures: parts.captures ?? NO_CAPTURES,
    error: parts.error,
  };
}

/** The report of a step that did not run. */
export function skippedStep(step: CompiledStep, reason: NonNullable<StepReport['skipReason']>): StepReport {
  return { name: step.name, ok: true, skipped: true, skipReason: reason, request: null, response: null, attempts: 0, durationMs: 0, pagination: null, expectations: [], captures: NO_CAPTURES, error: null };
}
