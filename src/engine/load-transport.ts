/**
 * The transport of `apitest load`: undici (Node's own HTTP client), the one place apitest does not use got. A
 * got request costs too much per request for a load generator (a got loop reaches ~3.9k req/s at 10 connections
 * on the reference machine, undici's Pool ~31.5k). Only this file touches undici (test/unit/boundaries.test.ts).
 *
 * undici is loaded on first use through `createRequire`, from `dist/undici.cjs` (its own file beside the bundle,
 * scripts/build.mjs), so `--version` and every other command never read or compile it.
 *
 * Each request goes through `Client.dispatch` with a callback handler (no promise, no stream, no header object per
 * request): the handler counts the body's bytes and drops them, and reads one header (`Retry-After`) only on a 429.
 * Failures are values: `LoadOutcome` with an error kind, never a throw.
 */
import { sideBundle } from '../util/side-bundle.js';
import type { FormField, RequestSpec } from '../model/request-spec.js';
import { applyAuth } from '../auth/apply-auth.js';

/** What one load request came to. `status` is null when no response arrived; `errorKind` names why. */
export interface LoadOutcome {
  readonly status: number | null;
  /** Bytes of the response body received. */
  readonly bytes: number;
  /** A 429's `Retry-After`, as sent (null otherwise). */
  readonly retryAfter: string | null;
  readonly errorKind: LoadErrorKind | null;
  /**
   * When the request was written to its connection (`performance.now()`, taken as undici starts writing it), as
   * autocannon and wrk time a request; absent when it never was (or with a test's fake transport).
   */
  readonly writtenAt?: number;
  /**
   * undici refused to send the request at all (an argument it does not take: a `Transfer-Encoding` or `Expect`
   * header, the CONNECT method…): its reason. Nothing was sent. Deterministic: every request like it is refused.
   */
  readonly refused?: string;
}

/** Why a load request got no response. */
export type LoadErrorKind = 'connect' | 'dns' | 'tls' | 'timeout' | 'reset' | 'aborted' | 'other';

export interface LoadTransportOptions {
  readonly connections: number;
  readonly pipelining: number;
}

export interface LoadTransport {
  /** Sends the request once; `done` is called exactly once, synchronously never. */
  send(done: (outcome: LoadOutcome) => void): void;
  /** Ends every connection; requests in flight end with `aborted`. */
  destroy(): Promise<void>;
}

type Undici = typeof import('undici');
/** As every apitest request (engine/transport.ts, not imported here: it would load got). */
const USER_AGENT = `apitest/${typeof __APITEST_VERSION__ === 'string' ? __APITEST_VERSION__ : 'dev'}`;
const loadUndici: () => Undici = sideBundle('undici.cjs', 'undici');

/**
 * `connections` keep-alive connections to the request's origin, each sending up to `pipelining`
 * requests before an answer. The request (method, URL with query, headers with credentials, body) is built once;
 * an OAuth2 request must already carry its access token as a bearer token.
 */
