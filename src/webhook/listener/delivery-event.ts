/**
 * What the listener reports: one DeliveryEvent per request it answered or lost, whatever happened to it
 * (verified, refused, malformed, abandoned). Every request counts, so `--max-events` can rely on it.
 */

export interface DeliveryEvent {
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** The request target as received (path and query). */
  path: string;
  event: string | null;
  /** Body bytes received. */
  size: number;
  verified: boolean;
  reason: string | null;
  /**
   * What we answered; 499 when the client went away before we could answer. A request that is not
   * valid HTTP is reported with method and path "-" and status 400 (431: headers too large, 408: timed out).
   */
  status: number;
  forwardStatus?: number | null;
  forwardError?: string;
}

/** Everything about a delivery except when it arrived and what it asked for: what the steps decide. */
export type DeliveryOutcome = Omit<DeliveryEvent, 'time' | 'method' | 'path'>;

/** Status reported for a client that disconnected before the answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

/** Shown as the method and path of a request that could not be parsed. */
export const UNKNOWN = '-';
export const MALFORMED_REASON = 'malformed HTTP request';
export const CLIENT_DISCONNECTED_REASON = 'client disconnected';
export const BODY_TOO_LARGE_REASON = 'body too large';

/** The outcome of a delivery that was not verified (refused, failed or lost). */
export function rejection(status: number, reason: string, size: number, event: string | null = null): DeliveryOutcome {
  return { event, size, verified: false, reason, status };
}

/** A request node could not parse: nothing is known of it but when it failed and why. */
export function unknownRequestEvent(time: Date, status: number, reason: string): DeliveryEvent {
  return { time: time.toISOString(), method: UNKNOWN, path: UNKNOWN, ...rejection(status, reason, 0) };
}

/** The observer, shielded: a failing observer must not take the receiver down. */
export function observeSafely(onEvent: (e: DeliveryEvent) => void): (e: DeliveryEvent) => void {
  return (e) => {
    try {
      onEvent(e);
    } catch {
      // Reported deliveries are the observer's business; the listener keeps answering.
    }
  };
}
