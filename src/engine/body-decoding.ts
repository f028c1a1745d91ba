/**
 * Content-Encoding decoding, strict and bounded:
 * - gzip (x-gzip), deflate (zlib framing as RFC 9110 says; raw deflate, which some servers send and curl accepts;
 *   gzip framing too) and br; several codings (`Content-Encoding: gzip, br`) are undone in reverse order;
 * - a compressed body that ends early or is corrupt is a DecodeError (exit 3), never a silently shorter body
 *   (zlib's own end-of-stream check is kept); an empty body decodes to nothing;
 * - a coding apitest cannot decode (zstd, compress, …) leaves the whole body as received, and says which.
 * node:zlib is loaded only when a response is compressed.
 */
import { Transform } from 'node:stream';
import { ApitestError, type ErrorOptions } from '../errors.js';
import { loadZlib } from '../util/load-builtin.js';

/** A compressed body that is corrupt or truncated: exit 3, kind `decode`. */
export class DecodeError extends ApitestError {
  readonly kind = 'decode' as const;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'EDECODE', ...options });
  }
}

/** A body larger than the limit (--max-body): exit 3, kind `decode`, code EBODYTOOLARGE. */
export class BodyTooLargeError extends ApitestError {
  readonly kind = 'decode' as const;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'EBODYTOOLARGE', ...options });
  }
}

const KNOWN = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

export interface DecodingPlan {
  /** Codings to undo, in the order to undo them (the reverse of how they were applied). */
  readonly undo: readonly string[];
  /** Codings left as they are because apitest cannot decode them (the body is then shown as received). */
  readonly undecoded: readonly string[];
}

/** The codings of a response, in the order they were applied (`gzip, br`: gzip first). */
export function codingsOf(header: string | string[] | undefined): string[] {
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.flatMap((line) => line.split(',')).map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
}

export function decodingPlan(header: string | string[] | undefined, method: string, status: number): DecodingPlan {
  const codings = codingsOf(header);
  if (codings.length === 0 || method === 'HEAD' || status === 204 || status === 304) return { undo: [], undecoded: [] };
  // One coding apitest cannot undo makes the whole stack unreadable: keep the body as received.
  if (codings.some((c) => !KNOWN.has(c))) return { undo: [], undecoded: codings };
  return { undo: [...codings].reverse(), undecoded: [] };
}

/**
 * The decoder of one coding. `first`: the first bytes of its input when known (the outermost layer), to tell raw
 * deflate from zlib framing.
 */
export function decoderFor(coding: string, first: Buffer | null): Transform {
  const zlib = loadZlib();
  if (coding === 'br') return zlib.createBrotliDecompress();
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip();
  return first === null || looksLikeZlibOrGzip(first) ? zlib.createUnzip() : zlib.createInflateRaw();
}

/** The first bytes of a zlib stream (CMF/FLG check) or a gzip stream (1f 8b); anything else is raw deflate. */
export function looksLikeZlibOrGzip(first: Buffer): boolean {
  if (first.length < 2) return true;
  if (first[0] === 0x1f && first[1] === 0x8b) return true;
  const cmf = first[0] as number;
  const flg = first[1] as number;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** What a decoder's failure means to the user. */
export function decodeFailure(codings: readonly string[], error: Error, received: number, decoded: number): DecodeError {
  const what = codings.length === 1 ? `the ${codings[0]}-encoded body` : `the body (${codings.join(', ')})`;
  const ended = /unexpected end|end of (file|stream)|truncat/i.test(error.message);
  return new DecodeError(
    ended
      ? `${what} ended early: ${received} bytes received, ${decoded} decoded (the transfer was cut off, or the stream is broken)`
      : `${what} is corrupt: ${error.message.replace(/\.$/, '')} (${received} bytes received)`,
    { cause: error, hint: ended ? 'try again; if it repeats, the server sends a truncated stream' : 'the server sent a body that does not match its Content-Encoding' },
  );
}

/**
 * Counts the decoded bytes and stops once more than `maxBytes` came (null: no limit): `count` for a body read
 * straight off its stream (the error to fail with, or null), `transform` for one in a pipeline.
 */
export function sizeLimit(maxBytes: number | null, onBytes: (total: number) => void, onExceeded: () => Error): { count(bytes: number): Error | null; transform(): Transform } {
  let seen = 0;
  const count = (bytes: number): Error | null => {
    seen += bytes;
    onBytes(seen);
    return maxBytes !== null && seen > maxBytes ? onExceeded() : null;
  };
  return {
    count,
    transform: () =>
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          const error = count(chunk.length);
          if (error !== null) return done(error);
          done(null, chunk);
        },
      }),
  };
}
