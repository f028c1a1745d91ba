/**
 * The failures of issue 11's network parts, as the one line the user reads (pure; no OpenSSL internals):
 *
 * - a proxy that cannot be reached, refuses the tunnel or asks for credentials: the message names the proxy, not
 *   the server (kind `connection`, exit 3);
 * - a TLS handshake the server ended because of the client certificate — none given, or one it does not accept
 *   (TLS alerts `certificate required`, `unknown CA`, `bad certificate`, …): kind `tls`, exit 3, with its own
 *   message and hint.
 *
 * Each returns null when the error is not one of these (the transport then maps it as any other).
 */
import { ConnectionError, TlsError, type ApitestError } from '../errors.js';
import type { ProxyEndpoint } from '../model/network-spec.js';
import { ProxyTunnelError } from './proxy-agent.js';

interface RawError {
  code?: string | undefined;
  message: string;
  cause?: unknown;
  proxy?: boolean;
}

/** The error and its causes (got wraps the socket's error in a RequestError whose cause it is). */
function chain(error: unknown): RawError[] {
  const out: RawError[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    out.push(current as RawError);
    current = (current as RawError).cause;
  }
  return out;
}

const PROXY_HINT = 'check the proxy URL (--proxy, or HTTPS_PROXY/HTTP_PROXY/ALL_PROXY), or go direct with --noproxy HOST';

/**
 * A 407 answered by a forward proxy (an http:// URL sent to the proxy in absolute form): the proxy's refusal, not
 * the server's answer — the same failure as a 407 to CONNECT (kind `connection`, exit 3, the proxy named).
 */
export function forwardProxyRefusal(endpoint: ProxyEndpoint, status: number, statusText: string): ApitestError {
  const proxy = `${endpoint.hostname}:${endpoint.port}`;
  const given = endpoint.user !== '' || endpoint.password !== null;
  return new ConnectionError(`the proxy ${proxy} ${given ? 'rejected the credentials' : 'requires authentication'} (${`${status} ${statusText}`.trim()})`, {
    code: 'ERR_PROXY_AUTH',
    hint: given ? 'check the user and password in the proxy URL' : 'give them in the proxy URL: http://user:password@host:port',
  });
}

export function proxyFailure(error: unknown, endpoint: ProxyEndpoint, targetUrl: string): ApitestError | null {
  const errors = chain(error);
  const proxy = `${endpoint.hostname}:${endpoint.port}`;
  const target = new URL(targetUrl).host;
  const tunnel = errors.find((e): e is ProxyTunnelError => e instanceof ProxyTunnelError);
  if (tunnel !== undefined) {
    const answer = `${tunnel.status ?? ''} ${tunnel.statusText}`.trim();
    if (tunnel.status === null) {
      return new ConnectionError(`the proxy ${proxy} did not answer CONNECT with HTTP`, { code: tunnel.code, hint: 'is it an HTTP proxy? (a SOCKS proxy is not supported)', cause: error });
    }
    if (tunnel.status === 407) {
      const given = endpoint.user !== '' || endpoint.password !== null;
      return new ConnectionError(`the proxy ${proxy} ${given ? 'rejected the credentials' : 'requires authentication'} (${answer})`, {
        code: 'ERR_PROXY_AUTH',
        hint: given ? 'check the user and password in the proxy URL' : 'give them in the proxy URL: http://user:password@host:port',
        cause: error,
      });
    }
    const unreachable = tunnel.status === 502 || tunnel.status === 503 || tunnel.status === 504;
    return new ConnectionError(`the proxy ${proxy} refused the tunnel to ${target} (${answer})`, {
      code: tunnel.code,
      hint: unreachable ? 'the proxy could not reach the server' : 'the proxy does not allow this destination',
      cause: error,
      retryable: unreachable,
    });
  }
  const fromProxy = errors.find((e) => e.proxy === true);
  if (fromProxy === undefined) return null;
  const code = fromProxy.code ?? 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`connection refused by the proxy ${proxy} (ECONNREFUSED)`, { code, hint: PROXY_HINT, cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`could not resolve the proxy host ${endpoint.hostname} (${code})`, { code, hint: PROXY_HINT, cause: error, retryable: code === 'EAI_AGAIN' });
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectionError(`the proxy ${proxy} closed the connection (${code})`, { code, hint: 'the proxy dropped the request, or it is not an HTTP proxy', cause: error, retryable: true });
    default:
      if (/^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME)/.test(code)) {
        return new TlsError(`TLS error with the proxy ${proxy}: ${reasonOf(fromProxy.message)} (${code})`, {
          code,
          hint: "give the proxy's CA with --cacert, or check that the proxy speaks TLS (https://) at all",
          cause: error,
        });
      }
      return new ConnectionError(`the connection to the proxy ${proxy} failed: ${fromProxy.message} (${code})`, { code, hint: PROXY_HINT, cause: error });
  }
}

