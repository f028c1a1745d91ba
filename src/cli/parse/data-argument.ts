import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';

/** Reads `--data` / `-d`: literal text, `@file`, or `@-` for stdin. Missing files are usage errors. */
export async function readDataArg(value: string, io: Io, flag = '-d/--data'): Promise<Uint8Array> {
  if (value === '@-') return io.readStdin();
  if (value.startsWith('@')) return readFileArg(value.slice(1), io, flag);
  return Buffer.from(value, 'utf8');
}

export async function readFileArg(path: string, io: Io, flag: string): Promise<Buffer> {
  if (path === '') throw new UsageError(`${flag}: missing file name after @`, { hint: 'write @path/to/file, or @- for stdin' });
  try {
    return await readFile(resolve(io.cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(path)}: ${why}`, { hint: 'check the path' });
  }
}

export function fileNameOf(path: string): string {
  return basename(path);
}
