/**
 * The only module that imports got: sends ONE HTTP request (no redirects, no retries) and
 * returns what happened as a value. Bodies are counted as received (compressed) and decoded here.
 */
import { Agent as HttpAgent } from 'node:http';
import { isIP } from 'node:net';
import { Agent as HttpsAgent } from 'node:https';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import got, { Options, type Got, type Request as GotRequest } from 'got';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { youngGenerationCollector } from './release-memory.js';
import { keepsTrick } from '../util/tricks.js';
import { BodyTooLargeError, decodeFailure, decoderFor, decodingPlan, sizeLimit } from './body-decoding.js';
import { mapTransportError, type RawTransportError } from './map-transport-error.js';
import type { SentRequest, Timings } from './types.js';
import { timingsOf, watchRequest, type Marks } from './request-timings.js';
import type { HeaderMap } from '../util/header-map.js';
import { ApitestError, InterruptedError, TlsError } from '../errors.js';
import { probeAfterHandshake, speaksTls } from './tls-probe.js';
import type { ClientCertificate, ProxyChoice } from '../model/network-spec.js';
import { createConnections, type Connections, type Route } from './connections.js';
import { CERT_HINT, clientCertificateRejection, proxyFailure } from './network-errors.js';
import { monotonicMs } from '../util/monotonic-ms.js';
import { formatByteSize } from '../util/byte-size.js';

export interface WireRequest {
  method: string;
  url: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: Uint8Array | FormData | null;
}

export interface SendOptions {
  /** Time this request may take, from start to the end of the body. */
  timeoutMs: number;
  /** Largest body kept in memory, once decoded (--max-body). */
  maxBodyBytes: number | null;
  /** Largest body only streamed (-o, --format body): no limit unless --max-body was given. */
  maxStreamedBytes: number | null;
  /** How to raise the limit, as the user sets it (`--max-body`, `maxBody`). */
  maxBodyHint: string;
  /** Ctrl-C or SIGTERM: the request stops, and its result is an InterruptedError. */
  signal?: AbortSignal;
  /** The --timeout this budget is part of (redirect hops share one): named in timeout messages. Default: timeoutMs. */
  totalTimeoutMs?: number;
  connectTimeoutMs: number | null;
  insecure: boolean;
  ca: string | null;
  /** Through a proxy, or direct (network-spec.ts); absent: direct. */
  proxy?: ProxyChoice;
  /** The TLS client certificate to present (`--cert`). */
  clientCert?: ClientCertificate | null;
  /** `--http2`: offer HTTP/2 over TLS (ALPN). */
  http2?: boolean;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HeaderMap;
  rawHeaders: ReadonlyArray<readonly [string, string]>;
}

/**
 * Where a response body goes: kept in memory, thrown away (a redirect), or written to a stream as it arrives
 * (`-o`, `--format body`) — and also kept in memory when `keep` (the checks read it).
 */
export type BodyTarget = { kind: 'memory' } | { kind: 'discard' } | { kind: 'stream'; stream: Writable; keep: boolean };

export type SendResult =
  | { kind: 'response'; head: ResponseHead; body: Uint8Array | null; size: number; undecoded: readonly string[]; sent: SentRequest | null; timings: Timings }
  | {
      kind: 'failure';
      error: ApitestError;
      sent: SentRequest | null;
      timings: Timings;
      /** The head and the bytes received, when the response arrived and only writing its body failed (kind write). */
      arrived?: { head: ResponseHead; size: number };
    };

export interface Transport {
  send(request: WireRequest, options: SendOptions, chooseTarget: (head: ResponseHead) => BodyTarget): Promise<SendResult>;
  close(): void;
}

/** How often a streamed body releases spent buffers (see release-memory.ts). */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

export const USER_AGENT = `apitest/${typeof __APITEST_VERSION__ === 'string' ? __APITEST_VERSION__ : 'dev'}`;

/**
 * got 14 builds the Node options of every request as `{ ...cacheOptions, ...unixOptions, ALPNProtocols: …,
 * (30 more keys) }`. Once Node 20's optimizing compiler has compiled that, every call gives the object a new
 * hidden class (a spread of a non-empty object followed by more keys), ~11 KB of old-space garbage per
 * request that only a full collection frees: the heap of a long suite grows with its number of requests.
 * Without the `cache` option got does not use cacheOptions, so the call is made with an empty object in
 * their place, and the hidden class is shared.
 */
