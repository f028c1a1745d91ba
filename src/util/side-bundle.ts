import { createRequire } from 'node:module';

/**
 * A library the build writes as its own file beside the bundle (scripts/build.mjs: dist/re2.cjs, cookies.cjs,
 * http2.cjs, undici.cjs, hdr.cjs), read synchronously on first use, so the runs that do not need it neither read
 * nor compile it. Run from the sources (tests), the side file does not exist and the package in node_modules is
 * loaded instead. `packageName` is what the library is called in node_modules: the boundary test
 * (test/unit/boundaries.test.ts) counts `sideBundle(…, 'name')` as an import of that package.
 */
const load = createRequire(import.meta.url);

export function sideBundle<T>(file: string, packageName: string): () => T {
  let library: T | null = null;
  return () => {
    if (library === null) {
      try {
        library = load(`./${file}`) as T;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
        library = load(packageName) as T;
      }
    }
    return library;
  };
}
