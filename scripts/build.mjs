// Builds the CLI: src/ → dist/apitest.cjs, one CommonJS bundle made by esbuild, loaded by bin/apitest.js
// with a code cache (see bin/code-cache.js). Lazily imported modules (the table renderer, the suite
// runner, the webhook server, ajv, yaml, ...) are wrapped by esbuild and evaluated only when first used, so
// `--version` and a single request do not run code they do not need.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lazyListFormat, stubGotExtras, TRICKS } from './build-plugins.mjs';

/**
 * Every start-up and memory trick can be left out of a build, to measure what it saves or to remove it
 * (docs/internals.md): APITEST_WITHOUT=stub-got-extras,lazy-listformat,... ; APITEST_BUILD_OUT=<dir> builds
 * elsewhere than dist/ (scripts/measure-tricks.mjs builds one variant per trick that way).
 */
const without = new Set((process.env.APITEST_WITHOUT ?? '').split(',').filter((t) => t !== ''));
for (const t of without) if (!TRICKS.includes(t)) throw new Error(`APITEST_WITHOUT: unknown trick ${t} (known: ${TRICKS.join(', ')})`);
const outDir = process.env.APITEST_BUILD_OUT ?? fileURLToPath(new URL('../dist', import.meta.url));
const outFile = `${outDir}/apitest.cjs`;

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(outDir, { recursive: true, force: true });
await build({
  entryPoints: [fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))],
  outfile: outFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  // dist/apitest.cjs.map, read only to show an error's stack at src/*.ts lines (--debug, internal errors):
  // no sourceMappingURL comment and no sources' text, so a normal run reads nothing more.
  sourcemap: 'external',
  sourcesContent: false,
  legalComments: 'none',
  define: { __APITEST_VERSION__: JSON.stringify(pkg.version), __APITEST_WITHOUT__: JSON.stringify([...without]), 'import.meta.url': '__apitestImportMetaUrl' },
  banner: { js: "const __apitestImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    ...(without.has('stub-got-extras') ? [] : [stubGotExtras]),
    ...(without.has('lazy-listformat') ? [] : [lazyListFormat]),
  ],
  logLevel: 'warning',
});

// Libraries as their own files beside the bundle (src/util/side-bundle.ts), read only by the runs that use them:
// re2js (regular expressions, src/util/load-re2.ts: most runs match none), http2-wrapper (--http2,
// src/engine/http2.ts) and tough-cookie (cookie jars, src/engine/cookie-store.ts): a plain HTTP/1.1 request loads none.
for (const [entry, out] of [
  ['../node_modules/re2js/build/index.cjs', 're2.cjs'],
  ['../node_modules/http2-wrapper/source/index.js', 'http2.cjs'],
  ['../node_modules/tough-cookie/dist/index.cjs', 'cookies.cjs'],
  // undici (apitest load's transport, src/engine/load-transport.ts) and hdr-histogram-js (its latency histograms,
  // src/load/hdr.ts): read only by `apitest load`.
  ['../node_modules/undici/index.js', 'undici.cjs'],
  ['../node_modules/hdr-histogram-js/dist/index.js', 'hdr.cjs'],
]) {
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    outfile: `${outDir}/${out}`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// A content id on the first line keys Node 20's code cache (bin/v8-code-cache.js): an installed or copied package
// keeps its cache valid whatever the files' times, and a changed bundle never meets an old cache. (Node's own
// compile cache, used on Node >= 22.1, checks the source itself.)
{
  const { createHash } = await import('node:crypto');
  const { writeFile } = await import('node:fs/promises');
  const file = outFile;
  const code = await readFile(file, 'utf8');
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  await writeFile(file, `//apitest-build:${id}\n${code}`);
}

// Pre-build the code cache (for the Node running the build) for the commands most runs use (see scripts/warm-code-cache.mjs).
if (!without.has('code-cache-warmup')) await (await import('./warm-code-cache.mjs')).warmCodeCache(outFile);
