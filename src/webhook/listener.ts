/**
 * The receiver behind `apitest webhook listen`: a small local HTTP server that
 * verifies each delivery over its raw body bytes and can pass verified ones on
 * to a local app, byte for byte.
 *
 * Transport note: outbound API requests go through the engine (got). This is a
 * local development receiver and a byte-exact pass-through, so it deliberately
 * uses `node:http` / `node:https` directly: no body re-encoding, no header
 * normalisation, no retries or redirects that a client library would add.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { VerifyResult } from './scheme.js';

export interface ListenOptions {
  host: string;
  port: number;
  /** Only this exact pathname is accepted (any query string allowed); others get 404. */
  path: string;
  maxBodyBytes: number;
  verify: (body: Buffer, headers: IncomingHttpHeaders) => VerifyResult;
  /** URL of an app that receives each verified delivery, unchanged. */
  forward?: string;
  forwardTimeoutMs?: number;
}

export interface DeliveryEvent {
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** The request target as received (path and query). */
  path: string;
  event: string | null;
  /** Body bytes received. */
  size: number;
  verified: boolean;
  reason: string | null;
  /**
   * What we answered; 499 when the client went away before we could answer. A request that is not
   * valid HTTP is reported with method and path "-" and status 400 (431: headers too large, 408: timed out).
   */
  status: number;
  forwardStatus?: number | null;
  forwardError?: string;
}

export interface Listener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Status reported for a client that disconnected before the answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
/** How long a refused (413) upload is still drained before the connection is cut. */
const LINGER_MS = 2_000;

/** Shown as the method and path of a request that could not be parsed. */
export const UNKNOWN = '-';
export const MALFORMED_REASON = 'malformed HTTP request';
export const CLIENT_DISCONNECTED_REASON = 'client disconnected';

/**
 * What node's HTTP parser (or its request timeouts) reported about a request, as the status we
 * answer and the reason we report; null for socket errors (resets, broken pipes), which have no
 * request to answer. Mirrors node's own default answers.
 */
export function clientErrorOutcome(code: string | undefined): { status: number; reason: string; answer: boolean } | null {
  // The sender closed its side in the middle of a request: nobody is left to answer.
  if (code === 'HPE_INVALID_EOF_STATE') return { status: CLIENT_CLOSED_STATUS, reason: CLIENT_DISCONNECTED_REASON, answer: false };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'request headers too large', answer: true };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'request timed out', answer: true };
  if (code !== undefined && code.startsWith('HPE_')) return { status: 400, reason: MALFORMED_REASON, answer: true };
  return null;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
const ERROR_BODY: Record<number, string> = { 400: 'bad request', 408: 'request timed out', 431: 'request headers too large' };

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones node recomputes for the new connection. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect']);

