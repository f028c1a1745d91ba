import type { ApitestError } from '../errors.js';
import type { Attempt, Exchange, Timings } from '../engine/types.js';
import { EMPTY_TIMINGS } from '../engine/types.js';
import { parseRateLimit } from '../ratelimit/parse-rate-limit.js';
import type { Redactor } from '../redact/redactor.js';
import type { ResponseInfo, SingleRequestDocument } from '../model/request-document.js';
import { viewBody } from '../engine/body-view.js';

export interface DocumentOptions {
  redactor: Redactor;
  nowMs: number;
  /** The error that decides the run (transport failure, or an HTTP status error), if any. */
  error: ApitestError | null;
  /** Where `-o` wrote the body. */
  outputFile: string | null;
}

/** The last attempt: what the run's result is. */
export function finalAttempt(exchange: Exchange): Attempt {
  const last = exchange.attempts[exchange.attempts.length - 1];
  if (!last) throw new Error('an exchange has at least one attempt');
  return last;
}

/** Builds the `--json` document (also the data the table renders). Header values are masked here. Pure. */
export function buildDocument(exchange: Exchange, options: DocumentOptions): SingleRequestDocument {
  const last = finalAttempt(exchange);
  const { redactor } = options;
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of last.request?.headers ?? exchange.spec.headers) requestHeaders[name] = redactor.header(name, value);
  const response = last.outcome.kind === 'response' ? last.outcome.response : null;
  let responseInfo: ResponseInfo | null = null;
  if (response) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.map((v) => redactor.header(name, v)) : redactor.header(name, value);
    }
    const view = viewBody(response.body, response.headers);
    responseInfo = {
      status: response.status,
      statusText: response.statusText,
      httpVersion: response.httpVersion,
      headers,
      body: view.kind === 'json' ? view.value : view.kind === 'text' ? view.text : view.kind === 'binary' ? Buffer.from(view.bytes).toString('base64') : null,
      ...(view.kind === 'binary' ? { bodyEncoding: 'base64' as const } : {}),
      ...(options.outputFile !== null && response.body === null ? { bodyFile: options.outputFile } : {}),
      size: response.size,
    };
  }
  const error = options.error;
  return {
    schemaVersion: 1,
    ok: error === null,
    request: {
      method: last.request?.method ?? exchange.spec.method,
      url: redactor.url(last.request?.url ?? exchange.spec.url),
      headers: requestHeaders,
    },
    response: responseInfo,
    timings: roundTimings(last.timings),
    rateLimit: response ? parseRateLimit(response.headers, options.nowMs) : null,
    redirects: last.redirects.map((r) => ({ status: r.status, url: redactor.url(r.url) })),
    attempts: exchange.attempts.map((a) => ({
      status: a.outcome.kind === 'response' ? a.outcome.response.status : null,
      error: a.outcome.kind === 'failure' ? { kind: a.outcome.error.kind, code: a.outcome.error.code } : null,
      delayMs: a.delayMs,
    })),
    error: error === null ? null : { kind: error.kind, code: error.code, message: redactor.text(error.message) },
  };
}

/** Timings rounded to 0.01 ms, for documents. */
export function roundTimings(t: Timings | undefined): Timings {
  const src = t ?? EMPTY_TIMINGS;
  const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
  return { dns: r(src.dns), tcp: r(src.tcp), tls: r(src.tls), firstByte: r(src.firstByte), download: r(src.download), total: r(src.total) };
}
