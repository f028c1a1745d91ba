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
import { readdir, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { CachedToken, TokenStore } from '../auth/oauth2/token-state.js';
import { checkPrivateDir as checkPrivateDir_, ensurePrivateDir as ensurePrivateDir_, readPrivateFile, writePrivateFileAtomic } from './private-files.js';

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
  await ensurePrivateDir_(dir, 'token cache', (m) => new TokenCacheError(m));
}

async function checkPrivateDir(dir: string): Promise<void> {
  await checkPrivateDir_(dir, 'token cache', (m) => new TokenCacheError(m));
}

async function readToken(dir: string, key: string): Promise<CachedToken | null> {
  const text = await readPrivateFile(tokenFilePath(dir, key), MAX_FILE_BYTES);
  if (text === null) return null;
  try {
    return tokenOf(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

async function writeToken(dir: string, key: string, token: CachedToken): Promise<void> {
  await writePrivateFileAtomic(dir, key, tokenFilePath(dir, key), `${JSON.stringify({ version: 1, ...token })}\n`);
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
