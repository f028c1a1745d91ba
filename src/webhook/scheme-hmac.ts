import { createHmac } from 'node:crypto';
import { UsageError } from '../errors.js';
import { safeEqual } from './constant-time.js';
import { asBuffer, type HmacOptions, type Scheme, type SignInput, type VerifyInput, type VerifyResult } from './scheme.js';
import { foldedHeaderValue, type HeaderMap } from '../util/header-map.js';

/**
 * Generic HMAC scheme: `<header>: <prefix><digest>` where digest is
 * HMAC-<algorithm>(secret as UTF-8, raw body) in hex or base64.
 * Also home of the HMAC primitives the other schemes share.
 */

import { DEFAULT_HMAC } from './scheme-names.js';

export { DEFAULT_HMAC };

const DIGEST_BYTES: Record<HmacOptions['algorithm'], number> = { sha1: 20, sha256: 32, sha512: 64 };

/** HMAC over the concatenation of `parts`, without copying the body into a string. */
export function hmacDigest(algorithm: HmacOptions['algorithm'], key: string | Uint8Array, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac(algorithm, typeof key === 'string' ? Buffer.from(key, 'utf8') : asBuffer(key));
  for (const part of parts) mac.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : asBuffer(part));
  return mac.digest();
}

/**
 * Strictly decodes a hex or base64 (standard or URL-safe alphabet, padding optional)
 * digest; null unless it is well-formed and exactly `bytes` long. Node's own decoders
 * silently skip bad characters, so the shape is checked first.
 */
export function decodeDigest(text: string, encoding: HmacOptions['encoding'], bytes: number): Buffer | null {
  if (encoding === 'hex') {
    return text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text) ? Buffer.from(text, 'hex') : null;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) && !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  if (text.replace(/=+$/, '').length % 4 === 1) return null;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === bytes ? decoded : null;
}

function optionsOf(input: { hmac?: HmacOptions }): HmacOptions {
  return input.hmac ?? DEFAULT_HMAC;
}

function eventOf(headers: HeaderMap): string | null {
  return foldedHeaderValue(headers, 'X-Event') ?? foldedHeaderValue(headers, 'X-Event-Type') ?? null;
}

export function createHmacScheme(): Scheme {
  return {
    name: 'hmac',
    sign(input: SignInput): Record<string, string> {
      if (input.secret === '') throw new UsageError('the webhook secret is empty', { code: 'EWEBHOOK_SECRET', hint: 'pass --secret' });
      const opts = optionsOf(input);
      const digest = hmacDigest(opts.algorithm, input.secret, input.body).toString(opts.encoding);
      const headers: Record<string, string> = { [opts.header]: `${opts.prefix}${digest}` };
      if (input.event !== undefined) headers['X-Event'] = input.event;
      return headers;
    },
    verify(input: VerifyInput): VerifyResult {
      const opts = optionsOf(input);
      const event = eventOf(input.headers);
      const fail = (reason: Exclude<VerifyResult, { ok: true }>['reason'], message: string): VerifyResult => ({ ok: false, reason, message, event });
      if (input.secret === '') return fail('bad-secret', 'the webhook secret is empty');
      const raw = foldedHeaderValue(input.headers, opts.header);
      if (raw === undefined) return fail('missing-header', `missing header ${opts.header}`);
      const value = raw.trim();
      if (!value.toLowerCase().startsWith(opts.prefix.toLowerCase())) {
        return fail('malformed-header', `${opts.header} does not start with "${opts.prefix}"`);
      }
      const given = decodeDigest(value.slice(opts.prefix.length), opts.encoding, DIGEST_BYTES[opts.algorithm]);
      if (given === null) {
        return fail('malformed-header', `${opts.header} is not a ${opts.encoding} ${opts.algorithm} digest`);
      }
      const expected = hmacDigest(opts.algorithm, input.secret, input.body);
      if (!safeEqual(given, expected)) return fail('bad-signature', `${opts.header} does not match the body`);
      return { ok: true, event, id: null };
    },
    eventOf,
  };
}
