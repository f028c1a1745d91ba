/**
 * Collecting a delivery's body within the size limit. Over the limit, collecting stops and the caller is told
 * (it answers 413 and drains the rest: refuse-too-large.ts).
 */
import type { IncomingMessage } from 'node:http';

export interface BodyEvents {
  /** More than the limit arrived: nothing more is collected. `received` counts the chunk that went over. */
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
export function readBody(req: IncomingMessage, maxBodyBytes: number, on: BodyEvents): BodyProgress {
  let received = 0;
  let chunks: Buffer[] = [];
  const collect = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > maxBodyBytes) {
      req.off('data', collect);
      chunks = [];
      on.tooLarge(received);
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', collect);
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
