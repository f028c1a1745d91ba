/**
 * The start-up code cache (bin/code-cache.js) must keep working, or apitest silently gets slower: on Node 20
 * V8 must accept the vm.Script cache the first run wrote; on Node >= 22.1 Node's compile cache must be filled
 * in apitest's own directory and used by the next run. Each test runs a copy of bin/ and dist/apitest.cjs in a
 * temp directory (TMPDIR pointed there too), so it neither depends on nor disturbs dist/'s own cache.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import Module from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/run-cli.js';

/** What bin/code-cache.js does on this Node (a feature test, as the loader itself does). */
const HAS_COMPILE_CACHE = 'enableCompileCache' in Module;

/** Loads the copied bundle as bin/apitest.js does, runs `--version`, and prints loadBundle's `cache` as the last line. */
const PROBE = `
const [codeCacheUrl, bundle] = process.argv.slice(1);
const { loadBundle } = await import(codeCacheUrl);
const { exports: cli, saveCache, cache } = loadBundle(bundle);
const code = await cli.main(['--version']);
saveCache();
process.stdout.write(JSON.stringify({ code, cache }) + '\\n');
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const copies: string[] = [];
afterEach(async () => {
  for (const dir of copies.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the launcher and the bundle: <dir>/bin, <dir>/dist/apitest.cjs, and <dir>/tmp as TMPDIR. */
async function freshCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'apitest-code-cache-test-'));
  copies.push(dir);
  await cp(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'dist'));
  await cp(join(ROOT, 'dist', 'apitest.cjs'), join(dir, 'dist', 'apitest.cjs'));
  await mkdir(join(dir, 'tmp'));
  return dir;
}

/** Node's own cache switches and apitest's are cleared unless a test sets them; the temp directory is the copy's. */
function childEnv(dir: string, extra: Record<string, string>): Record<string, string> {
  const cleared = ['APITEST_NO_CODE_CACHE', 'NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_COMPILE_CACHE_PORTABLE', 'NODE_DEBUG_NATIVE'];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !cleared.includes(k)) env[k] = v;
  return { ...env, TMPDIR: join(dir, 'tmp'), ...extra };
}

function spawnNode(args: string[], dir: string, extra: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env: childEnv(dir, extra), timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The real launcher of the copy: `node -- <dir>/bin/apitest.js --version`. */
async function launch(dir: string, extra: Record<string, string> = {}): Promise<void> {
  const r = await spawnNode(['--', join(dir, 'bin', 'apitest.js'), '--version'], dir, extra);
  expect(r).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
}

/** Runs PROBE on the copy; returns loadBundle's `cache` and the probe's stderr. */
async function probe(dir: string, extra: Record<string, string> = {}): Promise<{ cache: Record<string, unknown>; stderr: string }> {
  const codeCacheUrl = pathToFileURL(join(dir, 'bin', 'code-cache.js')).href;
  const r = await spawnNode(['--input-type=module', '-e', PROBE, codeCacheUrl, join(dir, 'dist', 'apitest.cjs')], dir, extra);
  expect(r.code).toBe(0);
  const last = JSON.parse(r.stdout.trimEnd().split('\n').at(-1) ?? '') as { code: number; cache: Record<string, unknown> };
  expect(last.code).toBe(0);
  return { cache: last.cache, stderr: r.stderr };
}

/** The non-empty files under `dir`, relative to it (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const files: string[] = [];
  for (const entry of entries) {
    const st = await stat(join(dir, entry));
    if (st.isFile() && st.size > 0) files.push(entry);
  }
  return files.sort();
}

(HAS_COMPILE_CACHE ? describe.skip : describe)('Node 20: the vm.Script code cache (bin/v8-code-cache.js)', () => {
  test('a run writes the cache beside the bundle, keyed by the build id and the Node version; the next run hands it to V8, which accepts it', async () => {
    const dir = await freshCopy();
    await launch(dir);
    const firstLine = (await readFile(join(dir, 'dist', 'apitest.cjs'), 'utf8')).slice(0, 64).split('\n')[0];
    const buildId = /^\/\/apitest-build:([0-9a-f]+)$/.exec(firstLine ?? '')?.[1];
    expect(buildId).toMatch(/^[0-9a-f]{16}$/);
    const cacheName = `apitest.cjs.${buildId}-${process.version}.cache`;
    expect(await filesUnder(join(dir, 'dist'))).toEqual(['apitest.cjs', cacheName]);

    const { cache } = await probe(dir);
    expect(cache).toEqual({ mechanism: 'v8-code-cache', enabled: true, file: join(dir, 'dist', cacheName), rejected: false });
  });

  test('a cache written by a run that streamed a body to a file (-o sets --expose-gc at run time, docs/internals.md) is accepted by the next run', async () => {
    // V8 stamps a code cache with a hash of its flags: were the flag left set, every later run would reject
    // the cache and write it again.
    const server = createServer((_req, res) => res.end(Buffer.alloc(6 * 1024 * 1024)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dir = await freshCopy();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const r = await spawnNode(['--', join(dir, 'bin', 'apitest.js'), url, '-o', join(dir, 'body.bin'), '--json'], dir, {});
      expect(r.code).toBe(0);
      const { cache } = await probe(dir);
      expect(cache).toMatchObject({ mechanism: 'v8-code-cache', rejected: false });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('APITEST_NO_CODE_CACHE=1: no cache is read or written', async () => {
    const dir = await freshCopy();
    await launch(dir, { APITEST_NO_CODE_CACHE: '1' });
    const { cache } = await probe(dir, { APITEST_NO_CODE_CACHE: '1' });
    expect(cache).toEqual({ mechanism: 'v8-code-cache', enabled: false, file: null, rejected: null });
    expect(await filesUnder(join(dir, 'dist'))).toEqual(['apitest.cjs']);
    expect(await filesUnder(join(dir, 'tmp'))).toEqual([]);
  });
});

(HAS_COMPILE_CACHE ? describe : describe.skip)('Node >= 22.1: module.enableCompileCache (bin/compile-cache.js)', () => {
  test('a run fills dist/compile-cache (0700, the user\'s own); the next run enables the cache in that directory', async () => {
    const dir = await freshCopy();
    const cacheDir = join(dir, 'dist', 'compile-cache');
    await launch(dir);
    expect((await filesUnder(cacheDir)).length).toBeGreaterThan(0);
    const st = await stat(cacheDir);
    expect({ mode: st.mode & 0o777, uid: st.uid }).toEqual({ mode: 0o700, uid: process.getuid?.() ?? st.uid });

    const { cache } = await probe(dir);
    expect(cache).toEqual({ mechanism: 'compile-cache', enabled: true, status: 'ENABLED', directory: cacheDir });
  });

  test('the next run\'s V8 accepts the cached code of the bundle (Node\'s compile-cache debug log)', async () => {
    const dir = await freshCopy();
    await launch(dir);
    const { stderr } = await probe(dir, { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    // Node's own debug text: if a new Node words it differently, adjust the pattern, not the loader.
    expect(stderr).toMatch(/code cache for CommonJS \S*apitest\.cjs was accepted/);
  });

  test('a dist/compile-cache that others can write is not used: the cache goes to the private temp directory', async () => {
    const dir = await freshCopy();
    const shared = join(dir, 'dist', 'compile-cache');
    await mkdir(shared);
    await chmod(shared, 0o777);
    await launch(dir);
    expect(await filesUnder(shared)).toEqual([]);
    const privateDir = join(dir, 'tmp', `apitest-code-cache-${process.getuid?.() ?? 'user'}`, 'compile-cache');
    expect((await filesUnder(privateDir)).length).toBeGreaterThan(0);

    const { cache } = await probe(dir);
    expect(cache).toEqual({ mechanism: 'compile-cache', enabled: true, status: 'ENABLED', directory: privateDir });
  });

  test('APITEST_NO_CODE_CACHE=1: the compile cache is not enabled and nothing is written', async () => {
    const dir = await freshCopy();
    await launch(dir, { APITEST_NO_CODE_CACHE: '1' });
    const { cache } = await probe(dir, { APITEST_NO_CODE_CACHE: '1' });
    expect(cache).toEqual({ mechanism: 'compile-cache', enabled: false, status: 'OFF', directory: null });
    expect(await filesUnder(join(dir, 'dist'))).toEqual(['apitest.cjs']);
    expect(await filesUnder(join(dir, 'tmp'))).toEqual([]);
  });
});
