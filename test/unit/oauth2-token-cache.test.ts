/** The token cache files: where they are, their modes, atomic writes, and the directories and files refused. */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import type { CachedToken } from '../../src/auth/oauth2/token-state.js';
import { clearTokenCache, openTokenCache, tokenCacheDir, TokenCacheError } from '../../src/files/token-cache.js';
import { maskTokenForm, maskTokenJson } from '../../src/redact/token-fields.js';

const root = mkdtempSync(join(tmpdir(), 'apitest-token-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `case-${++n}`, 'apitest', 'tokens');
const KEY = 'a'.repeat(64);
const TOKEN: CachedToken = { accessToken: 'at-secret-123456', tokenType: 'Bearer', refreshToken: 'rt-secret-654321', scope: 'read', obtainedAt: 1000, expiresAt: 61_000 };

describe('tokenCacheDir', () => {
  test('an absolute $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(tokenCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/ann' })).toBe('/x/cache/apitest/tokens');
    expect(tokenCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/ann' })).toBe('/home/ann/.cache/apitest/tokens');
    expect(tokenCacheDir({ HOME: '/home/ann' })).toBe('/home/ann/.cache/apitest/tokens');
  });
});

describe('openTokenCache', () => {
  test('directories 0700, files 0600, the token read back; no temporary file left', async () => {
    const dir = fresh();
    const store = await openTokenCache(dir);
    expect(await store.read(KEY)).toBeNull();
    await store.write(KEY, TOKEN);
    await store.write(KEY, { ...TOKEN, accessToken: 'at-second-0000000' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${KEY}.json`)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([`${KEY}.json`]);
    expect(await store.read(KEY)).toEqual({ ...TOKEN, accessToken: 'at-second-0000000' });
  });

  test('a directory that is a symlink, or that others can write, is refused', async () => {
    const real = join(root, 'real-dir');
    mkdirSync(real, { mode: 0o700 });
    const base = join(root, `case-${++n}`, 'apitest');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    symlinkSync(real, join(base, 'tokens'));
    await expect(openTokenCache(join(base, 'tokens'))).rejects.toThrow(/symbolic link/);
    const open = fresh();
    mkdirSync(open, { recursive: true });
    chmodSync(open, 0o777);
    await expect(openTokenCache(open)).rejects.toBeInstanceOf(TokenCacheError);
  });

  // Only root can give a directory to another user.
  (process.getuid?.() === 0 ? test : test.skip)('a directory of another user is refused', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await expect(openTokenCache(dir)).rejects.toThrow(/belongs to another user/);
  });

  test('a directory others can read is made 0700', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    await openTokenCache(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  test('a token file that others can read, a symlink, or damaged content is not used', async () => {
    const dir = fresh();
    const store = await openTokenCache(dir);
    await store.write(KEY, TOKEN);
    chmodSync(join(dir, `${KEY}.json`), 0o644);
    expect(await store.read(KEY)).toBeNull();
    const other = 'b'.repeat(64);
    writeFileSync(join(root, 'elsewhere.json'), JSON.stringify({ version: 1, ...TOKEN }), { mode: 0o600 });
    symlinkSync(join(root, 'elsewhere.json'), join(dir, `${other}.json`));
    expect(await store.read(other)).toBeNull();
    const third = 'c'.repeat(64);
    writeFileSync(join(dir, `${third}.json`), '{"version":1,"accessToken":', { mode: 0o600 });
    expect(await store.read(third)).toBeNull();
  });

  test('clearTokenCache removes token files only, and a missing cache is 0', async () => {
    const dir = fresh();
    const store = await openTokenCache(dir);
    await store.write(KEY, TOKEN);
    await store.write('d'.repeat(64), TOKEN);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(await clearTokenCache(dir)).toBe(2);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(await clearTokenCache(fresh())).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('token exchange masking', () => {
  test('form fields by name, whatever their length', () => {
    expect(maskTokenForm('grant_type=refresh_token&refresh_token=short&client_id=app&client_secret=a-much-longer-secret')).toBe(
      'grant_type=refresh_token&refresh_token=****&client_id=app&client_secret=****cret',
    );
  });

  test('JSON fields by name; other text as it is', () => {
    expect(JSON.parse(maskTokenJson('{"access_token":"abc","token_type":"Bearer","refresh_token":"0123456789abcdef"}'))).toEqual({ access_token: '****', token_type: 'Bearer', refresh_token: '****cdef' });
    expect(maskTokenJson('not json')).toBe('not json');
  });
});
