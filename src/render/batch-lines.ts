/**
 * The data lines of `apitest batch` (its NDJSON results, its --dry-run requests) on stdout, written with the
 * stream's backpressure: when stdout is a slow pipe, the batch waits for it rather than buffering results in
 * memory.
 */
import type { Writable } from 'node:stream';
import type { Io } from '../io.js';

/** Resolves once the stream takes more (at once when it has room). */
export function writeLine(stream: Pick<Writable, 'write' | 'once' | 'off'>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else {
      const done = (): void => {
        stream.off('error', failed);
        resolve();
      };
      const failed = (error: Error): void => {
        stream.off('drain', done);
        reject(error);
      };
      stream.once('drain', done);
      stream.once('error', failed);
    }
  });
}

/** A line on stdout (the data channel); waits for `drain` when stdout is a stream that says it is full. */
export function printDataLine(io: Io, text: string): Promise<void> {
  const out = io.stdout as Partial<Pick<Writable, 'once' | 'off' | 'writableNeedDrain'>> & Io['stdout'];
  const full = !out.write(text);
  if (!full || typeof out.once !== 'function') return Promise.resolve();
  return new Promise((resolve) => out.once?.('drain', () => resolve()));
}
