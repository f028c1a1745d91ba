/**
 * The only module that imports got: sends ONE HTTP request (no redirects, no retries) and
 * returns what happened as a value. Bodies are counted as received (compressed) and decoded here.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import got, { Options, type Got, type Request as GotRequest } from 'got';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { youngGenerationCollector } from './release-memory.js';
import { keepsTrick } from '../util/tricks.js';
import { loadZlib } from '../util/load-builtin.js';
import { mapTransportError, type RawTransportError } from './map-transport-error.js';
import { EMPTY_TIMINGS, type SentRequest, type Timings } from './types.js';
import type { HeaderMap } from '../util/header-map.js';
import type { ApitestError } from '../errors.js';

export interface WireRequest {
  method: string;
  url: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: Uint8Array | FormData | null;
}

export interface SendOptions {
  /** Time this request may take, from start to the end of the body. */
  timeoutMs: number;
  /** The --timeout this budget is part of (redirect hops share one): named in timeout messages. Default: timeoutMs. */
  totalTimeoutMs?: number;
  connectTimeoutMs: number | null;
  insecure: boolean;
  ca: string | null;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HeaderMap;
  rawHeaders: ReadonlyArray<readonly [string, string]>;
}

/** Where a response body goes: kept in memory, thrown away (a redirect), or written to a stream (`-o`). */
export type BodyTarget = { kind: 'memory' } | { kind: 'discard' } | { kind: 'stream'; stream: Writable };

export type SendResult =
  | { kind: 'response'; head: ResponseHead; body: Uint8Array | null; size: number; sent: SentRequest | null; timings: Timings }
  | { kind: 'failure'; error: ApitestError; sent: SentRequest | null; timings: Timings };

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
    send: (request, options, chooseTarget) => sendOnce(client, request, options, chooseTarget),
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

async function sendOnce(
  client: Got,
  request: WireRequest,
  options: SendOptions,
  chooseTarget: (head: ResponseHead) => BodyTarget,
): Promise<SendResult> {
  const headers: Record<string, string | string[]> = { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip, deflate, br' };
  // A header given several times is sent several times (as curl does); one given by the user replaces a default.
  const given: Record<string, string[]> = {};
  for (const [name, value] of request.headers) (given[name.toLowerCase()] ??= []).push(value);
  for (const [name, values] of Object.entries(given)) headers[name] = values.length === 1 ? (values[0] as string) : values;

  const stream: GotRequest = client.stream(request.url, {
    method: request.method as 'GET',
    headers,
    ...(request.body === null ? {} : { body: request.body instanceof Uint8Array ? Buffer.from(request.body) : request.body, allowGetBody: true }),
    timeout: { request: options.timeoutMs, ...(options.connectTimeoutMs === null ? {} : { connect: options.connectTimeoutMs }) },
    ...(options.insecure || options.ca !== null ? { https: { rejectUnauthorized: !options.insecure, ...(options.ca === null ? {} : { certificateAuthority: options.ca }) } } : {}),
  });

  // In stream mode got only ends a request by itself for GET/HEAD or when a body is given; any other
  // method without a body (POST, PUT, PATCH, DELETE, OPTIONS…) would wait for a body that never comes.
  if (request.body === null && request.method !== 'GET' && request.method !== 'HEAD') stream.end();

  let sent: SentRequest | null = null;
  let clientRequest: ClientRequest | null = null;
  stream.once('request', (req: ClientRequest) => {
    clientRequest = req;
    sent = describeSent(req, request);
  });

  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    });
    const head = describeHead(response);
    const target = chooseTarget(head);
    // Bytes as received (before decoding), counted as they flow through the pipeline. A body streamed to a
    // file also releases its spent network buffers every few MiB, so memory stays flat for any size.
    const collect = target.kind === 'stream' && keepsTrick('young-gc') ? youngGenerationCollector() : null;
    const decoder = decoderFor(head.headers['content-encoding'], request.method, head.status);
    let size = 0;
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
    const chunks: Buffer[] = [];
    const sink =
      target.kind === 'stream'
        ? target.stream
        : new Writable({
            write(chunk: Buffer, _enc, done) {
              if (target.kind === 'memory') chunks.push(chunk);
              done();
            },
          });
    if (decoder) await pipeline(stream, decoder, sink);
    else await pipeline(stream, sink);
    return {
      kind: 'response',
      head,
      body: target.kind === 'memory' ? Buffer.concat(chunks) : null,
      size,
      sent,
      timings: timingsOf(stream, (clientRequest as ClientRequest | null)?.reusedSocket === true),
    };
  } catch (error) {
    // got's errors carry name, code, message and (timeouts) event: pass the error itself, so it is the
    // cause of the typed error and --debug can show its stack.
    const raw: RawTransportError = error instanceof Error ? (error as RawTransportError) : { message: String(error) };
    return {
      kind: 'failure',
      error: mapTransportError(
        raw,
        request.url,
        { totalMs: options.totalTimeoutMs ?? options.timeoutMs, connectMs: options.connectTimeoutMs },
      ),
      sent,
      timings: timingsOf(stream, (clientRequest as ClientRequest | null)?.reusedSocket === true),
    };
  } finally {
    stream.destroy();
  }
}

