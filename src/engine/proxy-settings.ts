/**
 * Which proxy a request goes through, as curl decides it (pure):
 *
 * 1. `--proxy` (suites: `proxy`) for every URL; `false`/none given: the environment — `http_proxy`/`HTTP_PROXY`
 *    for http:// URLs, `https_proxy`/`HTTPS_PROXY` for https:// URLs, else `all_proxy`/`ALL_PROXY` (the lower-case
 *    name first, as curl reads them; an empty value counts as unset).
 * 2. `--noproxy` (suites: `noProxy`), else `no_proxy`/`NO_PROXY`: hosts that go direct (no-proxy.ts), whichever
 *    way the proxy was given. `--noproxy ''` turns the environment's list off.
 *
 * A proxy URL is `http://` or `https://` (TLS to the proxy), `[user:password@]host[:port]`; without a scheme it
 * is `http://`, without a port 1080 (http, curl's default) or 443 (https). Credentials are percent-decoded and sent
 * as `Proxy-Authorization: Basic …`.
 */
import { UsageError } from '../errors.js';
import { Secret } from '../redact/secret.js';
import { bypassesProxy } from '../model/no-proxy.js';
import type { ProxyChoice, ProxyEndpoint, ProxySettings } from '../model/network-spec.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyInput {
  /** `--proxy URL` or a suite's `proxy: URL`; `false`: no proxy, whatever the environment says; undefined: the environment. */
  readonly proxy?: { readonly value: string; readonly source: string } | false;
  /** `--noproxy LIST` (or a suite's `noProxy`); undefined: the environment's. */
  readonly noProxy?: { readonly value: string; readonly source: string };
  readonly env: Env;
}

/** The proxies of a request, or null when none applies. Throws a UsageError for a proxy URL that cannot be used. */
export function proxySettingsOf(input: ProxyInput): ProxySettings | null {
  let http: ProxyEndpoint | null = null;
  let https: ProxyEndpoint | null = null;
  if (input.proxy === false) return null;
  if (input.proxy !== undefined) {
    http = https = parseProxyUrl(input.proxy.value, input.proxy.source);
  } else {
    const all = fromEnv(input.env, 'all_proxy', 'ALL_PROXY');
    const forHttp = fromEnv(input.env, 'http_proxy', 'HTTP_PROXY') ?? all;
    const forHttps = fromEnv(input.env, 'https_proxy', 'HTTPS_PROXY') ?? all;
    http = forHttp === null ? null : parseProxyUrl(forHttp.value, forHttp.name);
    https = forHttps === null ? null : parseProxyUrl(forHttps.value, forHttps.name);
  }
  if (http === null && https === null) return null;
  const list = input.noProxy !== undefined ? { value: input.noProxy.value, name: input.noProxy.source } : fromEnv(input.env, 'no_proxy', 'NO_PROXY');
  return { http, https, noProxy: list?.value ?? null, noProxySource: list?.name ?? null };
}

/** The proxy for one URL (each redirect hop asks again). */
export function chooseProxy(settings: ProxySettings | null, url: string): ProxyChoice {
  if (settings === null) return DIRECT;
  const parsed = new URL(url);
  const endpoint = parsed.protocol === 'https:' ? settings.https : settings.http;
  if (endpoint === null) return DIRECT;
  if (bypassesProxy(parsed.hostname, settings.noProxy)) return { kind: 'bypass', host: parsed.hostname, source: settings.noProxySource ?? 'NO_PROXY' };
  return { kind: 'proxy', endpoint };
}

const DIRECT: ProxyChoice = Object.freeze({ kind: 'direct' });

/** The lower-case variable first, as curl reads them; an empty value is unset. */
function fromEnv(env: Env, lower: string, upper: string): { value: string; name: string } | null {
  for (const name of [lower, upper]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { value: value.trim(), name };
  }
  return null;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** `[scheme://][user:password@]host[:port]` → the proxy; a UsageError naming the source otherwise (the password never shown). */
export function parseProxyUrl(value: string, source: string): ProxyEndpoint {
  const shown = JSON.stringify(maskUserinfo(value));
  const fail = (problem: string, hint: string): never => {
    throw new UsageError(`${source}: ${problem}`, { hint });
  };
  if (/[\u0000-\u001f\u007f]/.test(value)) fail(`the proxy URL ${shown} contains control characters`, 'write it as http://host:port');
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    fail(
      /^socks/.test(scheme) ? `SOCKS proxies are not supported (${shown})` : `a proxy URL is http:// or https://, got ${shown}`,
      'use an HTTP proxy: http://host:port, or https://host:port for TLS to the proxy',
    );
  }
  const text = scheme === undefined ? `http://${value}` : value;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail(`invalid proxy URL ${shown}`, 'write it as http://[user:password@]host:port');
  }
  if (parsed.hostname === '') fail(`the proxy URL ${shown} has no host`, 'write it as http://host:port');
  const protocol = parsed.protocol as 'http:' | 'https:';
  // WHATWG URL drops a port equal to the scheme's default (http://proxy:80): read the one written.
  const written = /^[^:]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/.exec(text)?.[1];
  const port = written !== undefined ? Number(written) : protocol === 'https:' ? 443 : 1080;
  const user = decode(parsed.username);
  const password = parsed.password === '' && !/^[^:]+:\/\/[^@/?#]*:[^@/?#]*@/.test(text) ? null : new Secret(decode(parsed.password));
  return { protocol, hostname: parsed.hostname, port, user, password, source };
}

/** `http://ann:****@proxy:3128` — how a proxy is shown in every report. */
export function proxyDisplay(endpoint: ProxyEndpoint): string {
  const userinfo = endpoint.user === '' && endpoint.password === null ? '' : `${encodeURIComponent(endpoint.user)}${endpoint.password === null ? '' : ':****'}@`;
  return `${endpoint.protocol}//${userinfo}${endpoint.hostname}:${endpoint.port}`;
}

/** The `Proxy-Authorization` value, or null when the proxy URL has no credentials. */
export function proxyAuthorization(endpoint: ProxyEndpoint): string | null {
  if (endpoint.user === '' && endpoint.password === null) return null;
  return `Basic ${Buffer.from(`${endpoint.user}:${endpoint.password?.reveal() ?? ''}`, 'utf8').toString('base64')}`;
}

/** The values that must never be printed: the password, and the Basic credentials that carry it. */
export function proxySecrets(settings: ProxySettings | null): Array<{ value: string; keepTail: boolean }> {
  const out: Array<{ value: string; keepTail: boolean }> = [];
  for (const endpoint of [settings?.http, settings?.https]) {
    if (endpoint?.password == null) continue;
    out.push({ value: endpoint.password.reveal(), keepTail: true });
    const basic = proxyAuthorization(endpoint);
    if (basic !== null) out.push({ value: basic.slice('Basic '.length), keepTail: false });
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function maskUserinfo(text: string): string {
  return text.replace(/^((?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#@:]*:)[^/?#@]*@/, '$1****@');
}
