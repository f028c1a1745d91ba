// The esbuild plugins of the start-up tricks that reach into dependencies (docs/internals.md lists each, with
// what it saves and the test that fails when a dependency changes under it: test/unit/tricks.test.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The tricks a build can leave out (APITEST_WITHOUT=name,…; scripts/build.mjs, scripts/measure-tricks.mjs). */
export const TRICKS = ['stub-got-extras', 'lazy-listformat', 'share-options', 'young-gc', 'yaml-fast-path', 'code-cache-warmup'];

/**
 * got imports three modules at load time that it only uses for options apitest never sets (http2, cache,
 * dnsCache). They are replaced by stubs that throw if ever used: ~50 KB less to evaluate on every request.
 * (--http2 does use http2-wrapper, but not through got's import: src/engine/http2.ts reads dist/http2.cjs, a
 * separate build of it, and hands got its request function.)
 */
export const STUBBED = ['http2-wrapper', 'cacheable-request', 'cacheable-lookup'];
export const stubGotExtras = {
  name: 'stub-got-extras',
  setup(b) {
    const filter = new RegExp(`^(${STUBBED.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: fileURLToPath(new URL(`./stubs/${args.path}.js`, import.meta.url)) }));
  },
};

/**
 * @sindresorhus/is (a got dependency) builds two Intl.ListFormat objects at load time, ~15 ms of ICU set-up on
 * every run, only to word a validation error. They are made lazy here (same behaviour, built on first use).
 */
export const lazyListFormat = {
  name: 'lazy-intl-listformat',
  setup(b) {
    b.onLoad({ filter: /@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ }, async (args) => {
      return { contents: lazyListFormatPatch(await readFile(args.path, 'utf8')), loader: 'js' };
    });
  },
};

/**
 * The lazy Intl.ListFormat patch of @sindresorhus/is's source. Fails the build when it no longer matches (the
 * dependency changed under it): remove or rewrite the patch then (docs/internals.md).
 */
export function lazyListFormatPatch(source) {
  const eager = /const (\w+) = new Intl\.ListFormat\(([^)]*)\);/g;
  const patched = source.replace(eager, (_m, name, params) => `let ${name}$; const ${name} = { format: (list) => (${name}$ ??= new Intl.ListFormat(${params})).format(list) };`);
  if (patched === source || /new Intl\.ListFormat\([^)]*\);/.test(patched.replace(/\?\?= new Intl\.ListFormat/g, ''))) {
    throw new Error('build: @sindresorhus/is no longer builds Intl.ListFormat the way the lazy-listformat patch expects (scripts/build-plugins.mjs; docs/internals.md)');
  }
  return patched;
}
