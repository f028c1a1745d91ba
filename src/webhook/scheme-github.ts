import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { safeEqual } from './constant-time.js';
import { decodeDigest, hmacDigest } from './scheme-hmac.js';
import { type Scheme, type SignInput, type VerifyFailure, type VerifyInput, type VerifyResult } from './scheme.js';
import { foldedHeaderValue, type HeaderMap } from '../util/header-map.js';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`,
 * plus `X-GitHub-Event` and `X-GitHub-Delivery` (a UUID).
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */

export const GITHUB_SIGNATURE_HEADER = 'X-Hub-Signature-256';
export const GITHUB_EVENT_HEADER = 'X-GitHub-Event';
export const GITHUB_DELIVERY_HEADER = 'X-GitHub-Delivery';
const PREFIX = 'sha256=';

export interface GithubSchemeDeps {
  randomId: () => string;
}

function eventOf(headers: HeaderMap): string | null {
  return foldedHeaderValue(headers, GITHUB_EVENT_HEADER)?.trim() || null;
}

export function createGithubScheme(deps: GithubSchemeDeps = { randomId: randomUUID }): Scheme {
  return {
    name: 'github',
    sign(input: SignInput): Record<string, string> {
      if (input.secret === '') throw new UsageError('the webhook secret is empty', { code: 'EWEBHOOK_SECRET', hint: 'pass --secret' });
      const digest = hmacDigest('sha256', input.secret, input.body).toString('hex');
      return {
        [GITHUB_SIGNATURE_HEADER]: `${PREFIX}${digest}`,
        [GITHUB_EVENT_HEADER]: input.event ?? 'ping',
        [GITHUB_DELIVERY_HEADER]: input.id ?? deps.randomId(),
      };
    },
    verify(input: VerifyInput): VerifyResult {
      const event = eventOf(input.headers);
      const fail = (reason: VerifyFailure, message: string): VerifyResult => ({ ok: false, reason, message, event });
      if (input.secret === '') return fail('bad-secret', 'the webhook secret is empty');
      const raw = foldedHeaderValue(input.headers, GITHUB_SIGNATURE_HEADER);
      if (raw === undefined) return fail('missing-header', `missing header ${GITHUB_SIGNATURE_HEADER}`);
      const value = raw.trim();
      if (!value.startsWith(PREFIX)) return fail('malformed-header', `${GITHUB_SIGNATURE_HEADER} does not start with "${PREFIX}"`);
      const given = decodeDigest(value.slice(PREFIX.length), 'hex', 32);
      if (given === null) return fail('malformed-header', `${GITHUB_SIGNATURE_HEADER} is not "${PREFIX}" and 64 hex digits`);
      if (!safeEqual(given, hmacDigest('sha256', input.secret, input.body))) {
        return fail('bad-signature', `${GITHUB_SIGNATURE_HEADER} does not match the body`);
      }
      return { ok: true, event, id: foldedHeaderValue(input.headers, GITHUB_DELIVERY_HEADER)?.trim() || null };
    },
    eventOf,
  };
}
