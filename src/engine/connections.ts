/**
 * How one request goes out: directly on the transport's keep-alive agents, through a proxy's agents
 * (proxy-agent.ts), or with HTTP/2 allowed (http2.ts). The proxy agents and the HTTP/2 client are made on first
 * use and kept for the run (connections are reused per proxy and server), so a plain request makes none of them
 * and loads no HTTP/2 code.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { ClientCertificate, ProxyEndpoint } from '../model/network-spec.js';
import { createHttp2Client, type Http2Client } from './http2.js';
import { createProxyAgents, type ProxyAgents } from './proxy-agent.js';
import { proxyDisplay } from './proxy-settings.js';
import type { SendOptions } from './transport.js';
import type { RouteNote } from './types.js';

export interface Route {
  /** The proxy the request goes through, or null. */
  readonly proxy: ProxyEndpoint | null;
  /** got's `agent` option for this request, or null for the transport's own. */
  readonly agent: { readonly http: HttpAgent; readonly https: HttpsAgent } | null;
  /** got's `request` option (HTTP/2 with ALPN), or null for Node's. */
  readonly request: unknown;
  readonly clientCert: ClientCertificate | null;
  /** What -v says about the route, once the response's HTTP version is known (null: nothing to say). */
  note(responseVersion: string | null): RouteNote | null;
}

export interface Connections {
  route(url: string, options: SendOptions): Route;
  destroy(): void;
}

export function createConnections(agents: { readonly https: HttpsAgent }, userAgent: string): Connections {
  const proxies = new Map<string, ProxyAgents>();
  let http2: Http2Client | null = null;
  const proxyAgents = (endpoint: ProxyEndpoint, ca: string | null): ProxyAgents => {
    const key = JSON.stringify([endpoint.protocol, endpoint.hostname, endpoint.port, endpoint.user, endpoint.password?.reveal() ?? null, ca]);
    let found = proxies.get(key);
    if (found === undefined) {
      found = createProxyAgents(endpoint, { ca, userAgent });
      proxies.set(key, found);
    }
    return found;
  };
  return {
    route: (url, options) => {
      const choice = options.proxy ?? { kind: 'direct' as const };
      const https = url.startsWith('https:');
      const proxy = choice.kind === 'proxy' ? choice.endpoint : null;
      const wantsHttp2 = options.http2 === true;
      const useHttp2 = wantsHttp2 && https && proxy === null;
      const agent = proxy === null ? null : proxyAgents(proxy, options.ca);
      if (useHttp2) http2 ??= createHttp2Client(agents.https);
      return {
        proxy,
        agent: agent === null ? null : { http: agent.http, https: agent.https },
        request: useHttp2 && http2 !== null ? http2.request : null,
        clientCert: options.clientCert ?? null,
        note: (version) => {
          if (choice.kind === 'direct' && !wantsHttp2) return null;
          return {
            proxy: proxy === null ? null : { url: proxyDisplay(proxy), source: proxy.source, tunnel: https },
            bypass: choice.kind === 'bypass' ? { host: choice.host, source: choice.source } : null,
            http2: !wantsHttp2 ? null : proxy !== null ? 'proxy' : !https ? 'not-tls' : version === '2.0' ? 'negotiated' : version === null ? null : 'not-offered',
          };
        },
      };
    },
    destroy: () => {
      for (const agents of proxies.values()) agents.destroy();
      proxies.clear();
      http2?.destroy();
    },
  };
}
