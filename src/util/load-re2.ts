import { sideBundle } from './side-bundle.js';

/**
 * Loads re2js (the linear-time regular expression engine of expect/pattern.ts) on first use, synchronously. The
 * build writes it as its own file beside the bundle, dist/re2.cjs (scripts/build.mjs), so the runs that use no
 * regular expression — most of them — do not read or compile its ~150 KB. Run from the sources (tests), it is
 * the package in node_modules.
 */
export const loadRe2: () => typeof import('re2js') = sideBundle('re2.cjs', 're2js');
