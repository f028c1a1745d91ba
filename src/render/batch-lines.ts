/**
 * The data lines of `apitest batch` (its NDJSON results, its --dry-run requests) on stdout, written with the
 * stream's backpressure: when stdout is a slow pipe, the batch waits for it rather than buffering results in
 * memory.
 */
import type { Writable } from 'node:stream';
import type { Io } from '../io.js';

/**
 * A writer of lines to a stream with its backpressure: a write resolves at once while the stream has room, and
 * all writers wait on the one `drain` when it is full (one listener, however many rows are in flight).
 */
export function lineWriter(stream: Pick<Writable, 'write' | 'once' | 'off'>): (text: string) => Promise<void> {
  let full: Promise<void> | null = null;
  let failure: Error | null = null;
  const onError = (error: Error): void => {
    failure ??= error;
  };
  stream.once('error', onError);
  return async (text) => {
    if (failure !== null) throw failure;
    while (full !== null) await full;
    if (!stream.write(text)) {
      full = new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('error', done);
          full = null;
          resolve();
        };
        stream.once('drain', done);
        stream.once('error', done);
      });
    }
    if (failure !== null) throw failure;
  };
}

/** Lines on stdout (the data channel), with its backpressure when stdout is a stream that has one. */
export function stdoutLineWriter(io: Io): (text: string) => Promise<void> {
  const out = io.stdout as Io['stdout'] & Partial<Pick<Writable, 'once' | 'off'>>;
  if (typeof out.once !== 'function' || typeof out.off !== 'function') {
    return (text) => {
      out.write(text);
      return Promise.resolve();
    };
  }
  return lineWriter(out as unknown as Pick<Writable, 'write' | 'once' | 'off'>);
}
