/**
 * Collecting a delivery's body within the size limit. Over the limit the listener answers 413 at once and
 * closes the connection after a short drain, so the sender reads the 413 rather than a reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './send-json.js';

/** How long a refused (413) upload is still drained before the connection is cut. */
const LINGER_MS = 2_000;

export interface BodyEvents {
  /** More than the limit arrived; the 413 is already sent. `received` counts the chunk that went over. */
  tooLarge(received: number): void;
  /** The sender went away before the end of the body. */
  aborted(received: number): void;
  /** The whole body arrived; `collect` joins it (left to the caller, whose failure handling covers it). */
  complete(collect: () => Buffer): void;
}

export interface BodyProgress {
  /** Body bytes received so far. */
  readonly received: number;
}

/** Reads `req`'s body, keeping at most `maxBodyBytes`; what happens is told through `on`. */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number, on: BodyEvents): BodyProgress {
  let received = 0;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBodyBytes) {
      refuseTooLarge(req, res);
      on.tooLarge(received);
      return;
    }
    chunks.push(chunk);
  });
  req.on('close', () => {
    if (!req.complete) on.aborted(received);
  });
  req.on('end', () => on.complete(() => Buffer.concat(chunks, received)));
  return {
    get received() {
      return received;
    },
  };
}

/** Answers 413 and closes the connection once the rest of the upload has been drained (discarded), or after LINGER_MS. */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  // Stop buffering: from here on the upload is only read so that it can be thrown away.
  req.removeAllListeners('data');
  req.on('data', () => undefined);
  sendJson(res, 413, { error: 'body too large' }, { Connection: 'close' });
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.once('end', () => {
    clearTimeout(cut);
    req.socket.destroySoon();
  });
}
