import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * `-o FILE` without half-written files: the body streams into a temporary file beside the target,
 * renamed into place only when the whole body arrived; removed otherwise.
 */
export interface AtomicOutput {
  readonly path: string;
  open(): WriteStream;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function prepareOutputFile(path: string, cwd: string): Promise<AtomicOutput> {
  const target = resolve(cwd, path);
  const dir = dirname(target);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new UsageError(`-o/--output: directory ${JSON.stringify(dirname(path))} does not exist`, { hint: 'create it first, or choose another path' });
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`-o/--output: ${JSON.stringify(path)} is a directory`, { hint: 'give a file path' });
  const temp = `${target}.apitest-${process.pid}.part`;
  // Create the temporary file now, so an unwritable place is a usage error before anything is sent.
  try {
    await writeFile(temp, '', { flag: 'w' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (error as Error).message;
    throw new UsageError(`-o/--output: cannot write ${JSON.stringify(path)}: ${why}`, { hint: 'choose a path you can write to' });
  }
  let stream: WriteStream | null = null;
  const removeTemp = async (): Promise<void> => {
    await unlink(temp).catch(() => undefined);
  };
  return {
    path,
    open: () => {
      stream = createWriteStream(temp);
      return stream;
    },
    commit: async () => {
      if (stream) await rename(temp, target);
      else await removeTemp();
    },
    discard: async () => {
      stream?.destroy();
      await removeTemp();
    },
  };
}
