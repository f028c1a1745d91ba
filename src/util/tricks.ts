/**
 * Whether this build keeps a start-up or memory trick (docs/internals.md). A build can leave any out with
 * APITEST_WITHOUT=<name,…> (scripts/build.mjs), to measure it or to remove it; tests (not bundled) keep all.
 */
export type Trick = 'share-options' | 'young-gc' | 'yaml-fast-path';

export function keepsTrick(name: Trick): boolean {
  return typeof __APITEST_WITHOUT__ === 'undefined' || !__APITEST_WITHOUT__.includes(name);
}
