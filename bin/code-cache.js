// Loads dist/apitest.cjs through vm.Script with a V8 code cache kept beside it (or in the temp directory when
// dist/ is not writable). Node 20 has no module compile cache, and compiling the bundle is a large part of
// apitest's start-up; the cache is written after a run (createCachedData then includes every function that
// run compiled), keyed by the bundle's size and mtime, and rewritten whenever V8 rejects it.
// APITEST_NO_CODE_CACHE=1 turns it off. Any cache problem falls back to a plain compile, silently.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export function loadBundle(bundlePath) {
  const source = readFileSync(bundlePath, 'utf8');
  const useCache = process.env.APITEST_NO_CODE_CACHE !== '1';
  const stat = statSync(bundlePath);
  const key = `${basename(bundlePath)}.${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}.cache`;
  const candidates = [join(dirname(bundlePath), key), join(tmpdir(), `apitest-code-cache-${process.getuid?.() ?? 'user'}`, key)];
  let cachedData;
  if (useCache) {
    for (const file of candidates) {
      try {
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
        mkdirSync(dirname(file), { recursive: true });
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
