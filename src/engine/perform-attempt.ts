import type { Writable } from 'node:stream';
import { applyAuth, authHeaderNames } from '../auth/apply-auth.js';
import { ConnectionError } from '../errors.js';
import type { RequestSpec } from '../model/request-spec.js';
import { isRedirect, redirectMethod, sameOrigin, withoutHeaders } from './redirect.js';
import type { BodyTarget, ResponseHead, SendOptions, SendResult, Transport, WireRequest } from './transport.js';
import type { Attempt, Outcome, Redirect, ResponseData, SentRequest } from './types.js';
import type { Clock } from '../util/clock.js';
import { firstHeaderValue } from '../util/header-map.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { CookieStore } from './cookie-store.js';
import { chooseProxy } from './proxy-settings.js';
import { forwardProxyRefusal } from './network-errors.js';

/** Headers that never follow a request to another origin, besides the auth spec's own (even when given with -H). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

export interface AttemptDeps {
  transport: Transport;
  /** Time for the attempt's budget and for converting Retry-After when a response arrives. */
  clock: Clock;
  /** Stops the request in flight (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  /** Opens where the final response body is written as it arrives (`-o`, `--format body`); absent: kept in memory. */
  openBodySink?: () => BodySink;
  /** A streamed body is also kept in memory (the checks read it). */
  keepStreamedBody?: boolean;
  /** Told of each request as it went out, and of each response head (for `--verbose`). */
  onRequest?: (sent: SentRequest) => void;
  onResponse?: (head: ResponseHead) => void;
  /** Told of every hop (each redirect, each attempt) with when it started (epoch ms): `--har`. */
  onHop?: (startedAt: number, result: SendResult) => void;
  /** The cookie jar of the run (`-b FILE`, `-c`, a suite file's steps): its cookies go with each hop, each hop's Set-Cookie goes in. */
  cookies?: CookieStore;
}

/** Where a final response's body is written as it arrives. */
export interface BodySink {
  readonly stream: Writable;
  /**
   * Bytes of this body already passed on where a retry cannot take them back (stdout). A file that starts over
   * on a retry (`-o`) says 0.
   */
  readonly delivered: () => number;
}

/**
 * One attempt: applies auth, sends, and follows redirects when the spec asks to.
 * Order per hop: send → if a followed redirect, discard its body, compute the next method/URL,
 * drop credentials when the next hop leaves the original origin → repeat; otherwise the response is final.
 */
/**
 * `mayRetry(status)`: whether a response with this status would be retried; its body is then kept in memory,
 * not streamed to the sink (a retried body never reaches the data channel or -o).
 */
