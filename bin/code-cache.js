// Loads dist/apitest.cjs through vm.Script with a V8 code cache kept beside it (or in the temp directory when
// dist/ is not writable). Node 20 has no module compile cache, and compiling the bundle is a large part of
// apitest's start-up; the cache is written after a run (createCachedData then includes every function that
// run compiled), keyed by the content id the build writes on the bundle's first line (so a copied or installed
// package keeps its cache; size and mtime for a bundle without one), and rewritten whenever V8 rejects it. The
// temp-directory copy lives in a 0700 directory of the user's own and is not read from anywhere else.
// APITEST_NO_CODE_CACHE=1 turns it off. Any cache problem falls back to a plain compile, silently.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

function isPrivateDir(dir) {
  const st = statSync(dir);
  return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
}

export function loadBundle(bundlePath) {
  const source = readFileSync(bundlePath, 'utf8');
  const useCache = process.env.APITEST_NO_CODE_CACHE !== '1';
  const buildId = /^\/\/apitest-build:([0-9a-f]+)\n/.exec(source.slice(0, 64))?.[1];
  const stat = buildId ? null : statSync(bundlePath);
  const key = `${basename(bundlePath)}.${buildId ?? `${stat.size}-${Math.trunc(stat.mtimeMs)}`}-${process.version}.cache`;
  const privateDir = join(tmpdir(), `apitest-code-cache-${process.getuid?.() ?? 'user'}`);
  const candidates = [join(dirname(bundlePath), key), join(privateDir, key)];
  let cachedData;
  if (useCache) {
    for (const file of candidates) {
      try {
        // The temp-directory copy is trusted only in a directory of our own that no one else can write.
        if (dirname(file) === privateDir && !isPrivateDir(privateDir)) continue;
        cachedData = readFileSync(file);
        break;
      } catch {
        // not there: try the next place
      }
    }
  }
  const script = new Script(Module.wrap(source), { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const saveCache = () => {
    if (!useCache || (cachedData && !script.cachedDataRejected)) return;
    const data = script.createCachedData();
    for (const file of candidates) {
      try {
        if (dirname(file) === privateDir) {
          mkdirSync(privateDir, { recursive: true, mode: 0o700 });
          if (!isPrivateDir(privateDir)) continue;
        }
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, data);
        renameSync(temp, file);
        return;
      } catch {
        // not writable: try the next place
      }
    }
  };
  return { exports: module.exports, saveCache };
}