export function createLoadTransport(spec: RequestSpec, options: LoadTransportOptions): LoadTransport {
  const { Client } = loadUndici();
  const { url, dispatchOptions } = wireRequest(spec);
  const cert = spec.clientCert;
  // One undici Client per connection rather than a Pool: the pool's choice of a connection for each request
  // measured ~10-30% of throughput on loopback; the least busy connection is chosen here instead.
  const clients = Array.from({ length: options.connections }, () => {
    const client = new Client(url.origin, {
      pipelining: options.pipelining,
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      keepAliveTimeout: 60_000,
      connect: {
        timeout: spec.connectTimeoutMs ?? spec.timeoutMs,
        rejectUnauthorized: !spec.insecure,
        ...(spec.ca === null ? {} : { ca: spec.ca }),
        ...(cert?.cert ? { cert: Buffer.from(cert.cert) } : {}),
        ...(cert?.key ? { key: Buffer.from(cert.key) } : {}),
        ...(cert?.pfx ? { pfx: Buffer.from(cert.pfx) } : {}),
        ...(cert?.passphrase ? { passphrase: cert.passphrase.reveal() } : {}),
      },
    });
    // A connection error is also given to the request that was waiting for it (onError): no unhandled event.
    client.on('connectionError', () => undefined);
    return client;
  });
  const busy = new Int32Array(clients.length);
  let next = 0;
  const timeouts = createTimeoutSweep(spec.timeoutMs);
  return {
    send(done) {
      // The least busy connection, looking from the one after the last chosen (ties go round).
      let lane = next;
      for (let i = 0, n = clients.length; i < n && busy[lane] !== 0; i++) {
        const j = (next + i) % n;
        if ((busy[j] as number) < (busy[lane] as number)) lane = j;
      }
      next = (lane + 1) % clients.length;
      busy[lane] = (busy[lane] as number) + 1;
      (clients[lane] as InstanceType<Undici['Client']>).dispatch(
        dispatchOptions,
        new LoadHandler((outcome) => {
          busy[lane] = (busy[lane] as number) - 1;
          done(outcome);
        }, timeouts) as unknown as Parameters<InstanceType<Undici['Client']>['dispatch']>[1],
      );
    },
    async destroy() {
      timeouts.stop();
      await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
    },
  };
}

/**
 * undici's callback handler of one request: one object per request (its methods on the prototype), which counts
 * the body's bytes and drops them. A response cut off after its head is an error (reset or timeout): its status
 * is not counted.
 */
class LoadHandler {
  status: number | null = null;
  bytes = 0;
  retryAfter: string | null = null;
  settled = false;
  writtenAt: number | undefined = undefined;
  refused: string | null = null;
  /** For the timeout sweep: the request's abort, and whether anything arrived since the sweep last looked. */
  abort: ((error: Error) => void) | null = null;
  active = true;
  idleSince = 0;
  /** Its index in the timeout sweep while it is watched, else -1. */
  slot = -1;
  constructor(
    readonly done: (outcome: LoadOutcome) => void,
    readonly timeouts: TimeoutSweep | null,
  ) {}
  /** undici calls it just before it writes the request on the connection. */
  onConnect(abort: (error: Error) => void): void {
    this.writtenAt = performance.now();
    this.abort = abort;
    this.timeouts?.watch(this);
  }
  onHeaders(statusCode: number, raw: Array<Buffer | string> | null): boolean {
    this.status = statusCode;
    this.active = true;
    if (statusCode === 429 && raw !== null) this.retryAfter = headerOf(raw, 'retry-after');
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    this.active = true;
    return true;
  }
  onComplete(): void {
    this.finish(null);
  }
  onError(error: Error): void {
    this.status = null;
    const code = (error as { code?: unknown }).code;
    if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') this.refused = error.message;
    // Told later, not now: undici calls onError while it fails a connection's queue, and a request sent from
    // inside that call (the runner sends the next one at once) breaks its bookkeeping (an assertion in undici).
    // setImmediate, not process.nextTick: a request refused at once would otherwise be sent again and again from
    // the next-tick queue, which never lets timers or signals run (the run's end, Ctrl-C).
    const kind = error instanceof LoadTimeoutError ? 'timeout' : errorKindOf(error);
    setImmediate(() => this.finish(kind));
  }
  finish(errorKind: LoadErrorKind | null): void {
    if (this.settled) return;
    this.settled = true;
    this.timeouts?.forget(this);
    const outcome: LoadOutcome = this.writtenAt === undefined ? { status: this.status, bytes: this.bytes, retryAfter: this.retryAfter, errorKind } : { status: this.status, bytes: this.bytes, retryAfter: this.retryAfter, errorKind, writtenAt: this.writtenAt };
    this.done(this.refused === null ? outcome : { ...outcome, refused: this.refused });
  }
}

/** The error a request is aborted with when `--timeout` passed without its head or its next body data. */
class LoadTimeoutError extends Error {
  readonly code = 'APITEST_LOAD_TIMEOUT';
}

