import type { IncomingHttpHeaders } from 'node:http';
import type { VerifyResult } from '../scheme.js';

/** What `startWebhookListener` is told by its caller (the `webhook listen` command, or a test). */
export interface ListenOptions {
  host: string;
  port: number;
  /** Only this exact pathname is accepted (any query string allowed); others get 404. */
  path: string;
  maxBodyBytes: number;
  verify: (body: Buffer, headers: IncomingHttpHeaders) => VerifyResult;
  /** URL of an app that receives each verified delivery, unchanged. */
  forward?: string;
  forwardTimeoutMs?: number;
  /** Time a sender has to send a whole request, headers and body; past it the request is answered 408 (default 60 s). */
  requestTimeoutMs?: number;
  /**
   * How long the id of a verified delivery is remembered, so that the same id again within it is refused as a
   * replay (ms; 0 or absent: replays are not checked).
   */
  replayWindowMs?: number;
  /** The clock that stamps each delivery's `time`, injected so a caller can share its own (default: the system clock). */
  now?: () => Date;
}

export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
/** Node's own headers timeout; its request timeout (300 s) is shortened to it: a delivery is at most --max-body. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
