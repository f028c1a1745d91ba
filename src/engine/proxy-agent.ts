/**
 * The two agents of a proxy (node:http, node:net and node:tls only; no dependency):
 *
 * - http:// URLs go to the proxy as they are, in absolute form (`GET http://host/path HTTP/1.1`, with
 *   `Proxy-Authorization`), as curl sends them: ForwardProxyAgent.
 * - https:// URLs go through a tunnel: `CONNECT host:443` to the proxy, then TLS with the server through it, so
 *   the proxy sees neither the request nor the server's certificate: TunnelProxyAgent.
 *
 * Both connect to the proxy with TCP, or with TLS for an https:// proxy (verified like the server: system CAs,
 * `--cacert`, not with `-k`). Each connection carries its own marks (CONNECTION_MARKS) so the timings say what
 * happened on it (request-timings.ts): DNS is the proxy's name, TCP runs until the proxy is reached (its TLS
 * handshake and the CONNECT exchange included), TLS is the handshake with the server through the tunnel.
 * Kept-alive connections are reused per proxy and server, as without a proxy.
 */
import { Agent as HttpAgent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ProxyEndpoint } from '../model/network-spec.js';
import { proxyAuthorization } from './proxy-settings.js';
import { CONNECTION_MARKS, type ConnectionMarks } from './request-timings.js';
import { monotonicMs } from '../util/monotonic-ms.js';



/** A failure of the proxy itself (it refused the tunnel, or answered something that is not HTTP). */
export class ProxyTunnelError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
    readonly statusText: string,
  ) {
    super(message);
    this.name = 'ProxyTunnelError';
  }
}

export interface ProxyAgentOptions {
  /** TLS settings for an https:// proxy. */
  readonly ca: string | null;
  readonly userAgent: string;
}

/** The most a CONNECT answer's head may be. */
const MAX_CONNECT_HEAD = 16 * 1024;

export interface ProxyAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  destroy(): void;
}