/**
 * `--timeout` for load requests, kept by apitest: undici's own headers and body timeouts run on a coarse clock
 * (its "fast timers" tick every ~0.5 s, so a 100 ms timeout fired after 0.5–1 s, and a 300 ms answer was taken as
 * in time). One sweep looks at the requests in flight every `timeoutMs / 20` (5 ms to 250 ms): a request with
 * nothing new (written, head, body data) for `timeoutMs` is aborted as a timeout. A timer per request would cost
 * every request; the sweep costs a slot in an array.
 *
 * An array of slots (a freed slot is reused), not a Set: measured with a Set (`--trace-gc`, 10 connections on
 * loopback), every request's handler and undici request outlived two scavenges and went to the old generation
 * (+1.5 MB per scavenge, scavenges of 5-7 ms instead of 0.5 ms, a mark-compact every ~1.2 s): ~2.5 µs more CPU
 * per request, and the pauses showed in the corrected p99 of `--rate` (1.2-1.3 ms above the uncorrected one,
 * 0.6-0.7 ms with the slots).
 */
interface TimeoutSweep {
  watch(handler: LoadHandler): void;
  forget(handler: LoadHandler): void;
  stop(): void;
}

/** The sweep's period for a timeout: a twentieth of it, at least 5 ms and at most 250 ms. */
function sweepPeriodMs(timeoutMs: number): number {
  return Math.min(250, Math.max(5, Math.floor(timeoutMs / 20)));
}

/**
 * How long after its write a silent request has surely been aborted as a `timeout` by the sweep (two periods and
 * a margin past `timeoutMs`): a runner that waits for requests in flight waits this long, so they end as timeouts.
 */
export function timedOutWithinMs(timeoutMs: number): number {
  return timeoutMs + 2 * sweepPeriodMs(timeoutMs) + 50;
}

function createTimeoutSweep(timeoutMs: number): TimeoutSweep {
  const watched: Array<LoadHandler | null> = [];
  const free: number[] = [];
  const period = sweepPeriodMs(timeoutMs);
  let timer: NodeJS.Timeout | null = null;
  const sweep = (): void => {
    const now = performance.now();
    for (let i = 0; i < watched.length; i++) {
      const h = watched[i];
      if (h === null || h === undefined) continue;
      if (h.active) {
        h.active = false;
        h.idleSince = now;
      } else if (now - h.idleSince >= timeoutMs) {
        watched[i] = null;
        free.push(i);
        h.slot = -1;
        h.abort?.(new LoadTimeoutError(`no response within ${timeoutMs} ms`));
      }
    }
  };
  return {
    watch(h) {
      h.active = false;
      h.idleSince = h.writtenAt ?? performance.now();
      // Written again (undici sends a pipelined request again on a new connection): it keeps its slot.
      if (h.slot >= 0) return;
      const slot = free.length > 0 ? (free.pop() as number) : watched.length;
      watched[slot] = h;
      h.slot = slot;
      if (timer === null) {
        timer = setInterval(sweep, period);
        timer.unref();
      }
    },
    forget(h) {
      if (h.slot >= 0) {
        watched[h.slot] = null;
        free.push(h.slot);
        h.slot = -1;
      }
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const h of watched) if (h !== null) h.slot = -1;
      watched.length = 0;
      free.length = 0;
    },
  };
}

/** The request as undici's `dispatch` takes it, built once (method, path with query, headers with credentials, body). */
function wireRequest(spec: RequestSpec) {
  const applied = applyAuth(spec.auth, spec.url, spec.headers);
  const url = new URL(applied.url);
  const headers = wireHeaders(applied.headers);
  const body = spec.body.kind === 'bytes' ? Buffer.from(spec.body.data) : spec.body.kind === 'form' ? formDataOf(spec.body.fields) : null;
  if (Buffer.isBuffer(body) && !applied.headers.some(([n]) => n.toLowerCase() === 'content-length')) headers.push('content-length', String(body.length));
  const dispatchOptions = {
    // Where the request goes: the suite's Agent routes by it (a Client, one origin, uses its own).
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: spec.method as 'GET',
    headers,
    body,
    // Safe to send again on a new connection (undici's own rule): only the idempotent methods.
    idempotent: ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'].includes(spec.method),
    headersTimeout: spec.timeoutMs,
    bodyTimeout: spec.timeoutMs,
  };
  return { url, dispatchOptions };
}

