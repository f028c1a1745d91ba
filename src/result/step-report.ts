/**
 * A suite step's report (schema: model/suite-report.ts) as a view of the settled record. Bodies are not kept;
 * expected/actual and captured values are cut to a few KiB (capValue). A walk is shown with the URL of its first
 * page and the attempts of all its pages. Pure; objects written out key by key (see docs/internals.md).
 */
import type { StepError, StepReport } from '../model/suite-report.js';
import { capValue } from '../model/suite-report-values.js';
import type { ExchangeRecord } from './record.js';
import { headerObject } from './request-document.js';
import { roundMs } from './round-ms.js';

export function stepReport(name: string, record: ExchangeRecord, durationMs: number): StepReport {
  const { request, response, failure, pagination } = record;
  const report: StepReport = {
    name,
    ok: record.ok,
    skipped: false,
    skipReason: null,
    request: { method: request.method, url: pagination?.pages[0]?.url ?? request.url, headers: headerObject(request.headers) },
    response: response === null ? null : { status: response.status, statusText: response.statusText, headers: response.headers, timings: record.timings, size: response.size },
    attempts: record.attemptsTotal,
    durationMs: roundMs(durationMs),
    pagination: pagination === null ? null : { style: pagination.style, pages: pagination.pages.length, items: pagination.itemCount, stopReason: pagination.stopReason },
    expectations: (record.expectations ?? []).map((e) => ({ expression: e.expression, ok: e.ok, expected: capValue(e.expected), actual: capValue(e.actual), message: e.message })),
    captures: capturesObject(record.captures),
    error: failure === null ? null : { kind: failure.kind, code: failure.code, message: failure.message },
  };
  const cache = record.cache;
  if (cache !== null) report.cache = { status: cache.status, age: cache.age, ttl: cache.ttl, storable: cache.storable, reason: cache.reason };
  return report;
}

/** The report of a step that failed before anything was sent (a variable without a value, an invalid request). */
export function unsentStepReport(name: string, error: StepError, durationMs: number): StepReport {
  return {
    name,
    ok: false,
    skipped: false,
    skipReason: null,
    request: null,
    response: null,
    attempts: 0,
    durationMs: roundMs(durationMs),
    pagination: null,
    expectations: [],
    captures: NO_CAPTURES,
    error,
  };
}

/** Shared by every step that captured nothing (a report keeps one record per step). */
const NO_CAPTURES: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

function capturesObject(captures: ReadonlyMap<string, unknown>): Record<string, unknown> {
  if (captures.size === 0) return NO_CAPTURES;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of captures) out[name] = capValue(value);
  return out;
}
