import { open, type FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { InputTooLargeError, type Io } from '../../io.js';

/**
 * The most a request body read whole into memory may hold (`-d @file`, `-d @-`, `-F name=@file`): 1 GiB. Without
 * a bound, `-d @/dev/zero` (or a pipe that never ends) would read until memory ran out.
 */
export const MAX_BODY_INPUT_BYTES = 1024 * 1024 * 1024;
/** The most a certificate or key file may hold (`--cacert`, `--cert`, `--key`): 16 MiB (a CA bundle is ~200 KB). */
export const MAX_CERT_FILE_BYTES = 16 * 1024 * 1024;

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
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(path)}: ${why}`, { hint: 'check the path' });
  }
}

/**
 * A file's bytes, whole, up to `limit`: a regular file over it is refused by its size before reading; anything
 * else (a device, a pipe) is read until its end or the limit. Throws `InputTooLargeError` past the limit, and
 * the file system's errors (EISDIR for a directory).
 */
export async function readWholeFile(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > limit) throw new InputTooLargeError(limit);
    return await readUpTo(handle, limit);
  } finally {
    await handle.close();
  }
}

async function readUpTo(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > limit) throw new InputTooLargeError(limit);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

function tooLarge(flag: string, what: string, limit: number): UsageError {
  const size = limit >= 1024 * 1024 * 1024 ? `${limit / (1024 * 1024 * 1024)} GiB` : `${limit / (1024 * 1024)} MiB`;
  return new UsageError(`${flag}: ${what} is larger than ${size}, the most apitest reads into memory for it`, { hint: what === 'standard input' ? 'nothing was sent' : 'nothing was sent; is it the file you meant?' });
}

export function fileNameOf(path: string): string {
  return basename(path);
}
