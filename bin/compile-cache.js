// Node >= 22.1: loads dist/apitest.cjs with a plain require after turning on Node's own module compile cache
// (module.enableCompileCache), which keeps V8's code cache for every module loaded afterwards, checks it
// against the source and rewrites it when V8 rejects it. The cache directory is apitest's own, never one
// another user could write (bin/cache-dir.js): dist/compile-cache beside the bundle, else compile-cache in
// apitest's private temp directory. Node's own NODE_COMPILE_CACHE / NODE_DISABLE_COMPILE_CACHE still win.
// Any cache problem falls back to a plain compile, silently.
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, privateTempDir } from './cache-dir.js';

/** The first private cache directory apitest can use, or null (then the bundle is compiled without a cache). */
function cacheDirectory(bundlePath) {
  const beside = join(dirname(bundlePath), 'compile-cache');
  if (ensurePrivateDir(beside)) return beside;
  // The subdirectory is safe only inside a parent that is private too.
  const temp = privateTempDir();
  const inTemp = join(temp, 'compile-cache');
  return ensurePrivateDir(temp) && ensurePrivateDir(inTemp) ? inTemp : null;
}

/** Node's status number (module.constants.compileCacheStatus) as its name: ENABLED, ALREADY_ENABLED, ... */
function statusName(status) {
  const names = Object.entries(Module.constants?.compileCacheStatus ?? {});
  return names.find(([, value]) => value === status)?.[0] ?? String(status);
}

function enable(bundlePath) {
  try {
    const directory = cacheDirectory(bundlePath);
    if (directory === null) return { status: 'NO_PRIVATE_DIRECTORY', directory: null };
    const result = Module.enableCompileCache(directory);
    return { status: statusName(result.status), directory: result.directory ?? null };
  } catch {
    return { status: 'FAILED', directory: null };
  }
}

/**
 * Runs the bundle (CommonJS) and returns its exports, a saveCache() to call after the run, and `cache`, what
 * Node said when the compile cache was enabled: its status and directory.
 */
export function loadWithCompileCache(bundlePath, useCache) {
  const state = useCache ? enable(bundlePath) : { status: 'OFF', directory: null };
  const exports = createRequire(bundlePath)(bundlePath);
  // Node writes the cache at exit anyway; flushing here (Node >= 22.10) also covers a process.exit() later on.
  const saveCache = () => {
    if (state.status === 'ENABLED') Module.flushCompileCache?.();
  };
  return { exports, saveCache, cache: { mechanism: 'compile-cache', enabled: useCache, ...state } };
}