function sendJson(res: ServerResponse, status: number, payload: unknown, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

function pathnameOf(target: string): string {
  const q = target.search(/[?#]/);
  return q === -1 ? target : target.slice(0, q);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** The request's raw headers minus hop-by-hop ones, in the original order and casing. */
function forwardableHeaders(req: IncomingMessage, host: string, bodyLength: number): [string, string][] {
  const connectionTokens = new Set(
    (req.headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  // Raw-array headers make node skip its automatic Host, so name the app's host here.
  const out: [string, string][] = [['Host', host]];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower) || connectionTokens.has(lower)) continue;
    out.push([name, value]);
  }
  // The body is identical, so this equals the sender's Content-Length (and replaces chunked framing).
  out.push(['Content-Length', String(bodyLength)]);
  return out;
}

interface ForwardOutcome {
  forwardStatus: number | null;
  forwardError?: string;
}

export async function startWebhookListener(opts: ListenOptions, onEvent: (e: DeliveryEvent) => void): Promise<Listener> {
  const sockets = new Set<Socket>();
  /**
   * The request being received on each socket: a parse error while its body is still arriving
   * (e.g. broken chunked framing) belongs to that delivery rather than to a new, unknown one.
   */
  const receiving = new Map<Socket, { req: IncomingMessage; res: ServerResponse; fail: (status: number, reason: string) => void }>();
  /** Sockets whose parser failed: node raises the same error for every later chunk, reported once. */
  const broken = new WeakSet<Socket>();
  const forwards = new Set<http.ClientRequest>();
  const forwardTimeoutMs = opts.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
  const forwardUrl = opts.forward === undefined ? undefined : new URL(opts.forward);
  if (forwardUrl !== undefined && forwardUrl.protocol !== 'http:' && forwardUrl.protocol !== 'https:') {
    throw new Error(`cannot forward to ${opts.forward}: only http and https URLs`);
  }
  let closing = false;

  const report = (e: DeliveryEvent): void => {
    try {
      onEvent(e);
    } catch {
      // A failing observer must not take the receiver down.
    }
  };

  function forward(req: IncomingMessage, body: Buffer): Promise<ForwardOutcome> {
    const target = forwardUrl;
    if (target === undefined) return Promise.resolve({ forwardStatus: null, forwardError: 'no forward URL' });
    return new Promise<ForwardOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: ForwardOutcome): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      try {
        const transport = target.protocol === 'https:' ? https : http;
        const outgoing = transport.request({
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port === '' ? undefined : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method: req.method ?? 'POST',
          headers: forwardableHeaders(req, target.host, body.length).flat(),
          agent: false,
          timeout: forwardTimeoutMs,
        });
        forwards.add(outgoing);
        outgoing.on('close', () => forwards.delete(outgoing));
        outgoing.on('response', (res) => {
          settle({ forwardStatus: res.statusCode ?? null });
          res.on('error', () => undefined);
          res.resume();
        });
        outgoing.on('timeout', () => {
          settle({ forwardStatus: null, forwardError: `no answer within ${forwardTimeoutMs}ms` });
          outgoing.destroy();
        });
        outgoing.on('error', (error) => settle({ forwardStatus: null, forwardError: describeError(error) }));
        outgoing.end(body);
      } catch (error) {
        settle({ forwardStatus: null, forwardError: describeError(error) });
      }
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = new Date().toISOString();
    const method = req.method ?? '';
    const target = req.url ?? '';
    const base = { time: started, method, path: target };
    let size = 0;
    let done = false;
    const finish = (e: Omit<DeliveryEvent, 'time' | 'method' | 'path'>): void => {
      if (done) return;
      done = true;
      report({ ...base, ...e });
    };

    req.on('error', () => undefined);
    res.on('error', () => undefined);

    const socket = req.socket;
    const entry = { req, res, fail: (status: number, reason: string) => finish({ event: null, size, verified: false, reason, status }) };
    receiving.set(socket, entry);
    const received = (): void => {
      if (receiving.get(socket) === entry) receiving.delete(socket);
    };
    req.once('end', received);
    req.once('close', received);

    if (pathnameOf(target) !== opts.path) {
      sendJson(res, 404, { error: 'not found' });
      finish({ event: null, size: 0, verified: false, reason: `path not found (listening on ${opts.path})`, status: 404 });
      return;
    }
    if (method !== 'POST') {
      sendJson(res, 405, { error: 'method not allowed' }, { Allow: 'POST' });
      finish({ event: null, size: 0, verified: false, reason: `method ${method} not allowed`, status: 405 });
      return;
    }

    const tooLarge = (): void => {
      // Stop buffering, answer, then close the connection. The rest of the upload is
      // drained (discarded) briefly so the client can read the 413 instead of a reset.
      req.removeAllListeners('data');
      req.on('data', () => undefined);
      sendJson(res, 413, { error: 'body too large' }, { Connection: 'close' });
      const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
      cut.unref();
      req.once('end', () => {
        clearTimeout(cut);
        req.socket.destroySoon();
      });
      finish({ event: null, size, verified: false, reason: 'body too large', status: 413 });
    };

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBodyBytes) {
      tooLarge();
      return;
    }

    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBodyBytes) {
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('close', () => {
      if (!req.complete) {
        finish({ event: null, size, verified: false, reason: CLIENT_DISCONNECTED_REASON, status: CLIENT_CLOSED_STATUS });
      }
    });
    req.on('end', () => {
      if (done) return;
      try {
        const body = Buffer.concat(chunks, size);
        let result: VerifyResult;
        try {
          result = opts.verify(body, req.headers);
        } catch (error) {
          sendJson(res, 500, { error: 'internal error' });
          finish({ event: null, size, verified: false, reason: `verification failed: ${describeError(error)}`, status: 500 });
          return;
        }
        if (!result.ok) {
          sendJson(res, 401, { error: result.reason, message: result.message });
          finish({ event: result.event, size, verified: false, reason: result.message, status: 401 });
          return;
        }
        // Answer the sender at once, whatever the app will say.
        sendJson(res, 200, { ok: true });
        if (forwardUrl === undefined || closing) {
          finish({ event: result.event, size, verified: true, reason: null, status: 200 });
          return;
        }
        const event = result.event;
        void forward(req, body).then((outcome) => {
          finish({ event, size, verified: true, reason: null, status: 200, ...outcome });
        });
      } catch (error) {
        sendJson(res, 500, { error: 'internal error' });
        finish({ event: null, size, verified: false, reason: `internal error: ${describeError(error)}`, status: 500 });
      }
    });
  }

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      try {
        sendJson(res, 500, { error: 'internal error' });
      } catch {
        res.destroy();
      }
      report({
        time: new Date().toISOString(),
        method: req.method ?? '',
        path: req.url ?? '',
        event: null,
        size: 0,
        verified: false,
        reason: `internal error: ${describeError(error)}`,
        status: 500,
      });
    }
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      receiving.delete(socket);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Requests that are not valid HTTP (or time out) are answered like node would and reported as
    // a delivery; socket errors (resets, broken pipes) just close: a request that was under way is
    // then reported by its own handler as "client disconnected".
    const outcome = clientErrorOutcome(error.code);
    if (outcome === null) {
      socket.destroy();
      return;
    }
    // The parser stays broken: later bytes on this socket raise the same error again.
    if (broken.has(socket)) return;
    broken.add(socket);
    const current = receiving.get(socket);
    receiving.delete(socket);

    /** Answers (when it still can) and closes; the status to report, 499 when nothing could be answered. */
    const reject = (res: ServerResponse | null): number => {
      // Never write an answer into one already under way (node's own rule); what was queued still flushes.
      const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      const answered = res?.headersSent === true || inFlight?.headersSent === true;
      let status: number = CLIENT_CLOSED_STATUS;
      try {
        if (outcome.answer && !answered && socket.writable && !socket.destroyed) {
          const body = JSON.stringify({ error: ERROR_BODY[outcome.status] ?? 'bad request' });
          socket.end(
            `HTTP/1.1 ${outcome.status} ${STATUS_TEXT[outcome.status] ?? 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
          status = outcome.status;
        }
        socket.destroySoon();
      } catch {
        socket.destroy();
      }
      return status;
    };

    if (current !== undefined && !current.req.complete) {
      // The bad bytes are part of this delivery (e.g. broken chunked framing): it is reported with
      // its method and path; a no-op when it was already reported (404, 405, 413).
      current.fail(reject(current.res), outcome.reason);
      return;
    }
    const reportUnknown = (status: number): void =>
      report({ time: new Date().toISOString(), method: UNKNOWN, path: UNKNOWN, event: null, size: 0, verified: false, reason: outcome.reason, status });
    if (current !== undefined && !current.res.writableFinished) {
      // A complete delivery is still being answered (keep-alive / pipelining): its answer goes first.
      current.res.once('close', () => reportUnknown(reject(null)));
      return;
    }
    // Counted like any other delivery (e.g. toward --max-events).
    reportUnknown(reject(null));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      resolve();
    });
  });

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${hostForUrl}:${port}${opts.path}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const outgoing of forwards) outgoing.destroy(new Error('listener closed'));
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