/**
 * A multipart form (a suite step's `form:` with a file) as a FormData, which undici encodes for each request it is
 * sent with (its own boundary, Content-Type and Content-Length), as got does for one request.
 */
function formDataOf(fields: ReadonlyArray<FormField>): InstanceType<Undici['FormData']> {
  const form = new (loadUndici().FormData)();
  for (const field of fields) {
    if (field.kind === 'text') form.append(field.name, field.value);
    else form.append(field.name, new Blob([field.data]), field.fileName);
  }
  return form;
}

/**
 * Whether undici would refuse the request — a header it sets itself or does not support (`Transfer-Encoding`,
 * `Keep-Alive`, `Upgrade`, `Expect`, two `Host`s…), the CONNECT method — and why; null when it would send it.
 * Found without sending anything: the request is given to a client whose connect always fails. Asked before a
 * run (and before any token request), so a request that cannot be sent is a usage error, not a run of failures.
 */
export function loadRequestRefusal(spec: RequestSpec): Promise<string | null> {
  const byMethod = stepRefusal(spec.method, []);
  if (byMethod !== null) return Promise.resolve(byMethod);
  const { url, dispatchOptions } = wireRequest(spec);
  return refusalOf(loadUndici().Client, url.origin, dispatchOptions);
}

/**
 * The refusals of `loadRequestRefusal` that show in a suite step before it is built (its method, its header
 * names), in undici's words; the rest (a header's value) shows when the step is sent.
 */
export function stepRefusal(method: string, headerNames: readonly string[]): string | null {
  if (method === 'CONNECT') return 'the CONNECT method opens a tunnel: there is no answer to measure';
  for (const name of headerNames) {
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding' || lower === 'keep-alive' || lower === 'upgrade') return `invalid ${lower} header`;
    if (lower === 'expect') return 'expect header not supported';
  }
  return null;
}

function refusalOf(Client: Undici['Client'], origin: string, options: object): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = new Client(origin, { connect: (_options: unknown, callback: (error: Error | null, socket: null) => void) => callback(new Error('apitest: probe, not connected'), null) } as never);
    probe.on('connectionError', () => undefined);
    const end = (reason: string | null): void => {
      resolve(reason);
      void probe.destroy().catch(() => undefined);
    };
    probe.dispatch(options as never, {
      onConnect: () => undefined,
      onHeaders: () => true,
      onData: () => true,
      onComplete: () => end(null),
      onError: (error: Error) => {
        const code = (error as { code?: unknown }).code;
        end(code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED' ? error.message : null);
      },
    } as never);
  });
}

/** The request's headers as undici takes them, with apitest's User-Agent unless one is given. */
function wireHeaders(given: ReadonlyArray<readonly [string, string]>): string[] {
  const out: string[] = [];
  if (!given.some(([n]) => n.toLowerCase() === 'user-agent')) out.push('user-agent', USER_AGENT);
  for (const [name, value] of given) out.push(name, value);
  return out;
}

function headerOf(raw: ReadonlyArray<Buffer | string>, name: string): string | null {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
  }
  return null;
}