export function shareRequestOptionsShape(): boolean {
  const proto = Options.prototype as unknown as { createNativeRequestOptions?: () => unknown; __apitestShared?: true };
  if (proto.__apitestShared) return true;
  const create = proto.createNativeRequestOptions;
  // got renamed or removed its private method: nothing to share (test/unit/tricks.test.ts fails loudly then).
  if (typeof create !== 'function') return false;
  const noCacheOptions = {};
  proto.createNativeRequestOptions = function (this: { _internals: { cache?: unknown; cacheOptions: unknown } }) {
    const internals = this._internals;
    if (internals.cache) return create.call(this);
    const saved = internals.cacheOptions;
    internals.cacheOptions = noCacheOptions;
    try {
      return create.call(this);
    } finally {
      internals.cacheOptions = saved;
    }
  };
  proto.__apitestShared = true;
  return true;
}

/** A transport with keep-alive agents, shared by every request of one run. */
export function createGotTransport(): Transport {
  if (keepsTrick('share-options')) shareRequestOptionsShape();
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  // Proxies and HTTP/2: their agents are made on first use (connections.ts), none for a plain request.
  const connections = createConnections(agents, USER_AGENT);
  // The options that never change are merged once into a got instance, not validated again per request.
  const client = got.extend({
    followRedirect: false,
    throwHttpErrors: false,
    decompress: false,
    retry: { limit: 0 },
    agent: agents,
    http2: false,
  });
  return {
    send: (request, options, chooseTarget) => sendOnce(client, request, options, chooseTarget, connections),
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
      connections.destroy();
    },
  };
}

