/**
 * Files of the user's own that hold what others must not read (OAuth2 tokens, cached HTTP responses): the
 * directory and file rules of the token cache, shared.
 *
 * - a directory is created 0700; an existing one is used only when it is a real directory (not a symlink) owned
 *   by this user that no one else can write, and is made 0700 if others could read it;
 * - a file is read only when it is a regular file (not a symlink) owned by this user and not readable by others;
 * - a file is written to a temporary file created exclusively (O_EXCL) with an unpredictable name and mode 0600
 *   in the same directory, then renamed over the old one: a reader sees the old content or the new, never half.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';

export class PrivateDirError extends Error {}

/** Creates `dir` (0700, as mkdir -p where its parents are missing) and checks it (checkPrivateDir). */
export async function ensurePrivateDir(dir: string, what: string, makeError: (message: string) => Error = (m) => new PrivateDirError(m)): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // The parent (~/.cache, $XDG_CACHE_HOME) is the user's: created as mkdir -p would, 0700.
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } else if (code !== 'EEXIST') {
      throw makeError(`cannot create ${dir}: ${(error as Error).message}`);
    }
  }
  await checkPrivateDir(dir, what, makeError);
}

/** A real directory of this user's that no one else can write; made 0700 when others could read it. */
export async function checkPrivateDir(dir: string, what: string, makeError: (message: string) => Error = (m) => new PrivateDirError(m)): Promise<void> {
  const st = await lstat(dir);
  if (st.isSymbolicLink()) throw makeError(`${dir} is a symbolic link; the ${what} must be a directory of your own`);
  if (!st.isDirectory()) throw makeError(`${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw makeError(`${dir} belongs to another user (uid ${st.uid})`);
  if ((st.mode & 0o022) !== 0) throw makeError(`${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}); make it 0700, or remove it`);
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * The content of a private file, or null when it is missing, not a regular file of this user's, readable by
 * others, or larger than `maxBytes`.
 */
export async function readPrivateFile(file: string, maxBytes: number): Promise<string | null> {
  let handle;
  try {
    // O_NOFOLLOW: a symlink planted in place of the file is not followed; O_NONBLOCK: a FIFO does not hang the run.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0 || st.size > maxBytes) return null;
    return await readFile(handle, 'utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** Writes `content` to `file` atomically: a 0600 temporary `<stem>.<random>.tmp` beside it, synced, renamed. */
export async function writePrivateFileAtomic(dir: string, stem: string, file: string, content: string): Promise<void> {
  const temp = `${dir}/${stem}.${randomBytes(12).toString('hex')}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
