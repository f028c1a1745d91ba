/**
 * A row's line in the results (NDJSON, one per row): a view of the settled record of its request
 * (result/settle.ts), like the `--json` document and the suite reports.
 *
 *   { row, index, ok, status, attempts, durationMs, error, cache?, response?, key, request? }
 *
 * `row` the row as read (masked like every report), `index` its 1-based number, `status` the final response's
 * status (null: no response), `attempts` how many times it was sent, `durationMs` the wall time of its request with
 * retries and waits, `error` null or { kind, code, message } (the first rung of the failure ladder), `cache` (with
 * --cache/--offline) { status, age, ttl, storable, reason } as in the `--json` document (null: not sent), `response`
 * (with --results-body) { status, headers, body } where body is the JSON value, the text, or { base64 };
 * `key` the Idempotency-Key sent (null when none); `request` with --batch-size: the group's number and size.
 */
import type { Redactor } from '../redact/redactor.js';
import { scrubValue } from '../redact/scrub-value.js';
import type { ExchangeRecord } from '../result/record.js';
import type { CacheFacts } from '../engine/http-cache/cache-types.js';

export interface ResultError {
  readonly kind: string;
  readonly code: string;
  readonly message: string;
}

export interface ResultLine {
  readonly row: unknown;
  readonly index: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempts: number;
  readonly durationMs: number;
  readonly error: ResultError | null;
  readonly cache?: CacheFacts | null;
  readonly response?: { readonly status: number; readonly headers: Readonly<Record<string, string | string[]>>; readonly body: unknown };
  readonly key: string | null;
  readonly request?: { readonly number: number; readonly rows: number };
}

export interface LineContext {
  readonly redactor: Redactor;
  readonly withBody: boolean;
  /** --cache/--offline: the line says what the cache did. */
  readonly withCache?: boolean;
  readonly key: string | null;
  readonly group: { readonly number: number; readonly rows: number } | null;
  readonly durationMs: number;
}

export function resultLine(row: { readonly index: number; readonly value: unknown }, record: ExchangeRecord, ctx: LineContext): ResultLine {
  const { failure, response } = record;
  return {
    row: masked(row.value, ctx.redactor),
    index: row.index,
    ok: record.ok,
    status: response?.status ?? null,
    attempts: record.attemptsTotal,
    durationMs: Math.round(ctx.durationMs * 100) / 100,
    error: failure === null ? null : { kind: failure.kind, code: failure.code, message: failure.message },
    ...(ctx.withCache === true ? { cache: record.cache } : {}),
    ...(ctx.withBody && response !== null ? { response: { status: response.status, headers: response.headers, body: bodyValue(response.body) } } : {}),
    key: ctx.key,
    ...(ctx.group === null ? {} : { request: ctx.group }),
  };
}

/** A row that was not sent: it could not be read, or its request could not be made from it. */
export function invalidLine(row: { readonly index: number; readonly value: unknown }, problem: string, redactor: Redactor, code = 'EROW', withCache = false): ResultLine {
  return {
    row: masked(row.value, redactor),
    index: row.index,
    ok: false,
    status: null,
    attempts: 0,
    durationMs: 0,
    error: { kind: 'usage', code, message: redactor.text(problem) },
    ...(withCache ? { cache: null } : {}),
    key: null,
  };
}

function masked(value: unknown, redactor: Redactor): unknown {
  return redactor.scrubs() ? scrubValue(value, redactor.text) : value;
}

function bodyValue(body: NonNullable<ExchangeRecord['response']>['body']): unknown {
  if (body === null) return null;
  switch (body.kind) {
    case 'none':
      return null;
    case 'json':
      return body.value;
    case 'text':
      return body.text;
    case 'binary':
      return { base64: body.base64, bytes: body.bytes };
    case 'file':
      return null;
  }
}
