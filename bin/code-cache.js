// Loads dist/apitest.cjs so that V8 need not compile it from scratch on every run: compiling the bundle is a
// large part of apitest's start-up. Node >= 22.1 has a module compile cache of its own (bin/compile-cache.js);
// Node 20 has not, so there the bundle goes through vm.Script with a V8 code cache apitest manages itself
// (bin/v8-code-cache.js). APITEST_NO_CODE_CACHE=1 turns either off.
import Module from 'node:module';
import { loadWithCompileCache } from './compile-cache.js';
import { loadWithV8CodeCache } from './v8-code-cache.js';

/** Runs the bundle; returns { exports, saveCache, cache } (cache: which mechanism was used and what it did). */
export function loadBundle(bundlePath) {
  const useCache = process.env.APITEST_NO_CODE_CACHE !== '1';
  // Feature test rather than a version test: enableCompileCache is exactly what Node >= 22.1 added.
  return typeof Module.enableCompileCache === 'function' ? loadWithCompileCache(bundlePath, useCache) : loadWithV8CodeCache(bundlePath, useCache);
}