/** undici's and Node's error codes, by kind. */
export function errorKindOf(error: unknown): LoadErrorKind {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = String(e?.code ?? '');
  const cause = String(e?.cause?.code ?? '');
  for (const c of [code, cause]) {
    if (c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'ETIMEDOUT') return 'timeout';
    // EMFILE/ENFILE: no file descriptor left for the socket (more connections than `ulimit -n` allows).
    if (c === 'ECONNREFUSED' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EADDRNOTAVAIL' || c === 'EMFILE' || c === 'ENFILE') return 'connect';
    if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return 'dns';
    if (c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(c)) return 'tls';
    if (c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET' || c === 'UND_ERR_CLOSED') return 'reset';
    if (c === 'UND_ERR_ABORTED' || c === 'UND_ERR_DESTROYED') return 'aborted';
  }
  return 'other';
}

/**
 * A response of `apitest load --suite`: the outcome, and (when asked for: captures, expectations) its headers and
 * body. `body` is null when not kept, or when it grew past the request's body limit (`bodyTooLarge`).
 */
export interface SuiteLoadOutcome extends LoadOutcome {
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | null;
  readonly bodyTooLarge: boolean;
}

/** What a suite step's checks read of its response: nothing, its head (status and headers), or its body too. */
export type SuiteKeep = 'nothing' | 'head' | 'body';

export interface SuiteLoadTransport {
  /** Sends one request of a suite step (any origin), keeping what its captures and expectations read. */
  send(spec: RequestSpec, keep: SuiteKeep, done: (outcome: SuiteLoadOutcome) => void): void;
  destroy(): Promise<void>;
}

/**
 * The transport of `apitest load --suite`: one undici Agent (a pool of `connections` per origin), each request
 * built from its own spec (the steps differ). TLS settings are the first request's (a suite's steps share them).
 */
export function createSuiteLoadTransport(options: LoadTransportOptions & { insecure: boolean; ca: string | null }): SuiteLoadTransport {
  const { Agent } = loadUndici();
  const agent = new Agent({
    connections: options.connections,
    pipelining: options.pipelining,
    keepAliveTimeout: 60_000,
    connect: { rejectUnauthorized: !options.insecure, ...(options.ca === null ? {} : { ca: options.ca }) },
  });
  agent.on('connectionError', () => undefined);
  // One sweep per distinct --timeout of the steps (a step may set its own).
  const sweeps = new Map<number, TimeoutSweep>();
  const sweepFor = (timeoutMs: number): TimeoutSweep => {
    let sweep = sweeps.get(timeoutMs);
    if (sweep === undefined) {
      sweep = createTimeoutSweep(timeoutMs);
      sweeps.set(timeoutMs, sweep);
    }
    return sweep;
  };
  return {
    send(spec, keep, done) {
      const { dispatchOptions } = wireRequest(spec);
      agent.dispatch(
        dispatchOptions,
        new SuiteLoadHandler(keep !== 'nothing', keep === 'body' ? spec.maxBody.bytes : null, done, sweepFor(spec.timeoutMs)) as unknown as Parameters<InstanceType<Undici['Agent']>['dispatch']>[1],
      );
    },
    async destroy() {
      for (const sweep of sweeps.values()) sweep.stop();
      await agent.destroy().catch(() => undefined);
    },
  };
}

class SuiteLoadHandler extends LoadHandler {
  headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  chunks: Buffer[] | null;
  kept = 0;
  tooLarge = false;
  /** `keepHead`: collect the headers; `maxBytes`: keep the body up to this many bytes (null: do not keep it). */
  constructor(
    readonly keepHead: boolean,
    readonly maxBytes: number | null,
    done: (outcome: SuiteLoadOutcome) => void,
    timeouts: TimeoutSweep,
  ) {
    super((o) => done({ ...o, headers: this.headers, body: this.chunks === null ? null : Buffer.concat(this.chunks), bodyTooLarge: this.tooLarge }), timeouts);
    this.chunks = maxBytes === null ? null : [];
  }
  override onHeaders(statusCode: number, raw: Array<Buffer | string> | null): boolean {
    if (this.keepHead && raw !== null) {
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = String(raw[i]).toLowerCase();
        const value = String(raw[i + 1]);
        const had = this.headers[name];
        this.headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
      }
    }
    return super.onHeaders(statusCode, raw);
  }
  override onData(chunk: Buffer): boolean {
    if (this.chunks !== null) {
      this.kept += chunk.length;
      if (this.kept > (this.maxBytes as number)) {
        // Past the limit: counted (bytes), no longer kept.
        this.chunks = null;
        this.tooLarge = true;
      } else this.chunks.push(chunk);
    }
    return super.onData(chunk);
  }
}
