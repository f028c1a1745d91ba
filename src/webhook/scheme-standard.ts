import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { safeEqual } from './constant-time.js';
import { decodeDigest, hmacDigest } from './scheme-hmac.js';
import { jsonStringField, parseUnixSeconds, toleranceProblem, type Scheme, type SignInput, type VerifyFailure, type VerifyInput, type VerifyResult } from './scheme.js';
import { foldedHeaderValue, type HeaderMap } from '../util/header-map.js';

/**
 * Standard Webhooks (the Svix scheme): headers `webhook-id`, `webhook-timestamp`
 * and `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`,
 * the key being the base64 after `whsec_` (a secret without the prefix is read as
 * base64 too). The signature header is a space-separated list; any matching `v1`
 * entry is enough, other versions (e.g. asymmetric `v1a`) are ignored.
 * On verify, Svix's `svix-*` header names are accepted when no `webhook-*` ones are present.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */

export const STANDARD_ID_HEADER = 'webhook-id';
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';
const SECRET_PREFIX = 'whsec_';

export interface StandardSchemeDeps {
  randomId: () => string;
}

/** The HMAC key of a `whsec_<base64>` (or bare base64) secret; a string says what is wrong. */
export function standardSecretKey(secret: string): Buffer | string {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '') return 'the webhook secret is empty';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.replace(/=+$/, '').length % 4 === 1) {
    return `the webhook secret is not base64 (with or without the "${SECRET_PREFIX}" prefix)`;
  }
  return Buffer.from(encoded, 'base64');
}

/** The `v1` signatures of a `webhook-signature` value (space separated; a trailing comma from folded headers is tolerated). */
export function standardV1Signatures(value: string): string[] {
  const found: string[] = [];
  for (const token of value.split(/\s+/)) {
    const entry = token.replace(/,+$/, '');
    const comma = entry.indexOf(',');
    if (comma <= 0) continue;
    if (entry.slice(0, comma) === 'v1') found.push(entry.slice(comma + 1));
  }
  return found;
}

function eventOf(_headers: HeaderMap, body?: Uint8Array): string | null {
  return jsonStringField(body, 'type');
}

function headerNames(headers: HeaderMap): { id: string; timestamp: string; signature: string } {
  const standard = { id: STANDARD_ID_HEADER, timestamp: STANDARD_TIMESTAMP_HEADER, signature: STANDARD_SIGNATURE_HEADER };
  const anyStandard = Object.values(standard).some((name) => foldedHeaderValue(headers, name) !== undefined);
  if (!anyStandard && foldedHeaderValue(headers, 'svix-signature') !== undefined) {
    return { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' };
  }
  return standard;
}

export function createStandardScheme(deps: StandardSchemeDeps = { randomId: randomUUID }): Scheme {
  return {
    name: 'standard',
    sign(input: SignInput): Record<string, string> {
      const key = standardSecretKey(input.secret);
      if (typeof key === 'string') {
        throw new UsageError(key, { code: 'EWEBHOOK_SECRET', hint: 'Standard Webhooks secrets look like whsec_<base64>; bare base64 works too' });
      }
      const id = input.id ?? `msg_${deps.randomId().replace(/-/g, '')}`;
      const timestamp = String(Math.floor(input.nowMs / 1000));
      const signature = hmacDigest('sha256', key, `${id}.${timestamp}.`, input.body).toString('base64');
      return {
        [STANDARD_ID_HEADER]: id,
        [STANDARD_TIMESTAMP_HEADER]: timestamp,
        [STANDARD_SIGNATURE_HEADER]: `v1,${signature}`,
      };
    },
    verify(input: VerifyInput): VerifyResult {
      const event = eventOf(input.headers, input.body);
      const fail = (reason: VerifyFailure, message: string): VerifyResult => ({ ok: false, reason, message, event });
      const key = standardSecretKey(input.secret);
      if (typeof key === 'string') return fail('bad-secret', key);
      const names = headerNames(input.headers);
      const signatureValue = foldedHeaderValue(input.headers, names.signature);
      const idValue = foldedHeaderValue(input.headers, names.id);
      const timestampValue = foldedHeaderValue(input.headers, names.timestamp);
      if (signatureValue === undefined) return fail('missing-header', `missing header ${names.signature}`);
      if (idValue === undefined) return fail('missing-header', `missing header ${names.id}`);
      if (timestampValue === undefined) return fail('missing-header', `missing header ${names.timestamp}`);
      const id = idValue.trim();
      if (id === '') return fail('malformed-header', `${names.id} is empty`);
      const timestamp = parseUnixSeconds(timestampValue);
      if (timestamp === null) return fail('malformed-header', `${names.timestamp} "${timestampValue}" is not unix seconds`);
      const candidates = standardV1Signatures(signatureValue);
      if (candidates.length === 0) return fail('malformed-header', `${names.signature} has no v1 signature`);
      const expected = hmacDigest('sha256', key, `${id}.${timestamp}.`, input.body);
      let matched = false;
      for (const candidate of candidates) {
        const given = decodeDigest(candidate, 'base64', 32);
        // No early exit: every candidate is compared.
        if (given !== null && safeEqual(given, expected)) matched = true;
      }
      if (!matched) return fail('bad-signature', `no ${names.signature} v1 signature matches the body`);
      // Checked after the signature, so this reason means "authentic but replayed / clock skew".
      const stale = toleranceProblem(timestamp, input.nowMs, input.toleranceMs);
      if (stale !== null) return fail('timestamp-outside-tolerance', stale);
      return { ok: true, event, id, signedAt: timestamp };
    },
    eventOf,
  };
}
