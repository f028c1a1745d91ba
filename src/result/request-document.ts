/**
 * The `--json` document of a single request (schema: model/request-document.ts) as a view of the settled record,
 * and the document of a run that failed before anything was sent. Pure.
 */
import { ApitestError } from '../errors.js';
import { hidePassword } from '../model/request-spec.js';
import type { ResponseInfo, SingleRequestDocument } from '../model/request-document.js';
import type { ExchangeRecord, ResponseRecord } from './record.js';

export function requestDocument(record: ExchangeRecord): SingleRequestDocument {
  const doc: SingleRequestDocument = {
    schemaVersion: 1,
    ok: record.ok,
    request: { method: record.request.method, url: record.request.url, headers: headerObject(record.request.headers) },
    response: record.response === null ? null : responseInfo(record.response),
    timings: record.timings,
    rateLimit: record.rateLimit,
    redirects: record.redirects.map((r) => ({ status: r.status, url: r.url })),
    attempts: record.attempts.map((a) => ({ status: a.status, error: a.error, delayMs: a.delayMs })),
    error: record.failure === null ? null : { kind: record.failure.kind, code: record.failure.code, message: record.failure.message },
  };
  if (record.expectations !== null) {
    doc.expectations = record.expectations.map((e) => ({ expression: e.expression, ok: e.ok, expected: e.expected, actual: e.actual, message: e.message }));
  }
  if (record.cache !== null) {
    const c = record.cache;
    doc.cache = { status: c.status, age: c.age, ttl: c.ttl, storable: c.storable, reason: c.reason };
  }
  const walk = record.pagination;
  if (walk !== null) {
    doc.rateLimitWaits = walk.rateLimitWaits.map((w) => ({ beforeUrl: w.beforeUrl, waitMs: w.waitMs }));
    doc.paginationStyle = walk.style;
    doc.pages = walk.pages.map((p) => (p.cache === null ? { url: p.url, status: p.status, items: p.items, timings: p.timings } : { url: p.url, status: p.status, items: p.items, timings: p.timings, cache: p.cache }));
    doc.items = walk.items === null ? [] : [...walk.items];
    doc.stopReason = walk.stopReason;
  }
  return doc;
}

/**
 * The document of a run that failed before any request (bad flags or input, kind usage; or the password prompt
 * given up with Ctrl-C, kind interrupted): ok false, error filled.
 */
export function usageDocument(method: string | undefined, url: string | undefined, error: ApitestError | { code: string; message: string }): SingleRequestDocument {
  return {
    schemaVersion: 1,
    ok: false,
    request: { method: method ?? 'GET', url: hidePassword(url ?? ''), headers: {} },
    response: null,
    timings: { wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: null },
    rateLimit: null,
    redirects: [],
    attempts: [],
    error: { kind: error instanceof ApitestError && error.kind === 'interrupted' ? 'interrupted' : 'usage', code: error.code, message: error.message },
  };
}

/** Header pairs as one object: a name sent several times gives an array of its values, in order. */
export function headerObject(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of pairs) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function responseInfo(response: ResponseRecord): ResponseInfo {
  const info: ResponseInfo = {
    status: response.status,
    statusText: response.statusText,
    httpVersion: response.httpVersion,
    headers: response.headers,
    body: null,
    size: response.size,
  };
  const body = response.body;
  if (body === null) return info;
  switch (body.kind) {
    case 'none':
      break;
    case 'json':
      info.body = body.value;
      break;
    case 'text':
      info.body = body.text;
      if (body.note !== null) info.bodyNote = body.note;
      break;
    case 'binary':
      info.body = body.base64;
      info.bodyEncoding = 'base64';
      if (body.note !== null) info.bodyNote = body.note;
      break;
    case 'file':
      info.bodyFile = body.path;
      break;
    case 'unwritten':
      info.bodyNote = body.note;
      break;
  }
  return info;
}