async function sendOnce(
  client: Got,
  request: WireRequest,
  options: SendOptions,
  chooseTarget: (head: ResponseHead) => BodyTarget,
  connections: Connections,
): Promise<SendResult> {
  const marks: Marks = { start: monotonicMs(), dns: isIP(new URL(request.url).hostname.replace(/^\[|\]$/g, '')) === 0, tls: request.url.startsWith('https:') };
  const route: Route = connections.route(request.url, options);
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  headers['user-agent'] = USER_AGENT;
  headers['accept-encoding'] = 'gzip, deflate, br';
  // A header given several times is sent several times (as curl does); one given by the user replaces a default.
  const given = new Map<string, string[]>();
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    const values = given.get(key);
    if (values === undefined) given.set(key, [value]);
    else values.push(value);
  }
  for (const [name, values] of given) headers[name] = values.length === 1 ? (values[0] as string) : values;

  const stream: GotRequest = client.stream(request.url, {
    method: request.method as 'GET',
    headers,
    ...(request.body === null ? {} : { body: request.body instanceof Uint8Array ? Buffer.from(request.body) : request.body, allowGetBody: true }),
    timeout: { request: options.timeoutMs, ...(options.connectTimeoutMs === null ? {} : { connect: options.connectTimeoutMs }) },
    ...(options.insecure || options.ca !== null || route.clientCert !== null ? { https: httpsOptions(options, route.clientCert) } : {}),
    ...(route.agent === null ? {} : { agent: route.agent }),
    ...(route.request === null ? {} : { request: route.request as never }),
  });

  // In stream mode got only ends a request by itself for GET/HEAD or when a body is given; any other
  // method without a body (POST, PUT, PATCH, DELETE, OPTIONS…) would wait for a body that never comes.
  if (request.body === null && request.method !== 'GET' && request.method !== 'HEAD') stream.end();

  // Ctrl-C / SIGTERM: our own listener, removed when this request ends (got's `signal` option left one listener
  // per request on the run-wide signal, which kept every response of a long suite alive).
  const signal = options.signal;
  const onAbort = (): void => {
    stream.destroy(new Error('interrupted'));
  };
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  let clientRequest: ClientRequest | null = null;
  stream.once('request', (req: ClientRequest) => {
    clientRequest = req;
    watchRequest(req, marks, () => monotonicMs());
  });
  // What went on the wire, read once the head was written (Node adds Host, Connection, Content-Length then).
  const sent = (): SentRequest | null => {
    if (clientRequest === null) return null;
    const described = describeSent(clientRequest, request);
    const note = route.note(head?.httpVersion ?? null);
    return note === null ? described : { ...described, route: note };
  };

  // What arrived of the body (on the wire, and decoded), for the messages of a body cut off or too large.
  let size = 0;
  let decoded = 0;
  let decodeError: Error | null = null;
  let codings: readonly string[] = [];
  let head: ResponseHead | null = null;
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    });
    head = describeHead(response);
    const target = chooseTarget(head);
    const plan = decodingPlan(head.headers['content-encoding'], request.method, head.status);
    codings = plan.undo;
    // Raw deflate or zlib framing: told apart by the first bytes.
    const first = plan.undo[0] === 'deflate' ? await firstChunk(stream) : null;
    // Bytes as received (before decoding), counted as they flow through the pipeline. A body streamed to a
    // file also releases its spent network buffers every few MiB, so memory stays flat for any size.
    const collect = target.kind === 'stream' && keepsTrick('young-gc') ? youngGenerationCollector() : null;
    let sinceCollect = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (collect) {
        sinceCollect += chunk.length;
        if (sinceCollect >= COLLECT_EVERY_BYTES) {
          sinceCollect = 0;
          collect();
        }
      }
    });
    const decoders = plan.undo.map((coding, i) => decoderFor(coding, i === 0 ? first : null));
    for (const decoder of decoders) decoder.once('error', (error: Error) => (decodeError ??= error));
    const chunks: Buffer[] = [];
    const keep = target.kind === 'memory' || (target.kind === 'stream' && target.keep);
    // The limit bounds a body kept in memory whatever the target; a body only streamed (-o) has none unless given.
    const maxBytes = keep ? options.maxBodyBytes : options.maxStreamedBytes;
    const limit = sizeLimit(
      maxBytes,
      (total) => (decoded = total),
      () => new BodyTooLargeError(`the body is larger than ${formatByteSize(maxBytes ?? 0)} once decoded (${size} bytes received so far)`, { hint: options.maxBodyHint }),
    );
    if (target.kind === 'memory' && decoders.length === 0) {
      // The common case (a body kept in memory, nothing to decode): read it straight off the stream. A pipeline
      // costs an AbortController and, when it ends, an AbortError (a DOMException with its stack) per request —
      // a measurable share of `apitest batch`'s CPU time per row.
      await readWhole(stream, (chunk) => {
        const error = limit.count(chunk.length);
        if (error !== null) throw error;
        chunks.push(chunk);
      });
    } else {
      const collector = new Writable({
        write(chunk: Buffer, _enc, done) {
          if (keep) chunks.push(chunk);
          done();
        },
      });
      const sink = target.kind === 'stream' ? (keep ? tee(target.stream, collector) : target.stream) : collector;
      await pipeline([stream, ...decoders, limit.transform(), sink] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
    }
    marks.end = monotonicMs();
    return { kind: 'response', head, body: keep ? Buffer.concat(chunks) : null, size, undecoded: plan.undecoded, sent: sent(), timings: timingsOf(marks) };
  } catch (error) {
    marks.end = monotonicMs();
    // A compressed body with no bytes at all (Content-Length: 0 with a Content-Encoding) is an empty body.
    if (decodeError !== null && size === 0 && head !== null && !(error instanceof ApitestError)) {
      return { kind: 'response', head, body: Buffer.alloc(0), size, undecoded: [], sent: sent(), timings: timingsOf(marks) };
    }
    // A failure of our own (writing the body to -o, a body too large) keeps its kind; a decoder's failure is a
    // DecodeError; got's errors carry name, code, message and (timeouts) event: the error itself becomes the cause
    // of the typed error, so --debug can show its stack.
    let typed =
      options.signal?.aborted === true
        ? new InterruptedError(head === null ? `interrupted while waiting for ${new URL(request.url).host} to answer` : `interrupted while reading the body from ${new URL(request.url).host}`)
        : error instanceof ApitestError
        ? error
        : decodeError !== null
          ? decodeFailure(codings, decodeError, size, decoded)
          : (route.proxy === null ? null : proxyFailure(error, route.proxy, request.url)) ??
            (request.url.startsWith('https:') ? clientCertificateRejection(error, route.clientCert !== null, request.url) : null) ??
            mapTransportError(error instanceof Error ? (error as RawTransportError) : { message: String(error) }, request.url, {
              totalMs: options.totalTimeoutMs ?? options.timeoutMs,
              connectMs: options.connectTimeoutMs,
            }, head === null ? null : size);
    // https:// and a reset before any answer, right after the handshake: with TLS 1.3 a server that refuses the
    // client certificate (or wants one) sends its alert after our request went out, which may meet a reset. Read
    // the alert with one more handshake that writes nothing.
    if (request.url.startsWith('https:') && route.proxy === null && head === null && /^(ECONNRESET|EPIPE)$/.test(typed.code) && (marks.secure ?? marks.connection?.secure) !== undefined) {
      const target = new URL(request.url);
      const after = await probeAfterHandshake(target.hostname.replace(/^\[|\]$/g, ''), Number(target.port || 443), tlsProbeOptions(options, route.clientCert), 1000);
      typed = (after.kind === 'alert' ? clientCertificateRejection(after.error, route.clientCert !== null, request.url) : null) ?? (after.kind === 'closed' && route.clientCert !== null ? certificateHungUp(request.url, typed) : typed);
    }
    // http:// to a TLS port: the server hangs up on (or cannot parse) a plain request. Ask it once in TLS.
    if (request.url.startsWith('http:') && route.proxy === null && marks.response === undefined && /^(ECONNRESET|EPIPE|HPE_)/.test(typed.code)) {
      const target = new URL(request.url);
      if (await speaksTls(target.hostname.replace(/^\[|\]$/g, ''), Number(target.port || 80), 1000)) {
        typed = new TlsError(`the server at ${target.host} expects TLS (use https://)`, { code: 'ERR_TLS_EXPECTED', hint: `try https://${target.host}${target.pathname}${target.search}`, cause: typed });
      }
    }
    const failure: SendResult = { kind: 'failure', error: typed, sent: sent(), timings: timingsOf(marks) };
    if (typed.kind === 'write' && head !== null) failure.arrived = { head, size };
    return failure;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}

