/**
 * Timings by phase, from a monotonic clock (util/monotonic-ms.ts, sub-millisecond), measured on the request's own
 * socket events. The phases are contiguous, so they add up to the total (within rounding):
 *
 *   wait      from the start until a socket is assigned (the agent's queue, the client's set-up)
 *   dns       looking up the host          (new connections to a host name only)
 *   tcp       connecting                   (new connections only)
 *   tls       the TLS handshake            (new https connections only)
 *   send      writing the request (headers and body)
 *   firstByte waiting for the response head
 *   download  reading the body
 *
 * A phase that did not happen is null (no DNS for an IP address or a kept-alive connection). When the request
 * fails, the phase it failed in runs until the failure, and the later ones are null.
 *
 * Through a proxy (proxy-agent.ts) the connection carries its own marks: dns is the proxy's name, tcp runs until
 * the proxy is reached (its TLS handshake, for an https:// proxy, and the CONNECT tunnel included), tls is the
 * handshake with the server through the tunnel. With --http2 the connection that negotiates ALPN does the same
 * (http2.ts).
 */
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Timings } from './types.js';

/** The marks of a connection opened by apitest's own code (a proxy, HTTP/2): monotonicMs() times. */
export interface ConnectionMarks {
  /** The connection was asked for. */
  start: number;
  /** The host was looked up (absent for an IP address). */
  lookup?: number;
  /** Connected: TCP (through a proxy: the proxy reached, its TLS handshake and the CONNECT tunnel included). */
  connected?: number;
  /** The TLS handshake with the server is done. */
  secure?: number;
  /** Whether a DNS lookup applies (a host name, not an address). */
  readonly dns: boolean;
  /** Set by the first request on the connection, which alone shows its phases. */
  claimed?: boolean;
}

/** Where a socket opened by apitest's own code keeps its ConnectionMarks. */
export const CONNECTION_MARKS = Symbol.for('apitest.connectionMarks');

export interface Marks {
  start: number;
  /** Which connection phases apply: no DNS for an IP address, no TLS for http, neither on a kept-alive socket. */
  dns: boolean;
  tls: boolean;
  reused?: boolean;
  socket?: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  sent?: number;
  response?: number;
  end?: number;
  /** A connection that carries its own marks (read when the timings are computed). */
  connection?: ConnectionMarks;
}

const PHASES = [
  ['wait', 'socket'],
  ['dns', 'lookup'],
  ['tcp', 'connect'],
  ['tls', 'secure'],
  ['send', 'sent'],
  ['firstByte', 'response'],
  ['download', 'end'],
] as const;

/** The phases of a request from its marks. Pure. */
export function timingsOf(given: Marks): Timings {
  const c = given.connection;
  const marks: Marks =
    c === undefined || given.reused === true
      ? given
      : { ...given, socket: Math.min(given.socket ?? c.start, c.start), lookup: c.lookup, connect: c.connected, secure: c.secure, dns: c.dns } as Marks;
  const out: Timings = { wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: null };
  const end = marks.end;
  if (end === undefined) return out;
  let previous = marks.start;
  for (const [phase, mark] of PHASES) {
    const at = marks[mark];
    // The body is downloaded only once a response head came.
    if (at === undefined || (phase === 'download' && marks.response === undefined)) continue;
    // Clamped: each phase starts where the one before ended, so they add up to the total.
    const until = Math.min(Math.max(at, previous), end);
    out[phase] = until - previous;
    previous = until;
  }
  // The phase in progress when the request ended (a failure, or no response head) runs until then.
  if (previous < end) {
    const applies = (phase: (typeof PHASES)[number][0]): boolean =>
      !(marks.reused === true && (phase === 'dns' || phase === 'tcp' || phase === 'tls')) && (phase !== 'dns' || marks.dns) && (phase !== 'tls' || marks.tls);
    const next = PHASES.find(([phase, mark]) => applies(phase) && (marks[mark] === undefined || (marks[mark] as number) > end));
    if (next !== undefined) out[next[0]] = (out[next[0]] ?? 0) + (end - previous);
  }
  out.total = end - marks.start;
  return out;
}

/** Marks the socket events of a request as they happen. */
export function watchRequest(req: ClientRequest, marks: Marks, now: () => number): void {
  req.once('socket', (socket: Socket) => {
    marks.socket = now();
    // A connection opened by apitest's own code (a proxy tunnel, the one that asked for ALPN) carries its marks:
    // the first request on it claims them (even when Node thinks the socket reused), later ones reuse it.
    const own = (socket as Socket & { [CONNECTION_MARKS]?: ConnectionMarks })[CONNECTION_MARKS];
    if (own !== undefined && own.claimed !== true) {
      own.claimed = true;
      marks.connection = own;
      marks.reused = false;
      return;
    }
    // A kept-alive socket is already connected: it has no lookup, connect or handshake of its own.
    marks.reused = req.reusedSocket || own !== undefined;
    if (marks.reused) return;
    socket.once('lookup', () => (marks.lookup = now()));
    socket.once('connect', () => (marks.connect = now()));
    socket.once('secureConnect', () => (marks.secure = now()));
  });
  req.once('finish', () => (marks.sent = now()));
  req.once('response', () => (marks.response = now()));
}
