// Node 20: loads dist/apitest.cjs through vm.Script with a V8 code cache kept beside it (or in apitest's private
// temp directory when dist/ is not writable). Node 20 has no module compile cache, and compiling the bundle is
// a large part of apitest's start-up; the cache is written after a run (createCachedData then includes every
// function that run compiled), keyed by the content id the build writes on the bundle's first line (so a copied
// or installed package keeps its cache; size and mtime for a bundle without one), and rewritten whenever V8
// rejects it. The temp-directory copy is read only from a directory of the user's own (bin/cache-dir.js).
// Any cache problem falls back to a plain compile, silently.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { ensurePrivateDir, isPrivateDir, privateTempDir } from './cache-dir.js';

/** The places the cache file may be, in the order they are tried: beside the bundle, then the temp directory. */
function cacheFiles(bundlePath, source) {
  const buildId = /^\/\/apitest-build:([0-9a-f]+)\n/.exec(source.slice(0, 64))?.[1];
  const stat = buildId ? null : statSync(bundlePath);
  const key = `${basename(bundlePath)}.${buildId ?? `${stat.size}-${Math.trunc(stat.mtimeMs)}`}-${process.version}.cache`;
  return [join(dirname(bundlePath), key), join(privateTempDir(), key)];
}

function readCache(files) {
  for (const file of files) {
    try {
      // The temp-directory copy is trusted only in a directory of our own that no one else can write.
      if (dirname(file) === privateTempDir() && !isPrivateDir(dirname(file))) continue;
      return { file, data: readFileSync(file) };
    } catch {
      // not there: try the next place
    }
  }
  return null;
}

function writeCache(files, data) {
  for (const file of files) {
    try {
      if (dirname(file) === privateTempDir() && !ensurePrivateDir(dirname(file))) continue;
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, data);
      renameSync(temp, file);
      return;
    } catch {
      // not writable: try the next place
    }
  }
}

/**
 * Runs the bundle (CommonJS) and returns its exports, a saveCache() to call after the run, and `cache`, what
 * happened to the cache: the file read (null: none) and whether V8 rejected it (null: no cache was given).
 */
export function loadWithV8CodeCache(bundlePath, useCache) {
  const source = readFileSync(bundlePath, 'utf8');
  const files = useCache ? cacheFiles(bundlePath, source) : [];
  const cached = readCache(files);
  const script = new Script(Module.wrap(source), { filename: bundlePath, ...(cached ? { cachedData: cached.data } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const saveCache = () => {
    if (!useCache || (cached && !script.cachedDataRejected)) return;
    writeCache(files, script.createCachedData());
  };
  const cache = { mechanism: 'v8-code-cache', enabled: useCache, file: cached?.file ?? null, rejected: cached ? script.cachedDataRejected === true : null };
  return { exports: module.exports, saveCache, cache };
}
