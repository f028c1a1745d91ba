/**
 * The report of a connection that ended without a request the listener could report (a sender that
 * connected and reset or closed before its request was read, or that the listener cut when it stopped):
 * counted like any delivery, with method and path "-" (unknown). Pure.
 */
import type { EndedConnection } from './connections.js';

export const CONNECTION_RESET_REASON = 'connection reset before a complete request';
export const CONNECTION_CLOSED_REASON = 'connection closed before a complete request';
export const NO_REQUEST_REASON = 'connection closed without a request';
export const LISTENER_STOPPED_REASON = 'listener stopped before a complete request';

/** Why a connection that carried no reported request ended, in the words of its report. */
export function endedConnectionReason(ended: EndedConnection, listenerStopping: boolean): string {
  if (listenerStopping) return LISTENER_STOPPED_REASON;
  if (ended.error === 'ECONNRESET') return CONNECTION_RESET_REASON;
  if (ended.error !== undefined) return `${CONNECTION_CLOSED_REASON} (${ended.error})`;
  return ended.bytesRead === 0 ? NO_REQUEST_REASON : CONNECTION_CLOSED_REASON;
}