/** A decoder for a compressed body; node:zlib is loaded only when a response is compressed. */
/**
 * One decoder for a single gzip/deflate/br coding; anything else (identity, several codings, unknown ones) is
 * kept as received. The decoders flush what they have at the end instead of failing on an empty body (HEAD,
 * 204, 304, Content-Length: 0 still carry Content-Encoding), and "deflate" accepts zlib (the standard) or gzip framing.
 */
function decoderFor(encoding: string | string[] | undefined, method: string, status: number): Transform | null {
  if (method === 'HEAD' || status === 204 || status === 304 || Array.isArray(encoding)) return null;
  const value = encoding?.trim().toLowerCase();
  if (value !== 'gzip' && value !== 'x-gzip' && value !== 'deflate' && value !== 'br') return null;
  const zlib = loadZlib();
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (value) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(lenient);
    case 'deflate':
      return zlib.createUnzip(lenient);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  }
}

function describeHead(response: IncomingMessage): ResponseHead {
  const raw: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    raw.push([response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '']);
  }
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    httpVersion: response.httpVersion,
    headers: distinctHeaders(response),
    rawHeaders: raw,
  };
}

/**
 * Lower-case names; a header received once is a string, one received several times an array of its values
 * (Node's `headers` would join them with ", ", which loses values that contain commas). Set-Cookie is
 * always an array, as in Node.
 */
function distinctHeaders(response: IncomingMessage): HeaderMap {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(response.headersDistinct)) {
    if (values === undefined || values.length === 0) continue;
    out[name] = name === 'set-cookie' || values.length > 1 ? values : (values[0] ?? '');
  }
  return out;
}

function describeSent(req: ClientRequest, request: WireRequest): SentRequest {
  const headers: Array<readonly [string, string]> = [];
  for (const name of req.getRawHeaderNames()) {
    const value = req.getHeader(name);
    if (value === undefined) continue;
    headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
  }
  // Node writes Host itself unless it was set; show it once, first, as it goes on the wire.
  const hostIndex = headers.findIndex(([name]) => name.toLowerCase() === 'host');
  const host = hostIndex === -1 ? (['Host', req.host + portSuffix(request.url)] as const) : headers.splice(hostIndex, 1)[0];
  if (host) headers.unshift(host);
  return {
    method: req.method,
    url: request.url,
    httpVersion: '1.1',
    headers,
    body: request.body instanceof Uint8Array ? request.body : null,
  };
}

function portSuffix(url: string): string {
  const port = new URL(url).port;
  return port === '' ? '' : `:${port}`;
}

/** got's phases; on a kept-alive connection there was no DNS, TCP or TLS phase: those are null. */
function timingsOf(stream: GotRequest, reusedSocket: boolean): Timings {
  const phases = stream.timings?.phases;
  if (!phases) return EMPTY_TIMINGS;
  const pick = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    dns: reusedSocket ? null : pick(phases.dns),
    tcp: reusedSocket ? null : pick(phases.tcp),
    tls: reusedSocket ? null : pick(phases.tls),
    firstByte: pick(phases.firstByte),
    download: pick(phases.download),
    total: pick(phases.total),
  };
}
