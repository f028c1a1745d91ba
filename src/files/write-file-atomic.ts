/** Report files are never half-written: written to a temporary file beside the target, then renamed. */
import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** Checks before the run that a report can be written there (the directory exists, the path is no directory). */
export async function checkWritable(path: string, cwd: string, what: string): Promise<string> {
  const target = resolve(cwd, path);
  const dir = await stat(dirname(target)).catch(() => null);
  if (!dir?.isDirectory()) throw new UsageError(`${what}: directory ${JSON.stringify(dirname(path))} does not exist`, { hint: 'create it first, or choose another path' });
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`${what}: ${JSON.stringify(path)} is a directory`);
  return target;
}

export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
