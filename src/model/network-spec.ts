/**
 * The network parts of a request (issue 11): the proxies it may go through, the client certificate it presents,
 * whether it asks for HTTP/2. Types only: the rules that build them live in engine/proxy-settings.ts and
 * engine/client-certificate.ts, and they are checked before anything is sent.
 */
import type { Secret } from '../redact/secret.js';

export interface ProxyEndpoint {
  readonly protocol: 'http:' | 'https:';
  /** As in a URL: an IPv6 address in brackets. */
  readonly hostname: string;
  readonly port: number;
  /** Percent-decoded; '' when the URL has none. */
  readonly user: string;
  readonly password: Secret | null;
  /** Where it was given: `--proxy`, `HTTPS_PROXY`, `defaults.proxy`… */
  readonly source: string;
}

export interface ProxySettings {
  /** The proxy of http:// URLs, of https:// URLs (null: direct). */
  readonly http: ProxyEndpoint | null;
  readonly https: ProxyEndpoint | null;
  /** The list of hosts that go direct (curl's NO_PROXY rules), and where it came from. */
  readonly noProxy: string | null;
  readonly noProxySource: string | null;
}

export type ProxyChoice =
  | { readonly kind: 'direct' }
  /** A proxy applied, but the host is in the no-proxy list. */
  | { readonly kind: 'bypass'; readonly host: string; readonly source: string }
  | { readonly kind: 'proxy'; readonly endpoint: ProxyEndpoint };

/** A TLS client certificate, read and checked (the key opens with the passphrase and matches the certificate). */
export interface ClientCertificate {
  /** PEM: the certificate chain, and its private key (null when it is in `cert`). */
  readonly cert: Uint8Array | null;
  readonly key: Uint8Array | null;
  /** A PKCS#12 bundle (.p12, .pfx) instead of PEM. */
  readonly pfx: Uint8Array | null;
  readonly passphrase: Secret | null;
  /** The files as the user named them, for messages and --print-curl. */
  readonly file: string;
  readonly keyFile: string | null;
}
