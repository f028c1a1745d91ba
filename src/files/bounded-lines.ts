/**
 * The lines of a file, each at most `maxLineBytes` long: Node's readline builds a line of any length (a file with
 * no newline, such as /dev/zero, grows one string until V8 gives up with a RangeError). A guard between the file
 * and readline counts the bytes since the last newline and fails the read with `LineTooLongError` past the limit.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import { formatByteSize } from '../util/byte-size.js';

/** A line of a file read by `boundedLines` went past its limit. */
export class LineTooLongError extends Error {
  constructor(
    readonly limit: number,
    /** The line's number (1 for the first). */
    readonly line: number,
  ) {
    super(`line ${line} is longer than ${formatByteSize(limit)}`);
  }
}

export function boundedLines(path: string, maxLineBytes: number, highWaterMark = 64 * 1024): AsyncIterable<string> {
  let sinceNewline = 0;
  let lineNo = 1;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let from = 0;
      for (;;) {
        const newline = chunk.indexOf(10, from);
        sinceNewline += (newline === -1 ? chunk.length : newline) - from;
        if (sinceNewline > maxLineBytes) {
          done(new LineTooLongError(maxLineBytes, lineNo));
          return;
        }
        if (newline === -1) break;
        sinceNewline = 0;
        lineNo++;
        from = newline + 1;
      }
      done(null, chunk);
    },
  });
  // pipeline: an error of the file (ENOENT, EISDIR…) reaches the guard, and through it the lines' iterator.
  const input = pipeline(createReadStream(path, { highWaterMark }), guard, () => undefined);
  return createInterface({ input, crlfDelay: Infinity });
}