export function createProxyAgents(endpoint: ProxyEndpoint, options: ProxyAgentOptions): ProxyAgents {
  const http = new ForwardProxyAgent(endpoint, options);
  const https = new TunnelProxyAgent(endpoint, options);
  return {
    http,
    https,
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}

/** The proxy's host name without IPv6 brackets. */
function proxyHost(endpoint: ProxyEndpoint): string {
  return endpoint.hostname.replace(/^\[|\]$/g, '');
}

/** Opens a connection to the proxy; `marks.connected` is set once it is reached (TCP, and TLS for an https:// proxy). */
function connectToProxy(endpoint: ProxyEndpoint, options: ProxyAgentOptions, marks: ConnectionMarks): Socket | TLSSocket {
  const host = proxyHost(endpoint);
  const socket: Socket | TLSSocket =
    endpoint.protocol === 'https:'
      ? tlsConnect({
          host,
          port: endpoint.port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...(options.ca === null ? {} : { ca: options.ca }),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host, port: endpoint.port });
  socket.once('lookup', () => (marks.lookup = monotonicMs()));
  socket.once(endpoint.protocol === 'https:' ? 'secureConnect' : 'connect', () => (marks.connected = monotonicMs()));
  return socket;
}

/** Tags an error of the connection to the proxy, so the message names the proxy rather than the server. */
function fromProxy(error: Error & { proxy?: boolean }): Error {
  error.proxy = true;
  return error;
}

/** http:// URLs: the request goes to the proxy in absolute form. */
class ForwardProxyAgent extends HttpAgent {
  constructor(
    private readonly endpoint: ProxyEndpoint,
    private readonly options: ProxyAgentOptions,
  ) {
    super({ keepAlive: true });
  }

  addRequest(req: ClientRequest, options: object): void {
    // Node has set Host from the URL; the request line names the whole URL (RFC 9112 absolute-form).
    const host = String(req.getHeader('host') ?? '');
    if (!/^[a-z]+:\/\//i.test(req.path)) req.path = `http://${host}${req.path}`;
    const auth = proxyAuthorization(this.endpoint);
    if (auth !== null && !req.hasHeader('proxy-authorization')) req.setHeader('Proxy-Authorization', auth);
    (HttpAgent.prototype as unknown as { addRequest: (req: ClientRequest, options: object) => void }).addRequest.call(this, req, options);
  }

  override createConnection(): Socket {
    const marks: ConnectionMarks = { start: monotonicMs(), dns: isIP(proxyHost(this.endpoint)) === 0 };
    const socket = connectToProxy(this.endpoint, this.options, marks);
    socket.once('error', (error) => fromProxy(error));
    (socket as Socket & { [CONNECTION_MARKS]?: ConnectionMarks })[CONNECTION_MARKS] = marks;
    return socket;
  }
}

/** https:// URLs: a CONNECT tunnel, then TLS with the server through it. */
class TunnelProxyAgent extends HttpsAgent {
  /** Connections still opening their tunnel: closed with the agent (a proxy that never answers must not keep the process alive). */
  private readonly opening = new Set<Socket>();

  constructor(
    private readonly endpoint: ProxyEndpoint,
    private readonly proxyOptions: ProxyAgentOptions,
  ) {
    super({ keepAlive: true });
  }

  override createConnection(requestOptions: object, oncreate?: (error: Error | null, socket: Duplex) => void): undefined {
    const options = requestOptions as ConnectionOptions & { host?: string; port?: number };
    const callback = (error: Error | null, socket?: Socket): void => oncreate?.(error, socket as Duplex);
    const marks: ConnectionMarks = { start: monotonicMs(), dns: isIP(proxyHost(this.endpoint)) === 0 };
    const target = `${options.host !== undefined && isIP(options.host) === 6 ? `[${options.host}]` : (options.host ?? 'localhost')}:${options.port ?? 443}`;
    const socket = connectToProxy(this.endpoint, this.proxyOptions, marks);
    this.opening.add(socket);
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      this.opening.delete(socket);
      socket.destroy();
      callback(error);
    };
    socket.once('error', (error) => fail(fromProxy(error)));
    socket.once('close', () => fail(fromProxy(Object.assign(new Error(`the proxy closed the connection before the tunnel to ${target} was open`), { code: 'ECONNRESET' }))));
    socket.once(this.endpoint.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const auth = proxyAuthorization(this.endpoint);
      socket.write(
        `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nUser-Agent: ${this.proxyOptions.userAgent}\r\n${auth === null ? '' : `Proxy-Authorization: ${auth}\r\n`}Proxy-Connection: Keep-Alive\r\n\r\n`,
      );
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_CONNECT_HEAD) fail(new ProxyTunnelError(`the proxy's answer to CONNECT ${target} is not HTTP`, 'ERR_PROXY_RESPONSE', null, ''));
        return;
      }
      socket.off('data', onData);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (match === null) {
        fail(new ProxyTunnelError(`the proxy's answer to CONNECT ${target} is not HTTP`, 'ERR_PROXY_RESPONSE', null, ''));
        return;
      }
      const status = Number(match[1]);
      if (status < 200 || status > 299) {
        fail(new ProxyTunnelError(`the proxy refused the tunnel to ${target}`, 'ERR_PROXY_TUNNEL', status, match[2] ?? ''));
        return;
      }
      marks.connected = monotonicMs();
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      const { host: _host, port: _port, path: _path, ...tlsOptions } = options as ConnectionOptions & { host?: string; port?: number; path?: string };
      const secure = tlsConnect({ ...tlsOptions, socket });
      secure.once('secureConnect', () => (marks.secure = monotonicMs()));
      (secure as TLSSocket & { [CONNECTION_MARKS]?: ConnectionMarks })[CONNECTION_MARKS] = marks;
      settled = true;
      this.opening.delete(socket);
      callback(null, secure);
    };
    socket.on('data', onData);
    return undefined;
  }

  override destroy(): void {
    for (const socket of this.opening) socket.destroy();
    this.opening.clear();
    super.destroy();
  }
}
