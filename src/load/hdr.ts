/**
 * HDR histograms (hdr-histogram-js) for load latencies, in microseconds: 1 µs to 1 hour at 3 significant digits
 * (a value is kept within 0.1%). The library is loaded on first use through `createRequire`, from `dist/hdr.cjs`
 * (its own file beside the bundle, with its WebAssembly and zlib code: scripts/build.mjs), so no other command
 * reads it. Only the plain JavaScript histogram is used (no WebAssembly to instantiate: nothing to wait for).
 */
import { sideBundle } from '../util/side-bundle.js';
import type { Histogram } from 'hdr-histogram-js';

type Hdr = typeof import('hdr-histogram-js');
const loadHdr: () => Hdr = sideBundle('hdr.cjs', 'hdr-histogram-js');

/** The longest latency a histogram holds: 1 hour, in µs (longer values are recorded as this). */
export const HIGHEST_US = 3_600_000_000;

export type { Histogram };

export function createHistogram(): Histogram {
  return loadHdr().build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/**
 * The same range and precision in a packed (sparse) histogram: ~20 KB for a few thousand distinct values where
 * the plain one takes ~110 KB. For the per-step figures of `load --suite`, one histogram per step.
 */
export function createCompactHistogram(): Histogram {
  return loadHdr().build({ bitBucketSize: 'packed', lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Records a latency given in milliseconds (a float) as whole microseconds, at least 1. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(us < 1 ? 1 : us > HIGHEST_US ? HIGHEST_US : us);
}

/** The histogram as HdrHistogram's compressed base64 text (V2 encoding: Java's, Go's and wrk2's tools read it). */
export function encodeHistogram(histogram: Histogram): string {
  return loadHdr().encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(text: string): Histogram {
  return loadHdr().decodeFromCompressedBase64(text, 32, false);
}

/** Every distinct recorded value (µs, the highest equivalent value) with its count, in increasing order. */
export function recordedValues(histogram: Histogram): Array<{ us: number; count: number }> {
  const out: Array<{ us: number; count: number }> = [];
  const it = (histogram as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push({ us: v.valueIteratedTo, count: v.countAtValueIteratedTo });
  }
  return out;
}
