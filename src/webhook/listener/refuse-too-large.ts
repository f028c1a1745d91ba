/**
 * The 413 for a body over --max-body, sent so that the sender can read it. Many senders (Python's
 * http.client, Ruby's Net::HTTP, ...) upload the whole body before they read the answer: closing the
 * connection while they are still writing resets it, and they see EPIPE / ECONNRESET instead of the 413.
 * So the 413 is written at once, the rest of the upload is read and thrown away (a lingering close, as
 * nginx and Apache do), and the connection is closed when the upload ends or a bound is reached.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How much of a refused upload is still read (and discarded) after the 413, at most. */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** How long a refused upload is still read after the 413, at most (nginx's lingering_time). */
export const DRAIN_MAX_MS = 30_000;
/** The drain also ends when nothing has arrived for this long (nginx's lingering_timeout). */
export const DRAIN_IDLE_MS = 5_000;

export interface DrainLimits {
  bytes: number;
  ms: number;
  idleMs: number;
}

const TOO_LARGE_BODY = JSON.stringify({ error: 'body too large' });

/**
 * Answers 413 (`Connection: close`) and drains the rest of the upload: the connection closes once the body
 * has ended (or the sender has gone), or after `limits.bytes` more bytes, `limits.ms` in all or `limits.idleMs`
 * without a byte, whichever comes first; then `onDrained` is called, once.
 */
export function refuseTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  onDrained: () => void,
  limits: DrainLimits = { bytes: DRAIN_MAX_BYTES, ms: DRAIN_MAX_MS, idleMs: DRAIN_IDLE_MS },
): void {
  // Stop buffering: from here on the upload is only read so that it can be thrown away.
  req.removeAllListeners('data');
  if (res.headersSent || res.writableEnded || res.destroyed) {
    req.on('data', () => undefined);
    onDrained();
    return;
  }
  res.writeHead(413, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(TOO_LARGE_BODY), Connection: 'close' });
  // The answer is complete on the wire (its length is declared), but the response is ended only when the
  // drain is over: node closes a `Connection: close` socket as soon as its response ends.
  res.write(TOO_LARGE_BODY);

  let drained = 0;
  let over = false;
  const close = (): void => {
    if (over) return;
    over = true;
    clearTimeout(deadline);
    clearTimeout(idle);
    req.off('data', onData);
    req.on('data', () => undefined);
    // Ending the response makes node half-close the socket after the 413 and then destroy it.
    res.end();
    onDrained();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > limits.bytes) close();
    else idle.refresh();
  };
  const deadline = setTimeout(close, limits.ms);
  const idle = setTimeout(close, limits.idleMs);
  deadline.unref();
  idle.unref();
  req.on('data', onData);
  req.once('end', close);
  req.once('close', close);
}
