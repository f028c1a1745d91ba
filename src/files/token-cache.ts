/**
 * The OAuth2 token cache: one file per cache key (auth/oauth2/token-cache-key.ts) in
 * `$XDG_CACHE_HOME/apitest/tokens/` (an absolute XDG_CACHE_HOME; else `~/.cache/apitest/tokens/`).
 *
 * What it holds is a credential, so:
 * - the `apitest` and `tokens` directories are created 0700; an existing one is used only when it is a real
 *   directory (not a symlink) owned by this user that no one else can write (as bin/cache-dir.js asks of the code
 *   cache), and is made 0700 if others could read it;
 * - a token file is read only when it is a regular file (not a symlink) owned by this user and not readable by
 *   others; anything else is ignored, as is a file that is not a token of ours;
 * - a file is written to a temporary file created exclusively (O_EXCL) with an unpredictable name and mode 0600
 *   in the same directory, then renamed over the old one: a reader sees the old token or the new one, never half;
 * - the client secret is never written (it is not in a CachedToken), and no setting can be read back from a name.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { CachedToken, TokenStore } from '../auth/oauth2/token-state.js';

const KEY = /^[0-9a-f]{64}$/;
/** A token file: `<key>.json`; a temporary one: `<key>.<random>.tmp`. */
const TOKEN_FILE = /^[0-9a-f]{64}\.json$/;
const TEMP_FILE = /^[0-9a-f]{64}\.[0-9a-f]{16,}\.tmp$/;
/** The largest token file read. */
const MAX_FILE_BYTES = 256 * 1024;

/** The directory tokens are kept in, from the environment (not created). */
export function tokenCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), '.cache');
  return join(base, 'apitest', 'tokens');
}

export class TokenCacheError extends Error {}

/**
 * The token store in `dir` (tokenCacheDir()), creating its directories. Throws TokenCacheError naming the
 * directory when it cannot be used safely (the caller runs without a cache, and says so).
 */
export async function openTokenCache(dir: string): Promise<TokenStore> {
  await ensurePrivateDir(join(dir, '..'));
  await ensurePrivateDir(dir);
  return {
    location: dir,
    read: (key) => readToken(dir, key),
    write: (key, token) => writeToken(dir, key, token),
  };
}

/** Removes every token file (and leftover temporary file) of the cache; returns how many tokens were removed. */
export async function clearTokenCache(dir: string): Promise<number> {
  let names: string[];
  try {
    await checkPrivateDir(dir);
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    if (!TOKEN_FILE.test(name) && !TEMP_FILE.test(name)) continue;
    try {
      await unlink(join(dir, name));
      if (TOKEN_FILE.test(name)) removed += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

/** The file of a key (for `auth token`). */
export function tokenFilePath(dir: string, key: string): string {
  if (!KEY.test(key)) throw new TokenCacheError(`not a token cache key: ${JSON.stringify(key)}`);
  return join(dir, `${key}.json`);
}

async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // The parent (~/.cache, $XDG_CACHE_HOME) is the user's: created as mkdir -p would, 0700.
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } else if (code !== 'EEXIST') {
      throw new TokenCacheError(`cannot create ${dir}: ${(error as Error).message}`);
    }
  }
  await checkPrivateDir(dir);
}

/** A real directory of this user's that no one else can write; made 0700 when others could read it. */
async function checkPrivateDir(dir: string): Promise<void> {
  const st = await lstat(dir);
  if (st.isSymbolicLink()) throw new TokenCacheError(`${dir} is a symbolic link; the token cache must be a directory of your own`);
  if (!st.isDirectory()) throw new TokenCacheError(`${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new TokenCacheError(`${dir} belongs to another user (uid ${st.uid})`);
  if ((st.mode & 0o022) !== 0) throw new TokenCacheError(`${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}); make it 0700, or remove it`);
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

async function readToken(dir: string, key: string): Promise<CachedToken | null> {
  const file = tokenFilePath(dir, key);
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
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0 || st.size > MAX_FILE_BYTES) return null;
    return tokenOf(JSON.parse(await readFile(handle, 'utf8')) as unknown);
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

async function writeToken(dir: string, key: string, token: CachedToken): Promise<void> {
  const file = tokenFilePath(dir, key);
  const temp = join(dir, `${key}.${randomBytes(12).toString('hex')}.tmp`);
  const content = `${JSON.stringify({ version: 1, ...token })}\n`;
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

/** A token file's content, or null when it is not one (another version, or damaged). */
function tokenOf(value: unknown): CachedToken | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const str = (x: unknown): x is string => typeof x === 'string';
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (v.version !== 1 || !str(v.accessToken) || v.accessToken === '' || !str(v.tokenType) || !num(v.obtainedAt)) return null;
  if (!(v.refreshToken === null || str(v.refreshToken)) || !(v.scope === null || str(v.scope)) || !(v.expiresAt === null || num(v.expiresAt))) return null;
  return { accessToken: v.accessToken, tokenType: v.tokenType, refreshToken: v.refreshToken, scope: v.scope, obtainedAt: v.obtainedAt, expiresAt: v.expiresAt };
}
