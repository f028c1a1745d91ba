import { loadV8, loadVm } from '../util/load-builtin.js';

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let gc: GcFunction | null | undefined;

/**
 * A long body streamed to a file (`-o`) leaves one garbage 64 KiB network buffer per read; V8 collects them
 * only when its young generation fills, so the resident size of a 1 GiB download climbs by ~25 MB before it
 * levels off. A minor (young-generation) collection every few megabytes keeps it flat for any size, at a cost
 * of well under a millisecond each. Returns null when the collector cannot be reached (then nothing is done).
 *
 * The collector is V8's `gc`, reachable only with --expose-gc: the flag is set for as long as it takes to make
 * a context that has `gc`, then unset, so V8's flags are as before. (V8 stamps a code cache with a hash of its
 * flags: with the flag left set, the cache an -o run writes on Node 20 would be rejected, and rewritten, by
 * every later run.) Guarded by test/unit/tricks.test.ts and test/integration/code-cache.test.ts; see
 * docs/internals.md ("young-gc").
 */
export function youngGenerationCollector(): (() => void) | null {
  if (gc === undefined) {
    try {
      // Loaded here, not at start-up: only a body written to a file needs them.
      const v8 = loadV8();
      v8.setFlagsFromString('--expose-gc');
      try {
        gc = loadVm().runInNewContext('gc') as GcFunction;
      } finally {
        v8.setFlagsFromString('--no-expose-gc');
      }
    } catch {
      gc = null;
    }
  }
  const collect = gc;
  return collect === null ? null : () => collect({ type: 'minor' });
}
