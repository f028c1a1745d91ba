/**
 * `--har FILE`: every exchange of a run — each redirect hop, each retry, each page of a walk, each suite step —
 * as a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/), the format browsers' network panels open.
 * The recorder keeps what the engine reports of each hop; `harLog` turns that into the log, masking credentials
 * (headers, URLs, bodies that echo them) with the run's redactor, as every report is masked.
 */
import type { SendResult } from '../engine/transport.js';
import type { Timings } from '../engine/types.js';
import type { Redactor } from '../redact/redactor.js';

/** A body larger than this is not put in the HAR (its size is). */
export const HAR_MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Hop {
  readonly pageref: string;
  readonly startedAt: number;
  readonly result: SendResult;
}

interface Page {
  readonly id: string;
  readonly title: string;
  readonly startedAt: number;
}

export interface HarRecorder {
  /** Starts a page (a single request run, a suite step) and returns its id for the hops that follow. */
  page(title: string, startedAt: number): string;
  add(pageref: string, startedAt: number, result: SendResult): void;
  readonly hops: readonly Hop[];
  readonly pages: readonly Page[];
}

export function createHarRecorder(): HarRecorder {
  const hops: Hop[] = [];
  const pages: Page[] = [];
  return {
    hops,
    pages,
    page(title, startedAt) {
      const id = `page_${pages.length + 1}`;
      pages.push({ id, title, startedAt });
      return id;
    },
    add(pageref, startedAt, result) {
      hops.push({ pageref, startedAt, result });
    },
  };
}

interface NameValue {
  name: string;
  value: string;
}

export function harLog(recorder: HarRecorder, redactor: Redactor, version: string): unknown {
  return {
    log: {
      version: '1.2',
      creator: { name: 'apitest', version },
      pages: recorder.pages.map((p) => ({
        startedDateTime: new Date(p.startedAt).toISOString(),
        id: p.id,
        title: redactor.text(p.title),
        pageTimings: { onContentLoad: -1, onLoad: -1 },
      })),
      entries: [...recorder.hops].sort((a, b) => a.startedAt - b.startedAt).map((hop) => entry(hop, redactor)),
    },
  };
}

function entry(hop: Hop, redactor: Redactor): Record<string, unknown> {
  const { result } = hop;
  const timings = harTimings(result.timings);
  const sent = result.sent;
  const url = sent === null ? '' : redactor.url(sent.url);
  const requestHeaders: NameValue[] = sent === null ? [] : sent.headers.map(([name, value]) => ({ name, value: redactor.header(name, value) }));
  const request: Record<string, unknown> = {
    method: sent?.method ?? '',
    url,
    httpVersion: sent === null ? '' : `HTTP/${sent.httpVersion}`,
    cookies: [],
    headers: requestHeaders,
    queryString: queryOf(url),
    headersSize: -1,
    bodySize: sent?.body?.byteLength ?? 0,
  };
  if (sent?.body != null && sent.body.byteLength > 0) {
    const text = textOf(sent.body);
    const mimeType = headerIn(requestHeaders, 'content-type') ?? 'application/octet-stream';
    request.postData = text === null ? { mimeType, text: '', comment: `binary body of ${sent.body.byteLength} bytes, not included` } : { mimeType, text: redactor.text(text) };
  }
  const out: Record<string, unknown> = {
    pageref: hop.pageref,
    startedDateTime: new Date(hop.startedAt).toISOString(),
    time: result.timings.total === null ? sumTimings(timings) : round(result.timings.total),
    request,
    response: result.kind === 'response' ? responseOf(result, redactor) : failedResponse(),
    cache: {},
    timings,
  };
  if (result.kind === 'failure') {
    out.comment = redactor.text(result.error.message);
    out._error = { kind: result.error.kind, code: result.error.code, message: redactor.text(result.error.message) };
  }
  return out;
}

function responseOf(result: Extract<SendResult, { kind: 'response' }>, redactor: Redactor): Record<string, unknown> {
  const { head } = result;
  const headers: NameValue[] = head.rawHeaders.map(([name, value]) => ({ name, value: redactor.header(name, value) }));
  const mimeType = headerIn(headers, 'content-type') ?? '';
  const location = headerIn(headers, 'location');
  const content: Record<string, unknown> = { size: result.body?.byteLength ?? result.size, mimeType };
  if (result.body === null) {
    content.comment = result.size > 0 ? 'the body was streamed (-o, --format body, or a redirect) and not kept' : undefined;
  } else if (result.body.byteLength > HAR_MAX_BODY_BYTES) {
    content.comment = `body of ${result.body.byteLength} bytes not included (larger than ${HAR_MAX_BODY_BYTES} bytes)`;
  } else if (result.body.byteLength > 0) {
    const text = textOf(result.body);
    if (text === null) {
      content.text = Buffer.from(result.body).toString('base64');
      content.encoding = 'base64';
    } else {
      content.text = redactor.text(text);
    }
  }
  if (content.comment === undefined) delete content.comment;
  return {
    status: head.status,
    statusText: head.statusText,
    httpVersion: `HTTP/${head.httpVersion}`,
    cookies: [],
    headers,
    content,
    redirectURL: location === undefined ? '' : redactor.url(location),
    headersSize: -1,
    bodySize: result.size,
  };
}

/** HAR's shape for a request that got no response (as browsers write it: status 0). */
function failedResponse(): Record<string, unknown> {
  return { status: 0, statusText: '', httpVersion: '', cookies: [], headers: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1 };
}

/** apitest's phases → HAR's (connect includes ssl, as HAR says); -1 for a phase that did not happen. */
function harTimings(t: Timings): Record<string, number> {
  const n = (v: number | null): number => (v === null ? -1 : round(v));
  const connect = t.tcp === null && t.tls === null ? -1 : round((t.tcp ?? 0) + (t.tls ?? 0));
  return { blocked: n(t.wait), dns: n(t.dns), connect, ssl: n(t.tls), send: round(t.send ?? 0), wait: round(t.firstByte ?? 0), receive: round(t.download ?? 0) };
}

function sumTimings(t: Record<string, number>): number {
  return round(['blocked', 'dns', 'connect', 'send', 'wait', 'receive'].reduce((sum, k) => sum + Math.max(0, t[k] ?? 0), 0));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function queryOf(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function headerIn(headers: readonly NameValue[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** The body as UTF-8 text, or null when it is not valid UTF-8 (or holds NUL bytes): binary. */
function textOf(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
