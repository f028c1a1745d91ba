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
