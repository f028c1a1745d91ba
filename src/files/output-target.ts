/**
 * Every file the CLI writes (`-o`, `--reporter name:PATH`, and any later output option) goes through here, so
 * none of them can replace what is not a regular file or leave something half-written:
 *
 * - A path that does not exist, or a regular file, is written ATOMICALLY: into a temporary file beside it, created
 *   exclusively (O_EXCL, O_NOFOLLOW) with an unpredictable name and mode 0600, then renamed into place once
 *   complete. An existing file keeps its mode (and, when run as root, its owner); a new one gets 0666 minus the
 *   umask. Until the rename, the previous content is intact — also when the disk fills up or the run is stopped.
 * - A character or block device (`/dev/null`, `/dev/full`), a FIFO or a socket — and `/dev/stdout`, `/dev/stderr`,
 *   `/dev/fd/N` whatever they point at — is opened and written IN PLACE: never renamed over, never removed.
 * - A symbolic link is written THROUGH (its target is what gets written, by the rules above); the link stays. A
 *   dangling link is written through too when its target's directory exists; when it does not, the usage error
 *   names that directory (nothing is created).
 * - A directory is a usage error, and so is a place that cannot be written, found before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, readlink, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { ApitestError, UsageError, type ErrorOptions } from '../errors.js';
import { addPending, removePending } from './pending-outputs.js';

/** Writing the body or a report failed (disk full, a device that refuses data): exit 3, kind `write`. */
export class WriteError extends ApitestError {
  readonly kind = 'write' as const;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'EWRITE', ...options });
  }
}

export interface OutputTarget {
  /** The path as the user gave it (for messages and reports). */
  readonly path: string;
  /** In place (device, FIFO, socket, /dev/stdout…) or atomic (regular file). */
  readonly mode: 'atomic' | 'in-place';
  /** The stream the content is written to; its errors are WriteErrors. Opened once. */
  open(): Writable;
  /** Puts the content in place: closes the stream; renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Gives up: closes the stream; removes the temporary file; the target is untouched. Safe to call twice. */
  discard(): Promise<void>;
}

/** `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: always written in place. */
const DESCRIPTOR_PATH = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/(self|\d+)\/fd\/\d+)$/;
const MAX_LINKS = 40;

export interface OutputTargetOptions {
  /** The mode of a file that does not exist yet (default 0666 minus the umask), e.g. 0600 for a cookie jar. An existing file keeps its own. */
  readonly newFileMode?: number;
}

/** Checks the place now (before anything is sent) and prepares the temporary file when there will be a rename. */
export async function prepareOutputTarget(path: string, cwd: string, flag: string, options: OutputTargetOptions = {}): Promise<OutputTarget> {
  const given = resolve(cwd, path);
  if (DESCRIPTOR_PATH.test(given)) return inPlace(path, given, flag);
  const target = await followLinks(given, flag, path);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw cannotWrite(flag, path, error);
  });
  if (existing?.isDirectory()) throw new UsageError(`${flag}: ${JSON.stringify(path)} is a directory`, { hint: 'give a file path' });
  if (existing !== null && !existing.isFile()) {
    await access(target, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      throw cannotWrite(flag, path, error);
    });
    return inPlace(path, target, flag);
  }
  const dir = dirname(target);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw missingDirectory(flag, path, given, target);
  return atomic(path, target, flag, existing === null ? null : { mode: existing.mode & 0o7777, uid: existing.uid, gid: existing.gid }, options.newFileMode);
}

/** Writes a whole text (a report) by the same rules as `prepareOutputTarget`. */
export async function writeOutputFile(target: OutputTarget, content: string): Promise<void> {
  const stream = target.open();
  try {
    await new Promise<void>((resolveWrite, reject) => {
      stream.once('error', reject);
      // end's callback is called with the stream's error (before the 'error' event): a full disk or a device
      // that refuses data must fail the write, never be committed (renamed into place) as if complete.
      stream.end(Buffer.from(content, 'utf8'), (error?: Error | null) => (error ? reject(error) : resolveWrite()));
    });
    await target.commit();
  } catch (error) {
    await target.discard();
    throw error;
  }
}

/** The path a chain of symbolic links ends at (it may not exist yet: a dangling link is written through). */
async function followLinks(start: string, flag: string, shown: string): Promise<string> {
  let current = start;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw cannotWrite(flag, shown, error);
    });
    if (info === null || !info.isSymbolicLink()) return current;
    const link = await readlink(current);
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
  }
  throw new UsageError(`${flag}: ${JSON.stringify(shown)}: too many symbolic links`, { hint: 'choose another path' });
}

