/**
 * The store of the private HTTP cache (`--cache [dir]`): one file per key (engine/http-cache/cache-request.ts), `<sha256>.json`,
 * in `$XDG_CACHE_HOME/apitest/http/` (an absolute XDG_CACHE_HOME; else `~/.cache/apitest/http/`) or the directory
 * given. The directory and file rules are the token cache's (private-files.ts): directories 0700, files 0600,
 * written to an exclusive temporary file and renamed, read only when they are regular files of this user's.
 * A file holds the variants (Vary) of one method + URL + credentials: each the serialized policy, the status
 * and the decoded body (base64). No credential is in a name or a file: the key is a hash, the URL is shown
 * without password or API-key parameter, credential request headers are hashed.
 */
import { readdir, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CacheStore, StoredEntry, StoredVariant } from '../engine/http-cache/cache-types.js';
import { checkPrivateDir, ensurePrivateDir, PrivateDirError, readPrivateFile, writePrivateFileAtomic } from './private-files.js';

const KEY = /^[0-9a-f]{64}$/;
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/;
const TEMP_FILE = /^[0-9a-f]{64}\.[0-9a-f]{16,}\.tmp$/;
/** The largest entry file read (a body at the default --max-body, base64, and its headers). */
const MAX_FILE_BYTES = 128 * 1024 * 1024;

export class HttpCacheError extends PrivateDirError {}

/** The default directory (not created): `$XDG_CACHE_HOME/apitest/http`, else `~/.cache/apitest/http`. */
export function httpCacheDir(env: Readonly<Record<string, string | undefined>>, given: string | null = null, cwd = process.cwd()): string {
  if (given !== null) return resolve(cwd, given);
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), '.cache');
  return join(base, 'apitest', 'http');
}

/** The store in `dir`, creating it (0700). Throws HttpCacheError naming the directory when it cannot be used safely. */
export async function openHttpCache(dir: string): Promise<CacheStore> {
  const make = (m: string): Error => new HttpCacheError(m);
  await ensurePrivateDir(dir, 'HTTP cache', make);
  return {
    location: dir,
    read: async (key) => {
      const text = await readPrivateFile(entryPath(dir, key), MAX_FILE_BYTES);
      if (text === null) return null;
      try {
        return entryOf(JSON.parse(text) as unknown);
      } catch {
        return null;
      }
    },
    write: (key, entry) => writePrivateFileAtomic(dir, key, entryPath(dir, key), `${JSON.stringify({ version: 1, ...entry })}\n`),
  };
}

export interface ListedEntry {
  readonly key: string;
  readonly method: string;
  readonly url: string;
  readonly variants: readonly StoredVariant[];
  readonly bytes: number;
}

/** Every entry of the cache in `dir` (none when it does not exist). */
export async function listHttpCache(dir: string): Promise<ListedEntry[]> {
  const names = await namesIn(dir);
  const out: ListedEntry[] = [];
  for (const name of names) {
    if (!ENTRY_FILE.test(name)) continue;
    const text = await readPrivateFile(join(dir, name), MAX_FILE_BYTES);
    if (text === null) continue;
    let entry: StoredEntry | null = null;
    try {
      entry = entryOf(JSON.parse(text) as unknown);
    } catch {
      entry = null;
    }
    if (entry === null) continue;
    out.push({ key: name.slice(0, 64), method: entry.method, url: entry.url, variants: entry.variants, bytes: Buffer.byteLength(text) });
  }
  return out.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

/** Removes every entry (and leftover temporary file); returns how many entries were removed. */
export async function clearHttpCache(dir: string): Promise<number> {
  const names = await namesIn(dir);
  let removed = 0;
  for (const name of names) {
    if (!ENTRY_FILE.test(name) && !TEMP_FILE.test(name)) continue;
    try {
      await unlink(join(dir, name));
      if (ENTRY_FILE.test(name)) removed += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    await checkPrivateDir(dir, 'HTTP cache', (m) => new HttpCacheError(m));
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function entryPath(dir: string, key: string): string {
  if (!KEY.test(key)) throw new HttpCacheError(`not an HTTP cache key: ${JSON.stringify(key)}`);
  return join(dir, `${key}.json`);
}

/** An entry file's content, or null when it is not one of ours (another version, or damaged). */
function entryOf(value: unknown): StoredEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || typeof v.method !== 'string' || typeof v.url !== 'string' || !Array.isArray(v.variants)) return null;
  const variants: StoredVariant[] = [];
  for (const item of v.variants as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const x = item as Record<string, unknown>;
    if (typeof x.variant !== 'string' || typeof x.policy !== 'object' || x.policy === null || typeof x.status !== 'number' || typeof x.body !== 'string') continue;
    variants.push({
      variant: x.variant,
      policy: x.policy as Record<string, unknown>,
      status: x.status,
      statusText: typeof x.statusText === 'string' ? x.statusText : '',
      httpVersion: typeof x.httpVersion === 'string' ? x.httpVersion : '1.1',
      body: x.body,
      decodedFrom: Array.isArray(x.decodedFrom) ? (x.decodedFrom as unknown[]).filter((c): c is string => typeof c === 'string') : [],
      storedAt: typeof x.storedAt === 'number' ? x.storedAt : 0,
    });
  }
  return { method: v.method, url: v.url, variants };
}
