import { ConnectionError, TimeoutError, TlsError, type ApitestError } from '../errors.js';
import { formatDuration } from '../util/duration.js';

export interface RawTransportError {
  name?: string | undefined;
  code?: string | undefined;
  message: string;
  /** got's timeout event: 'request', 'connect', 'lookup', ... */
  event?: string | undefined;
}

const TLS_CODE = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

/**
 * Turns a low-level network error into the typed error the CLI reports. Pure.
 * Order: timeouts first (got's TimeoutError and ETIMEDOUT), then TLS, then connection errors by code.
 */
/** `bodyBytes`: what arrived of the body when the response head had come (null: no head yet). */
export function mapTransportError(err: RawTransportError, url: string, timeouts: { totalMs: number; connectMs: number | null }, bodyBytes: number | null = null): ApitestError {
  const code = err.code ?? 'ERROR';
  const where = describeTarget(url);
  if (err.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const isConnect = err.event === 'connect' || err.event === 'lookup' || err.event === 'socket';
    const limit = isConnect && timeouts.connectMs !== null ? timeouts.connectMs : timeouts.totalMs;
    const what = isConnect ? 'connecting to' : 'waiting for';
    return new TimeoutError(`timed out after ${formatDuration(limit)} ${what} ${where}`, {
      code: 'ETIMEDOUT',
      hint: isConnect ? 'raise --connect-timeout, or check that the host is reachable' : 'raise --timeout, or check why the server is slow',
      cause: err,
      retryable: true,
    });
  }
  if (TLS_CODE.test(code)) {
    const reason = openSslReason(err.message);
    // https:// to a plain-HTTP port: OpenSSL reads "HTTP/1.1 400…" as a TLS record.
    if (/wrong version number|http request|packet length too long|record layer failure/i.test(reason)) {
      return new TlsError(`the server at ${where} did not answer with TLS (is it http://?)`, { code: 'ERR_TLS_NOT_TLS', hint: 'use http:// for a plain-HTTP port', cause: err });
    }
    return new TlsError(`TLS error with ${where}: ${reason} (${code})`, {
      code,
      hint: "give the server's CA with --cacert, or skip verification with -k/--insecure (unsafe)",
      cause: err,
    });
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`could not resolve host ${hostOf(url)} (${code})`, { code, hint: 'check the host name in the URL', cause: err, retryable: code === 'EAI_AGAIN' });
    case 'ECONNREFUSED':
      return new ConnectionError(`connection refused by ${where} (ECONNREFUSED)`, { code, hint: 'is the server running and listening on that port?', cause: err });
    case 'HPE_HEADER_OVERFLOW':
      return new ConnectionError(`the response headers of ${where} are too large (over Node's 16 KiB limit) (${code})`, { code, hint: 'the server sends unusually large headers', cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      if (bodyBytes !== null) {
        return new ConnectionError(`connection reset by ${where} (${code}): the server closed the connection after the response head and ${bodyBytes} bytes of the body`, {
          code,
          hint: 'the body is incomplete; the server crashed or dropped the transfer',
          cause: err,
          retryable: true,
        });
      }
      return new ConnectionError(`connection reset by ${where} (${code}): the server closed the connection before answering`, { code, hint: 'the server crashed or dropped the request', cause: err, retryable: true });
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new ConnectionError(`network unreachable for ${where} (${code})`, { code, hint: 'check the network and the host', cause: err });
    default:
      if (code.startsWith('HPE_')) {
        return new ConnectionError(`the server at ${where} sent a response that is not valid HTTP (${code})`, { code, hint: 'the server is broken, or is not an HTTP server', cause: err });
      }
      return new ConnectionError(`request to ${where} failed: ${err.message}${code === 'ERROR' ? '' : ` (${code})`}`, { code, cause: err });
  }
}

/** `… error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…` → `wrong version number`. */
function openSslReason(message: string): string {
  const m = /routines:[^:]*:([^:]+):/.exec(message);
  return (m?.[1] ?? message).trim();
}

function describeTarget(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}


