import type { ApitestError } from '../errors.js';
import type { HeaderMap } from '../util/header-map.js';
import type { RequestSpec } from '../model/request-spec.js';

/** Milliseconds per phase; null for a phase that did not happen (no TLS on http, no DNS on a reused socket). */
export interface Timings {
  wait: number | null;
  dns: number | null;
  tcp: number | null;
  tls: number | null;
  send: number | null;
  firstByte: number | null;
  download: number | null;
  total: number | null;
}


/** What went on the wire: the request line and the headers as sent (after auth). */
export interface SentRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: ReadonlyArray<readonly [string, string]>;
  /** The request body as sent, when it is a plain byte body (not multipart). */
  body: Uint8Array | null;
  /** How it went out, when a proxy setting or --http2 had a say (shown by -v). */
  route?: RouteNote;
}

/** Through which proxy a request went (or why none), and what became of --http2. */
export interface RouteNote {
  /** The proxy, shown with its password masked, where it was set, and whether the request went through a CONNECT tunnel. */
  readonly proxy: { readonly url: string; readonly source: string; readonly tunnel: boolean } | null;
  /** A proxy was set, but the host is in the no-proxy list. */
  readonly bypass: { readonly host: string; readonly source: string } | null;
  /** --http2: negotiated; the server did not offer it; not for http:// URLs; not through a proxy. */
  readonly http2: 'negotiated' | 'not-offered' | 'not-tls' | 'proxy' | null;
}

export interface ResponseData {
  status: number;
  statusText: string;
  httpVersion: string;
  /** Lower-case names, as Node gives them. */
  headers: HeaderMap;
  /** Raw name/value pairs, in order, as received. */
  rawHeaders: ReadonlyArray<readonly [string, string]>;
  /** The (decoded) body, or null when it was streamed to a file. */
  body: Uint8Array | null;
  /** Bytes of the body as received on the wire. */
  size: number;
  /** Where the body was written (`-o`), if it was. */
  bodyFile: string | null;
  /** Content codings apitest could not undo (the body is as received), e.g. ['zstd']. */
  undecoded: readonly string[];
  /** `Retry-After` in seconds from when the response arrived (converted once, here); null when absent or invalid. */
  retryAfterSeconds: number | null;
}

export interface Redirect {
  status: number;
  url: string;
}

/** One HTTP exchange over the network, following redirects when asked to. */
export type Outcome =
  | { kind: 'response'; response: ResponseData }
  | {
      kind: 'failure';
      error: ApitestError;
      /** The response, when it arrived and only its body's destination failed (kind write: -o on a full disk). */
      response?: ResponseData;
      /** Bytes of the body already written where a retry cannot take them back (stdout), when there were any. */
      bodyBytesOut?: number;
    };

export interface Attempt {
  /** Wait before this attempt started (0 for the first). */
  delayMs: number;
  request: SentRequest | null;
  outcome: Outcome;
  redirects: Redirect[];
  timings: Timings;
}

export interface Exchange {
  spec: RequestSpec;
  attempts: Attempt[];
}

export const EMPTY_TIMINGS: Timings = { wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: null };
