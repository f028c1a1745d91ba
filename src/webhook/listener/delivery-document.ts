import type { DeliveryEvent } from './delivery-event.js';

/** The NDJSON line of one delivery (`webhook listen --json`): the listener's event; `forwardStatus` is present only with --forward. */
export type DeliveryDocument = DeliveryEvent;

/**
 * The published document of a delivery as a view of its event (docs/webhooks.md): a fixed key order, and the
 * forward fields only when forwarding (a verified delivery then always has `forwardStatus`). Pure.
 */
export function eventDocument(e: DeliveryEvent, forwarding: boolean): DeliveryDocument {
  const doc: DeliveryDocument = {
    time: e.time,
    method: e.method,
    path: e.path,
    event: e.event,
    size: e.size,
    verified: e.verified,
    reason: e.reason,
    status: e.status,
  };
  if (forwarding && e.verified) doc.forwardStatus = e.forwardStatus ?? null;
  if (forwarding && e.forwardError !== undefined) doc.forwardError = e.forwardError;
  return doc;
}
