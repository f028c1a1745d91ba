import { describe, expect, test } from '@jest/globals';
import { ConnectionError, TimeoutError, TlsError } from '../../src/errors.js';
import { mapTransportError, type RawTransportError } from '../../src/engine/map-transport-error.js';
import type { ApitestError } from '../../src/errors.js';

const url = 'https://api.test:8443/items';
const timeouts = { totalMs: 30000, connectMs: 2000 };

describe('mapTransportError', () => {
  const cases: Array<[RawTransportError, abstract new (...args: never[]) => ApitestError, string, number, RegExp]> = [
    [{ name: 'TimeoutError', code: 'ETIMEDOUT', message: "Timeout awaiting 'request' for 30000ms", event: 'request' }, TimeoutError, 'timeout', 4, /timed out after 30 s waiting for api\.test:8443/],
    [{ name: 'TimeoutError', code: 'ETIMEDOUT', message: 'x', event: 'connect' }, TimeoutError, 'timeout', 4, /timed out after 2 s connecting to api\.test:8443/],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, TimeoutError, 'timeout', 4, /timed out/],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, TlsError, 'tls', 3, /TLS error with api\.test:8443: self-signed certificate/],
    [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, TlsError, 'tls', 3, /TLS error/],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, TlsError, 'tls', 3, /TLS error/],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify' }, TlsError, 'tls', 3, /TLS error/],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.test' }, ConnectionError, 'connection', 3, /could not resolve host api\.test \(ENOTFOUND\)/],
    [{ code: 'EAI_AGAIN', message: 'x' }, ConnectionError, 'connection', 3, /could not resolve host/],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, ConnectionError, 'connection', 3, /connection refused by api\.test:8443 \(ECONNREFUSED\)/],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, ConnectionError, 'connection', 3, /connection reset by api\.test:8443/],
    [{ code: 'EPIPE', message: 'write EPIPE' }, ConnectionError, 'connection', 3, /connection reset/],
    [{ code: 'EHOSTUNREACH', message: 'x' }, ConnectionError, 'connection', 3, /network unreachable/],
    [{ message: 'something odd' }, ConnectionError, 'connection', 3, /request to api\.test:8443 failed: something odd$/],
  ];
  test.each(cases)('%j', (raw, type, kind, exitCode, message) => {
    const error = mapTransportError(raw, url, timeouts);
    expect(error).toBeInstanceOf(type);
    expect(error.kind).toBe(kind);
    expect(error.exitCode).toBe(exitCode);
    expect(error.message).toMatch(message);
    expect(error.code).toBe(raw.code ?? 'ERROR');
  });

  test('every mapped error has a hint, except the unknown ones', () => {
    expect(mapTransportError({ code: 'ECONNREFUSED', message: '' }, url, timeouts).hint).toMatch(/listening/);
    expect(mapTransportError({ code: 'CERT_HAS_EXPIRED', message: '' }, url, timeouts).hint).toMatch(/--cacert.*--insecure/);
    expect(mapTransportError({ name: 'TimeoutError', message: '', event: 'request' }, url, timeouts).hint).toMatch(/--timeout/);
    expect(mapTransportError({ name: 'TimeoutError', message: '', event: 'connect' }, url, timeouts).hint).toMatch(/--connect-timeout/);
  });

  test('a connect timeout without --connect-timeout reports the total limit', () => {
    expect(mapTransportError({ name: 'TimeoutError', message: '', event: 'connect' }, url, { totalMs: 1500, connectMs: null }).message).toMatch(/after 1.5 s/);
  });

  test('the raw error is the cause (for --debug)', () => {
    const raw = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(mapTransportError(raw, url, timeouts).cause).toBe(raw);
  });
});
