/**
 * `--http2`: HTTP/2 over TLS, negotiated with ALPN (`h2`, else `http/1.1`), by http2-wrapper (got's own HTTP/2
 * module). It is loaded only when a request asks for HTTP/2: the build stubs it out of the main bundle
 * (scripts/build-plugins.mjs, 'stub-got-extras') and writes it as its own file, dist/http2.cjs, so a plain
 * HTTP/1.1 request neither reads nor compiles it. Run from the sources (tests), it is the package in node_modules.
 *
 * Timings: the connection that asks the server for ALPN carries its own marks (request-timings.ts); for HTTP/2 it
 * becomes the session's connection, for HTTP/1.1 it is handed to the keep-alive agent. A later request on the same
 * session is a reused connection (no DNS, TCP or TLS). Known limit: when a session to an origin whose protocol is
 * already known closes and a new one is opened, that connection's set-up is counted in Wait.
 */
import type { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ClientRequest } from 'node:http';
import { CONNECTION_MARKS, type ConnectionMarks } from './request-timings.js';
import { sideBundle } from '../util/side-bundle.js';
import { monotonicMs } from '../util/monotonic-ms.js';

type Http2Wrapper = typeof import('http2-wrapper');

/** http2-wrapper, read on first use: dist/http2.cjs beside the bundle, else the package (run from the sources). */
export const loadHttp2Wrapper: () => Http2Wrapper = sideBundle('http2.cjs', 'http2-wrapper');

/** What got needs to send one request with HTTP/2 allowed: its request function and the agents. */
export interface Http2Client {
  /** got's `request` option. */
  readonly request: (url: URL, options: object, callback?: (response: unknown) => void) => Promise<ClientRequest>;
  readonly agent: { readonly http2: unknown };
  destroy(): void;
}

/**
 * One per transport: the HTTP/2 session pool and the ALPN answers of the run (per host:port). `https` is the
 * keep-alive agent HTTP/1.1 falls back to.
 */
export function createHttp2Client(https: HttpsAgent): Http2Client {
  const h2 = loadHttp2Wrapper();
  const agent = new h2.Agent();
  const cache = new Map<string, string>();
  const queue = new Map<string, unknown>();
  // A connection made to learn the protocol carries its marks; the first request on it claims them.
  const connect = (options: ConnectionOptions & { host?: string; port?: number }, callback: () => void): TLSSocket => {
    const marks: ConnectionMarks = { start: monotonicMs(), dns: isIP(options.host ?? '') === 0 };
    const socket = tlsConnect(options, callback);
    socket.once('lookup', () => (marks.lookup = monotonicMs()));
    socket.once('connect', () => (marks.connected = monotonicMs()));
    socket.once('secureConnect', () => (marks.secure = monotonicMs()));
    (socket as TLSSocket & { [CONNECTION_MARKS]?: ConnectionMarks })[CONNECTION_MARKS] = marks;
    return socket;
  };
  const resolveProtocol = h2.auto.createResolveProtocol(cache as never, queue as never, connect as never);
  return {
    request: (url, options, callback) =>
      h2.auto(url, { ...(options as object), agent: { http2: agent, https }, resolveProtocol } as never, callback as never) as unknown as Promise<ClientRequest>,
    agent: { http2: agent },
    destroy: () => agent.destroy(),
  };
}
