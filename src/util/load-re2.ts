import { createRequire } from 'node:module';

/**
 * Loads re2js (the linear-time regular expression engine of expect/pattern.ts) on first use, synchronously. The
 * build writes it as its own file beside the bundle, dist/re2.cjs (scripts/build.mjs), so the runs that use no
 * regular expression — most of them — do not read or compile its ~150 KB. Run from the sources (tests), it is
 * the package in node_modules.
 */
const load = createRequire(import.meta.url);
let engine: typeof import('re2js') | null = null;

export function loadRe2(): typeof import('re2js') {
  if (engine === null) {
    try {
      engine = load('./re2.cjs') as typeof import('re2js');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      engine = load('re2js') as typeof import('re2js');
    }
  }
  return engine;
}
