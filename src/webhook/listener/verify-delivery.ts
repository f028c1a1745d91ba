import type { IncomingHttpHeaders } from 'node:http';
import type { VerifyResult } from '../scheme.js';
import { rejection, type DeliveryOutcome } from './delivery-event.js';
import { describeError } from './describe-error.js';
import type { ListenOptions } from './listen-options.js';

/** What to answer the sender and what to report, once the scheme has judged a complete body. */
export interface Verdict {
  answer: { status: number; payload: unknown };
  outcome: DeliveryOutcome;
}

/**
 * Runs the scheme's check over the raw body bytes and maps its result: verified → 200 `{"ok":true}`;
 * not verified → 401 with the reason code and message; a check that throws → 500. Pure but for `verify`.
 */
export function verifyDelivery(verify: ListenOptions['verify'], body: Buffer, headers: IncomingHttpHeaders): Verdict {
  const size = body.length;
  let result: VerifyResult;
  try {
    result = verify(body, headers);
  } catch (error) {
    return { answer: { status: 500, payload: { error: 'internal error' } }, outcome: rejection(500, `verification failed: ${describeError(error)}`, size) };
  }
  if (!result.ok) {
    return { answer: { status: 401, payload: { error: result.reason, message: result.message } }, outcome: rejection(401, result.message, size, result.event) };
  }
  return { answer: { status: 200, payload: { ok: true } }, outcome: { event: result.event, size, verified: true, reason: null, status: 200 } };
}
