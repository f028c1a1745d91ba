import { UsageError } from '../errors.js';
import { safeEqual } from './constant-time.js';
import { decodeDigest, hmacDigest } from './scheme-hmac.js';
import { jsonStringField, parseUnixSeconds, toleranceProblem, type Scheme, type SignInput, type VerifyFailure, type VerifyInput, type VerifyResult } from './scheme.js';
import { foldedHeaderValue, type HeaderMap } from '../util/header-map.js';

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The whole secret string (`whsec_...` included) is the HMAC key. Several `v1`
 * entries may be present (secret rolling): any one matching is enough. Other
 * schemes (`v0`, test-mode only) are ignored to prevent downgrades.
 * https://docs.stripe.com/webhooks#verify-manually
 */

export const STRIPE_SIGNATURE_HEADER = 'Stripe-Signature';

export interface StripeSignatureHeader {
  timestamp: number;
  v1: string[];
}

/** Parses `t=...,v1=...[,v1=...][,v0=...]`; a string says what is wrong. */
export function parseStripeSignature(value: string): StripeSignatureHeader | string {
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const item of value.split(',')) {
    const part = item.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return `${STRIPE_SIGNATURE_HEADER} element "${part}" is not key=value`;
    const key = part.slice(0, eq);
    const val = part.slice(eq + 1);
    if (key === 't') {
      const seconds = parseUnixSeconds(val);
      if (seconds === null) return `${STRIPE_SIGNATURE_HEADER} timestamp "${val}" is not unix seconds`;
      if (timestamp !== null && timestamp !== seconds) return `${STRIPE_SIGNATURE_HEADER} has two different timestamps`;
      timestamp = seconds;
    } else if (key === 'v1') {
      v1.push(val);
    }
  }
  if (timestamp === null) return `${STRIPE_SIGNATURE_HEADER} has no t= timestamp`;
  if (v1.length === 0) return `${STRIPE_SIGNATURE_HEADER} has no v1= signature`;
  return { timestamp, v1 };
}

function eventOf(_headers: HeaderMap, body?: Uint8Array): string | null {
  return jsonStringField(body, 'type');
}

export function createStripeScheme(): Scheme {
  return {
    name: 'stripe',
    sign(input: SignInput): Record<string, string> {
      if (input.secret === '') throw new UsageError('the webhook secret is empty', { code: 'EWEBHOOK_SECRET', hint: 'pass --secret' });
      const t = Math.floor(input.nowMs / 1000);
      const digest = hmacDigest('sha256', input.secret, `${t}.`, input.body).toString('hex');
      return { [STRIPE_SIGNATURE_HEADER]: `t=${t},v1=${digest}` };
    },
    verify(input: VerifyInput): VerifyResult {
      const event = eventOf(input.headers, input.body);
      const fail = (reason: VerifyFailure, message: string): VerifyResult => ({ ok: false, reason, message, event });
      if (input.secret === '') return fail('bad-secret', 'the webhook secret is empty');
      const raw = foldedHeaderValue(input.headers, STRIPE_SIGNATURE_HEADER);
      if (raw === undefined) return fail('missing-header', `missing header ${STRIPE_SIGNATURE_HEADER}`);
      const parsed = parseStripeSignature(raw);
      if (typeof parsed === 'string') return fail('malformed-header', parsed);
      const expected = hmacDigest('sha256', input.secret, `${parsed.timestamp}.`, input.body);
      let matched = false;
      for (const candidate of parsed.v1) {
        const given = decodeDigest(candidate, 'hex', 32);
        // No early exit: every candidate is compared.
        if (given !== null && safeEqual(given, expected)) matched = true;
      }
      if (!matched) return fail('bad-signature', `no ${STRIPE_SIGNATURE_HEADER} v1 signature matches the body`);
      // Checked after the signature, so this reason means "authentic but replayed / clock skew".
      const stale = toleranceProblem(parsed.timestamp, input.nowMs, input.toleranceMs);
      if (stale !== null) return fail('timestamp-outside-tolerance', stale);
      return { ok: true, event, id: jsonStringField(input.body, 'id'), signedAt: parsed.timestamp };
    },
    eventOf,
  };
}