export const CERT_HINT = 'check that --cert is a certificate the server trusts: signed by its CA, not expired';

/** TLS alerts a server sends when it does not accept the client's certificate (or wanted one). */
const CERT_ALERTS: Readonly<Record<string, string>> = {
  CERTIFICATE_REQUIRED: 'certificate required',
  HANDSHAKE_FAILURE: 'handshake failure',
  BAD_CERTIFICATE: 'bad certificate',
  UNKNOWN_CA: 'unknown CA',
  CERTIFICATE_UNKNOWN: 'certificate unknown',
  CERTIFICATE_EXPIRED: 'certificate expired',
  CERTIFICATE_REVOKED: 'certificate revoked',
  UNSUPPORTED_CERTIFICATE: 'unsupported certificate',
  ACCESS_DENIED: 'access denied',
};

/**
 * A handshake the server ended over the client certificate. `certificateGiven`: whether the request presented one
 * (--cert). Without one, `certificate required` (TLS 1.3) or `handshake failure` (TLS 1.2) says the server wants one.
 */
export function clientCertificateRejection(error: unknown, certificateGiven: boolean, targetUrl: string): ApitestError | null {
  const raw = chain(error).find((e) => /ALERT_/.test(e.code ?? '') || /alert/i.test(e.message));
  if (raw === undefined) return null;
  const key = /ALERT_([A-Z_]+)$/.exec(raw.code ?? '')?.[1] ?? /alert ([a-z ]+?)(?::|$)/i.exec(raw.message)?.[1]?.toUpperCase().replace(/ /g, '_');
  if (key === undefined) return null;
  const alert = CERT_ALERTS[key];
  if (alert === undefined) return null;
  const where = new URL(targetUrl).host;
  const code = raw.code ?? 'ERR_TLS_ALERT';
  if (!certificateGiven) {
    if (key !== 'CERTIFICATE_REQUIRED' && key !== 'HANDSHAKE_FAILURE') return null;
    const sure = key === 'CERTIFICATE_REQUIRED';
    return new TlsError(`the server at ${where} ${sure ? 'requires a client certificate' : 'ended the TLS handshake; it may require a client certificate'} (TLS alert: ${alert})`, {
      code: 'ERR_TLS_CERT_REQUIRED',
      hint: 'give one with --cert FILE and --key FILE, or a .p12 bundle; suites: defaults.tls',
      cause: error,
    });
  }
  return new TlsError(`the server at ${where} rejected the client certificate (TLS alert: ${alert})`, {
    code: 'ERR_TLS_CERT_REJECTED',
    hint: key === 'CERTIFICATE_EXPIRED' ? 'renew the certificate given with --cert' : CERT_HINT,
    cause: error,
  });
}

/** `… error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…` → `wrong version number`. */
function reasonOf(message: string): string {
  const m = /routines:[^:]*:([^:]+):/.exec(message);
  return (m?.[1] ?? message).trim();
}
