/**
 * Files read whole into memory, bounded: a regular file over the limit is refused by its size before any of it is
 * read; anything else (a device such as /dev/zero, a pipe) is read until its end or the limit. Every file a user
 * names that apitest reads whole goes through here.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { InputTooLargeError } from '../io.js';

/**
 * The most a request body read whole into memory may hold (`-d @file`, `-d @-`, `-F name=@file`): 1 GiB. Without
 * a bound, `-d @/dev/zero` (or a pipe that never ends) would read until memory ran out.
 */
export const MAX_BODY_INPUT_BYTES = 1024 * 1024 * 1024;
/** The most a certificate or key file may hold (`--cacert`, `--cert`, `--key`): 16 MiB (a CA bundle is ~200 KB). */
export const MAX_CERT_FILE_BYTES = 16 * 1024 * 1024;

/** The most a text file apitest parses may hold (a suite, a JSON Schema, a cookie jar): 64 MiB. */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;
/** The most a small settings file may hold (`--env-file`, `--body-template`): 16 MiB. */
export const MAX_SETTINGS_FILE_BYTES = 16 * 1024 * 1024;

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
    if (!stat.isFile()) return await readInChunks(handle, limit, [], 0);
    if (stat.size > limit) throw new InputTooLargeError(limit);
    // One buffer of the file's size, and a byte more to see whether it grew while read (then the rest in chunks).
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
    return await readInChunks(handle, limit, [buffer], filled);
  } finally {
    await handle.close();
  }
}

/**
 * The rest of a device, a pipe or a growing file, until its end or the limit: each read is copied out of one 1 MiB
 * buffer (a pipe gives 64 KiB at a time: keeping each read's own 1 MiB buffer would hold 16 times the data).
 */
async function readInChunks(handle: FileHandle, limit: number, chunks: Buffer[], total: number): Promise<Buffer> {
  if (total > limit) throw new InputTooLargeError(limit);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > limit) throw new InputTooLargeError(limit);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}