export async function performAttempt(spec: RequestSpec, deps: AttemptDeps, delayMs: number, mayRetry: (status: number) => boolean = () => false): Promise<Attempt> {
  const applied = applyAuth(spec.auth, spec.url, spec.headers);
  const origin = applied.url;
  // A user-given Host names the first origin: it does not follow the request elsewhere either.
  const credentialNames = new Set([...CREDENTIAL_HEADERS, ...authHeaderNames(spec.auth), 'host']);
  // --timeout is the total for the attempt: redirect hops share it (each retry gets its own).
  const started = deps.clock.now();
  const options: SendOptions = {
    timeoutMs: spec.timeoutMs,
    totalTimeoutMs: spec.timeoutMs,
    connectTimeoutMs: spec.connectTimeoutMs,
    insecure: spec.insecure,
    ca: spec.ca,
    maxBodyBytes: spec.maxBody.bytes,
    maxStreamedBytes: spec.maxBody.limitsStreamed ? spec.maxBody.bytes : null,
    maxBodyHint: `raise ${spec.maxBody.setting}, or save the body with -o FILE`,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  };
  const redirects: Redirect[] = [];
  let wire: WireRequest = { method: spec.method, url: applied.url, headers: applied.headers, body: bodyOf(spec) };
  // The sink of the final hop's body, once opened.
  // (Set inside chooseTarget, a callback: typed so that the compiler does not take it for always null.)
  let sink = null as BodySink | null;

  for (;;) {
    const willFollow = (status: number, location: string | string[] | undefined): boolean =>
      spec.followRedirects && isRedirect(status, location);
    const chooseTarget = (head: { status: number; headers: Readonly<Record<string, string | string[] | undefined>> }): BodyTarget => {
      if (willFollow(head.status, head.headers.location)) return { kind: 'discard' };
      if (refusedByForwardProxy(head.status)) return { kind: 'discard' };
      if (deps.openBodySink === undefined || mayRetry(head.status)) return { kind: 'memory' };
      sink = deps.openBodySink();
      return { kind: 'stream', stream: sink.stream, keep: deps.keepStreamedBody === true };
    };
    const hopStarted = deps.clock.now();
    // The jar's cookies for this URL, after the user's own Cookie header (which does not follow another origin).
    const jarCookies = deps.cookies === undefined ? null : await deps.cookies.cookieHeader(wire.url);
    // Each hop asks again: a redirect to a host in the no-proxy list goes direct.
    const proxy = spec.proxy === null ? null : chooseProxy(spec.proxy, wire.url);
    /** A 407 to an http:// URL sent through a forward proxy is the proxy's refusal (its body is not the answer). */
    const refusedByForwardProxy = (status: number): boolean => proxy?.kind === 'proxy' && status === 407 && new URL(wire.url).protocol === 'http:';
    const result = await deps.transport.send(
      jarCookies === null ? wire : { ...wire, headers: withCookies(wire.headers, jarCookies) },
      {
        timeoutMs: Math.max(1, spec.timeoutMs - (deps.clock.now() - started)),
        totalTimeoutMs: options.totalTimeoutMs ?? spec.timeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        insecure: options.insecure,
        ca: options.ca,
        maxBodyBytes: options.maxBodyBytes,
        maxStreamedBytes: options.maxStreamedBytes,
        maxBodyHint: options.maxBodyHint,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(proxy === null ? {} : { proxy }),
        ...(spec.clientCert === null ? {} : { clientCert: spec.clientCert }),
        ...(spec.http2 ? { http2: true } : {}),
      },
      chooseTarget,
    );
    if (deps.cookies !== undefined && result.kind === 'response') {
      const setCookie = result.head.headers['set-cookie'];
      if (setCookie !== undefined) await deps.cookies.store(wire.url, Array.isArray(setCookie) ? setCookie : [setCookie]);
    }
    deps.onHop?.(hopStarted, result);
    if (result.sent && deps.onRequest) deps.onRequest(result.sent);
    if (result.kind === 'response' && deps.onResponse) deps.onResponse(result.head);
    if (result.kind === 'failure') {
      const delivered = sink?.delivered() ?? 0;
      const outcome: Outcome = { kind: 'failure', error: result.error };
      // The body's destination failed (-o on a full disk): the response arrived, and its facts are kept.
      if (result.arrived !== undefined) outcome.response = responseData(result.arrived.head, null, result.arrived.size, [], deps.clock);
      if (delivered > 0) outcome.bodyBytesOut = delivered;
      return { delayMs, request: result.sent, outcome, redirects, timings: result.timings };
    }
    if (proxy?.kind === 'proxy' && refusedByForwardProxy(result.head.status)) {
      const error = forwardProxyRefusal(proxy.endpoint, result.head.status, result.head.statusText);
      return { delayMs, request: result.sent, outcome: { kind: 'failure', error }, redirects, timings: result.timings };
    }
    const location = result.head.headers.location;
    if (!willFollow(result.head.status, location)) {
      return {
        delayMs,
        request: result.sent,
        outcome: { kind: 'response', response: responseData(result.head, result.body, result.size, result.undecoded, deps.clock) },
        redirects,
        timings: result.timings,
      };
    }
    if (redirects.length >= spec.maxRedirects) {
      const error = new ConnectionError(`too many redirects: stopped after ${spec.maxRedirects} (last to ${String(location)})`, {
        code: 'ERR_TOO_MANY_REDIRECTS',
        hint: 'raise --max-redirects, or drop -L to see the redirect itself',
      });
      return { delayMs, request: result.sent, outcome: { kind: 'failure', error }, redirects, timings: result.timings };
    }
    const next = new URL(Array.isArray(location) ? (location[0] ?? '') : String(location), wire.url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      const error = new ConnectionError(`redirect to an unsupported URL: ${next.toString()}`, { code: 'ERR_UNSUPPORTED_REDIRECT' });
      return { delayMs, request: result.sent, outcome: { kind: 'failure', error }, redirects, timings: result.timings };
    }
    // Same origin: the credentials go along (an --api-key-query key is put on the new URL too, as a header
    // would be kept). Another origin: none of them, whatever the Location says about the query.
    const same = sameOrigin(origin, next.toString());
    const nextUrl = same ? applyAuth(spec.auth, next.toString(), []).url : next.toString();
    redirects.push({ status: result.head.status, url: nextUrl });
    const { method, keepBody } = redirectMethod(result.head.status, wire.method);
    let headers = same ? applied.headers : withoutHeaders(applied.headers, credentialNames);
    if (!keepBody) headers = withoutHeaders(headers, new Set(['content-type', 'content-length']));
    wire = { method, url: nextUrl, headers, body: keepBody ? wire.body : null };
  }
}

function responseData(head: ResponseHead, body: Uint8Array | null, size: number, undecoded: readonly string[], clock: Clock): ResponseData {
  return {
    status: head.status,
    statusText: head.statusText,
    httpVersion: head.httpVersion,
    headers: head.headers,
    rawHeaders: head.rawHeaders,
    body,
    size,
    bodyFile: body === null ? 'stream' : null,
    undecoded,
    retryAfterSeconds: parseRetryAfter(firstHeaderValue(head.headers, 'retry-after'), clock.now()),
  };
}

/** The headers with the jar's cookies added: to the user's Cookie header (one header, as curl sends), or as a new one. */
function withCookies(headers: ReadonlyArray<readonly [string, string]>, jar: string): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  let merged = false;
  for (const [name, value] of headers) {
    if (!merged && name.toLowerCase() === 'cookie') {
      out.push([name, `${value}; ${jar}`]);
      merged = true;
    } else out.push([name, value]);
  }
  if (!merged) out.push(['Cookie', jar]);
  return out;
}

function bodyOf(spec: RequestSpec): Uint8Array | FormData | null {
  switch (spec.body.kind) {
    case 'none':
      return null;
    case 'bytes':
      return spec.body.data;
    case 'form': {
      const form = new FormData();
      for (const field of spec.body.fields) {
        if (field.kind === 'text') form.append(field.name, field.value);
        else form.append(field.name, new Blob([field.data]), field.fileName);
      }
      return form;
    }
  }
}
