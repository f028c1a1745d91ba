import type { IncomingHttpHeaders } from 'node:http';
import type { VerifyResult } from '../scheme.js';
import { rejection, type DeliveryOutcome } from './delivery-event.js';
import { describeError } from './describe-error.js';
import type { ListenOptions } from './listen-options.js';
import type { ReplayGuard } from './replay-guard.js';

/** The reason reported for a delivery whose id was already received within the replay window. */
export const REPLAY_REASON = 'replay';

/** What to answer the sender and what to report, once the scheme has judged a complete body. */
export interface Verdict {
  answer: { status: number; payload: unknown };
  outcome: DeliveryOutcome;
}

/**
 * Runs the scheme's check over the raw body bytes and maps its result: verified → 200 `{"ok":true}`;
 * not verified → 401 with the reason code and message; a check that throws → 500. Then, for an authentic
 * delivery with an id, the replay check: an id already received within the window → 401 `replay` (and the
 * delivery is not forwarded); else the id is remembered. Pure but for `verify` and `replay`.
 */
export function verifyDelivery(verify: ListenOptions['verify'], body: Buffer, headers: IncomingHttpHeaders, replay?: ReplayGuard): Verdict {
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
  if (replay !== undefined && result.id !== null && replay.isReplay(result.id, result.signedAt === undefined ? null : result.signedAt * 1000)) {
    const message = `delivery id ${quoteId(result.id)} was already received (replay window ${Math.round(replay.windowMs / 1000)}s)`;
    return { answer: { status: 401, payload: { error: REPLAY_REASON, message } }, outcome: rejection(401, REPLAY_REASON, size, result.event) };
  }
  return { answer: { status: 200, payload: { ok: true } }, outcome: { event: result.event, size, verified: true, reason: null, status: 200 } };
}

/** An id as quoted in a message: at most 64 characters of it. */
function quoteId(id: string): string {
  return JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}…` : id);
}
