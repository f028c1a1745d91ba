import { basename, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { InputTooLargeError, type Io } from '../../io.js';
import { MAX_BODY_INPUT_BYTES, readWholeFile } from '../../files/read-bounded.js';
import { unreadableReason } from '../../util/unreadable-reason.js';

export { MAX_BODY_INPUT_BYTES, MAX_CERT_FILE_BYTES } from '../../files/read-bounded.js';

/** Reads `--data` / `-d`: literal text, `@file`, or `@-` for stdin. Missing files are usage errors. */
export async function readDataArg(value: string, io: Io, flag = '-d/--data'): Promise<Uint8Array> {
  if (value === '@-') {
    try {
      return await io.readStdin(MAX_BODY_INPUT_BYTES);
    } catch (error) {
      if (error instanceof InputTooLargeError) throw tooLarge(flag, 'standard input', error.limit);
      throw error;
    }
  }
  if (value.startsWith('@')) return readFileArg(value.slice(1), io, flag);
  return Buffer.from(value, 'utf8');
}

/**
 * Reads a file named by a flag, whole, up to `limit` bytes (a device or a pipe that never ends is cut there with a
 * usage error). Missing, unreadable and too large files are usage errors naming the flag.
 */
export async function readFileArg(path: string, io: Io, flag: string, limit = MAX_BODY_INPUT_BYTES): Promise<Buffer> {
  if (path === '') throw new UsageError(`${flag}: missing file name after @`, { hint: 'write @path/to/file, or @- for stdin' });
  try {
    return await readWholeFile(resolve(io.cwd, path), limit);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw tooLarge(flag, JSON.stringify(path), error.limit);
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(path)}: ${unreadableReason(error)}`, { hint: 'check the path' });
  }
}

function tooLarge(flag: string, what: string, limit: number): UsageError {
  return new UsageError(`${flag}: ${what} is ${new InputTooLargeError(limit).message}`, { hint: what === 'standard input' ? 'nothing was sent' : 'nothing was sent; is it the file you meant?' });
}

export function fileNameOf(path: string): string {
  return basename(path);
}