/** A sink that writes each chunk to both (the data channel, and memory for the checks). */
function tee(first: Writable, second: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      second.write(chunk);
      first.write(chunk, (error) => done(error ?? undefined));
    },
    final(done) {
      first.end(() => done());
    },
    destroy(error, done) {
      first.destroy(error ?? undefined);
      done(error);
    },
  });
}

/** The body's first chunk, put back for the pipeline (null for an empty body). */
function firstChunk(stream: GotRequest): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      done();
      if (chunk !== null) stream.unshift(chunk);
      resolve(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** A server that closes every connection right after a handshake with our client certificate (Node's servers do, for one they do not trust). */
function certificateHungUp(url: string, cause: ApitestError): ApitestError {
  return new TlsError(`the server at ${new URL(url).host} closed the connection right after the TLS handshake, before any request: it does not accept the client certificate`, {
    code: 'ERR_TLS_CERT_REJECTED',
    hint: CERT_HINT,
    cause,
  });
}

/** The same TLS settings for node:tls (the alert probe). */
function tlsProbeOptions(options: SendOptions, cert: ClientCertificate | null): ConnectionOptions {
  const o = httpsOptions(options, cert);
  const { certificateAuthority, certificate, ...rest } = o as { certificateAuthority?: string; certificate?: Buffer };
  return { ...rest, ...(certificateAuthority === undefined ? {} : { ca: certificateAuthority }), ...(certificate === undefined ? {} : { cert: certificate }) } as ConnectionOptions;
}

/** got's `https` options: verification, extra CAs, the client certificate. */
function httpsOptions(options: SendOptions, cert: ClientCertificate | null): Record<string, unknown> {
  return {
    rejectUnauthorized: !options.insecure,
    ...(options.ca === null ? {} : { certificateAuthority: options.ca }),
    ...(cert === null
      ? {}
      : cert.pfx !== null
        ? { pfx: Buffer.from(cert.pfx), ...(cert.passphrase === null ? {} : { passphrase: cert.passphrase.reveal() }) }
        : {
            certificate: Buffer.from(cert.cert ?? new Uint8Array()),
            key: Buffer.from(cert.key ?? cert.cert ?? new Uint8Array()),
            ...(cert.passphrase === null ? {} : { passphrase: cert.passphrase.reveal() }),
          }),
  };
}

function describeHead(response: IncomingMessage): ResponseHead {
  const raw: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i] ?? '';
    // HTTP/2's pseudo-headers (:status) are not headers.
    if (!name.startsWith(':')) raw.push([name, response.rawHeaders[i + 1] ?? '']);
  }
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    httpVersion: response.httpVersion,
    headers: response.headersDistinct === undefined ? headersFromRaw(raw) : distinctHeaders(response),
    rawHeaders: raw,
  };
}