function inPlace(path: string, target: string, flag: string): OutputTarget {
  // Opened when the first bytes come (a FIFO waits there for its reader), or at commit for an empty content.
  // 'w' truncates a file and does nothing to a device or FIFO.
  let handle: Promise<FileHandle> | null = null;
  const opened = (): Promise<FileHandle> => (handle ??= open(target, 'w'));
  let done = false;
  return {
    path,
    mode: 'in-place',
    open: () => handleWriter(opened, flag, path, null),
    commit: async () => {
      if (done) return;
      done = true;
      try {
        await (await opened()).close();
      } catch (error) {
        throw error instanceof ApitestError ? error : writeFailed(flag, path, error as NodeJS.ErrnoException);
      }
    },
    discard: async () => {
      if (done) return;
      done = true;
      if (handle !== null) await (await handle.catch(() => null))?.close().catch(() => undefined);
    },
  };
}

interface Previous {
  mode: number;
  uid: number;
  gid: number;
}

async function atomic(path: string, target: string, flag: string, previous: Previous | null, newFileMode?: number): Promise<OutputTarget> {
  const temp = join(dirname(target), `.${basename(target)}.apitest-${randomBytes(8).toString('hex')}.part`);
  let handle: FileHandle;
  try {
    // O_EXCL + O_NOFOLLOW: a file (or a planted symlink) of that name is never opened, let alone followed.
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw cannotWrite(flag, path, error as NodeJS.ErrnoException);
  }
  let state: 'open' | 'committed' | 'discarded' = 'open';
  let opens = 0;
  const giveUp = async (): Promise<void> => {
    state = 'discarded';
    removePending(target_);
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  };
  const target_: OutputTarget = {
    path,
    mode: 'atomic',
    // Opened again for a second attempt (a retry after a body was cut off): it starts over, from an empty file.
    open: () => {
      opens += 1;
      const fresh = opens === 1 ? Promise.resolve(handle) : handle.truncate(0).then(() => handle);
      return handleWriter(() => fresh, flag, path, 0);
    },
    commit: async () => {
      if (state !== 'open') return;
      try {
        await handle.sync();
        await handle.chmod(previous?.mode ?? newFileMode ?? (0o666 & ~process.umask()));
        if (previous !== null && process.getuid?.() === 0) await handle.chown(previous.uid, previous.gid).catch(() => undefined);
        await handle.close();
        await rename(temp, target);
        state = 'committed';
        removePending(target_);
      } catch (error) {
        await giveUp();
        throw error instanceof ApitestError ? error : writeFailed(flag, path, error as NodeJS.ErrnoException);
      }
    },
    discard: async () => {
      if (state === 'open') await giveUp();
    },
  };
  addPending(target_);
  return target_;
}

/**
 * A Writable over a file handle: every chunk written whole, at `position` onwards (null: where the file is, for
 * devices and FIFOs); file-system errors become WriteErrors.
 */
function handleWriter(handle: () => Promise<FileHandle>, flag: string, path: string, position: number | null): Writable {
  let at = position;
  const write = (chunk: Buffer, done: (error?: Error | null) => void): void => {
    writeAll(handle, chunk, at).then(
      (written) => {
        if (at !== null) at += written;
        done();
      },
      (error: NodeJS.ErrnoException) => done(writeFailed(flag, path, error)),
    );
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(chunk, done);
    },
    // Chunks that queued up while a write was on its way go in one write, in order (`apitest batch` writes one
    // small line per row: one system call for many).
    writev(chunks, done) {
      write(chunks.length === 1 ? (chunks[0]!.chunk as Buffer) : Buffer.concat(chunks.map((c) => c.chunk as Buffer)), done);
    },
  });
}

async function writeAll(handle: () => Promise<FileHandle>, chunk: Buffer, position: number | null): Promise<number> {
  const fh = await handle();
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset, position === null ? null : position + offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('the device accepted no bytes'), { code: 'EIO' });
    offset += bytesWritten;
  }
  return offset;
}

function writeFailed(flag: string, path: string, error: NodeJS.ErrnoException): WriteError {
  const why = reasonOf(error);
  return new WriteError(`${flag}: cannot write ${JSON.stringify(path)}: ${why}`, {
    code: error.code ?? 'EWRITE',
    hint: error.code === 'ENOSPC' ? 'free some space, or write elsewhere; the previous content of a file is kept' : 'check the place you write to',
    cause: error,
  });
}

/**
 * The directory the file would go in is missing. Through a (dangling) symbolic link, that is the directory of the
 * link's target — the one to create — not the directory of the path given (which holds the link, so exists).
 */
function missingDirectory(flag: string, path: string, given: string, target: string): UsageError {
  const hint = { hint: 'create it first, or choose another path' };
  if (target === given) return new UsageError(`${flag}: directory ${JSON.stringify(dirname(path))} does not exist`, hint);
  return new UsageError(`${flag}: ${JSON.stringify(path)} is a symbolic link to ${JSON.stringify(target)}, whose directory ${JSON.stringify(dirname(target))} does not exist`, hint);
}

function cannotWrite(flag: string, path: string, error: NodeJS.ErrnoException): UsageError {
  return new UsageError(`${flag}: cannot write ${JSON.stringify(path)}: ${reasonOf(error)}`, { hint: 'choose a path you can write to' });
}

function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device (ENOSPC)';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return error.code === undefined ? error.message : `${error.message.replace(/^[A-Z]+: /, '')}`;
  }
}
