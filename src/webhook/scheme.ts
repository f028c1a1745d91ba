import type { HeaderMap } from '../util/header-map.js';
/**
 * Webhook signature schemes: the shared types, plus the few small helpers every
 * scheme needs (case-insensitive header lookup, strict unix-seconds parsing, the
 * replay-window check and reading a field of a JSON body).
 */

export type SchemeName = 'github' | 'stripe' | 'standard' | 'hmac';

export interface HmacOptions {
  /** Signature header name, e.g. `X-Signature`. */
  header: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  /** Text before the digest in the header, e.g. `sha256=`; empty for none. */
  prefix: string;
}

export interface SignInput {
  /** The exact bytes that will be sent. */
  body: Uint8Array;
  secret: string;
  nowMs: number;
  event?: string;
  /** Delivery / message id; generated when absent. */
  id?: string;
  hmac?: HmacOptions;
}

export type VerifyFailure =
  | 'missing-header'
  | 'malformed-header'
  | 'bad-signature'
  | 'timestamp-outside-tolerance'
  | 'bad-secret';

export type VerifyResult =
  | {
      ok: true;
      event: string | null;
      /** The delivery's id, which the listener remembers to refuse replays; null when the scheme has none. */
      id: string | null;
      /** The signed timestamp (unix seconds) of the timestamped schemes (stripe, standard). */
      signedAt?: number;
    }
  | {
      ok: false;
      reason: VerifyFailure;
      /** One human line, e.g. "missing header X-Hub-Signature-256". */
      message: string;
      event: string | null;
    };


export interface VerifyInput {
  /** The raw body bytes exactly as received (never re-serialised JSON). */
  body: Uint8Array;
  headers: HeaderMap;
  secret: string;
  nowMs: number;
  /** Allowed distance between the signed timestamp and `nowMs`, both directions. `Infinity` disables the check. */
  toleranceMs: number;
  hmac?: HmacOptions;
}

export interface Scheme {
  name: SchemeName;
  /** Header name → value, in canonical casing. Throws `UsageError` for an unusable secret. */
  sign(input: SignInput): Record<string, string>;
  verify(input: VerifyInput): VerifyResult;
  /** The event type of a delivery; `body` is needed by the schemes that read it from the JSON body. */
  eventOf(headers: HeaderMap, body?: Uint8Array): string | null;
}

/** Default replay window for the timestamped schemes (stripe, standard). */
export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

/** Parses a non-negative integer count of unix seconds; null when it is not exactly that. */
export function parseUnixSeconds(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[0-9]{1,15}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** Null when `seconds` is within `toleranceMs` of `nowMs` (either side), else the failure message. */
export function toleranceProblem(seconds: number, nowMs: number, toleranceMs: number): string | null {
  const skewMs = nowMs - seconds * 1000;
  if (Math.abs(skewMs) <= toleranceMs) return null;
  const direction = skewMs > 0 ? 'old' : 'far in the future';
  return `timestamp ${seconds} is ${Math.round(Math.abs(skewMs) / 1000)}s ${direction} (tolerance ${Math.round(toleranceMs / 1000)}s)`;
}

/** A top-level string field of a JSON object body, or null when the body is not such JSON. */
export function jsonStringField(body: Uint8Array | undefined, field: string): string | null {
  if (body === undefined || body.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const value: unknown = (parsed as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/** Views any Uint8Array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