/**
 * Lower-case names; a header received once is a string, one received several times an array of its values
 * (Node's `headers` would join them with ", ", which loses values that contain commas). Set-Cookie is
 * always an array, as in Node.
 */
function distinctHeaders(response: IncomingMessage): HeaderMap {
  // A null prototype: a response header named __proto__ or constructor stays a plain key.
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of Object.entries(response.headersDistinct)) {
    if (values === undefined || values.length === 0) continue;
    out[name] = name === 'set-cookie' || values.length > 1 ? values : (values[0] ?? '');
  }
  return out;
}

/** The same, from raw pairs (an HTTP/2 response, which has no headersDistinct). */
function headersFromRaw(raw: ReadonlyArray<readonly [string, string]>): HeaderMap {
  const lists = new Map<string, string[]>();
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    const list = lists.get(key);
    if (list === undefined) lists.set(key, [value]);
    else list.push(value);
  }
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of lists) out[name] = name === 'set-cookie' || values.length > 1 ? values : (values[0] ?? '');
  return out;
}

/**
 * The request as it went on the wire. Node keeps the head it wrote in the request's `_header` (a private field,
 * guarded by test/unit/tricks.test.ts): it is parsed, so a header sent twice shows twice and the headers Node adds
 * (Host, Connection, Content-Length, Transfer-Encoding) are there. Before the head is written (a failure while
 * connecting), the headers set on the request are shown instead.
 */
function describeSent(req: ClientRequest, request: WireRequest): SentRequest {
  const written = (req as ClientRequest & { _header?: unknown })._header;
  // An HTTP/2 request (http2-wrapper) keeps its headers as a map, pseudo-headers first; it has no head text.
  const http2 = typeof (req as { getRawHeaderNames?: unknown }).getRawHeaderNames !== 'function';
  const headers = http2 ? http2HeadersOf(req) : typeof written === 'string' && written !== '' ? headersOfHead(written) : headersSetOn(req, request);
  return {
    method: req.method,
    url: request.url,
    httpVersion: http2 ? '2' : '1.1',
    headers,
    body: request.body instanceof Uint8Array ? request.body : null,
  };
}

/** `GET /x HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n` → [['Host', 'a'], ['X', '1']]. */
export function headersOfHead(head: string): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** An HTTP/2 request's headers as sent: `:authority` (the Host of HTTP/2) and `:scheme`, then the others. */
function http2HeadersOf(req: ClientRequest): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const name of req.getHeaderNames()) {
    if (name === ':method' || name === ':path') continue;
    const value = req.getHeader(name);
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out.sort(([a], [b]) => Number(!a.startsWith(':')) - Number(!b.startsWith(':')));
}

function headersSetOn(req: ClientRequest, request: WireRequest): Array<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [];
  for (const name of req.getRawHeaderNames()) {
    const value = req.getHeader(name);
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, String(v)]);
  }
  // Node writes Host itself unless it was set; show it once, first, as it goes on the wire.
  const hostIndex = headers.findIndex(([name]) => name.toLowerCase() === 'host');
  const host = hostIndex === -1 ? (['Host', req.host + portSuffix(request.url)] as const) : headers.splice(hostIndex, 1)[0];
  if (host) headers.unshift(host);
  return headers;
}

function portSuffix(url: string): string {
  const port = new URL(url).port;
  return port === '' ? '' : `:${port}`;
}

/**
 * Reads a stream to its end, handing each chunk to `take` (which may throw to stop: the stream is destroyed and
 * the promise rejects with that error). Fails as a pipeline would: with the stream's error, or a premature close.
 */
function readWhole(stream: GotRequest, take: (chunk: Buffer) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      // The error listener stays: a stream destroyed with an error emits it afterwards.
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      if (error === null) resolve();
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      try {
        take(chunk);
      } catch (error) {
        settle(error as Error);
        stream.destroy(error as Error);
      }
    };
    const onEnd = (): void => settle(null);
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    stream.on('error', onError);
    // What happened before this was called (between the response and now): as a pipeline's end-of-stream sees it.
    if (stream.errored !== null) return settle(stream.errored);
    if (stream.readableEnded) return settle(null);
    if (stream.destroyed) return onClose();
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onClose);
  });
}
