import { loadV8, loadVm } from '../util/load-builtin.js';

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let gc: GcFunction | null | undefined;

/**
 * A long body streamed to a file (`-o`) leaves one garbage 64 KiB network buffer per read; V8 collects them
 * only when its young generation fills, so the resident size of a 1 GiB download climbs by ~25 MB before it
 * levels off. A minor (young-generation) collection every few megabytes keeps it flat for any size, at a cost
 * of well under a millisecond each. Returns null when the collector cannot be reached (then nothing is done).
 */
export function youngGenerationCollector(): (() => void) | null {
  if (gc === undefined) {
    try {
      // Loaded here, not at start-up: only a body written to a file needs them.
      loadV8().setFlagsFromString('--expose-gc');
      gc = loadVm().runInNewContext('gc') as GcFunction;
    } catch {
      gc = null;
    }
  }
  const collect = gc;
  return collect === null ? null : () => collect({ type: 'minor' });
}
