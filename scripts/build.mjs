// Builds the CLI: src/ → dist/apitest.cjs, one CommonJS bundle made by esbuild, loaded by bin/apitest.js
// with a code cache (see bin/code-cache.js). Lazily imported modules (the table renderer, the suite
// runner, the webhook server, ajv, yaml, ...) are wrapped by esbuild and evaluated only when first used, so
// `--version` and a single request do not run code they do not need.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * got imports three modules at load time that it only uses for options apitest never sets (http2, cache,
 * dnsCache). They are replaced by stubs that throw if ever used: ~50 KB less to evaluate on every request.
 */
const STUBBED = ['http2-wrapper', 'cacheable-request', 'cacheable-lookup'];
const stubGotExtras = {
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
const lazyListFormat = {
  name: 'lazy-intl-listformat',
  setup(b) {
    b.onLoad({ filter: /@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = /const (\w+) = new Intl\.ListFormat\(([^)]*)\);/g;
      const patched = source.replace(eager, (_m, name, params) => `let ${name}$; const ${name} = { format: (list) => (${name}$ ??= new Intl.ListFormat(${params})).format(list) };`);
      if (patched === source) console.warn('build: @sindresorhus/is no longer builds Intl.ListFormat eagerly; the lazy patch did nothing');
      return { contents: patched, loader: 'js' };
    });
  },
};

/**
 * commander requires node:child_process at load time for executable subcommands, which apitest does not use;
 * for commander only, it gets a stub that throws if ever called (saves loading child_process and dgram).
 */
const stubCommanderChildProcess = {
  name: 'stub-commander-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: fileURLToPath(new URL('./stubs/child-process.js', import.meta.url)) } : undefined,
    );
  },
};

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/apitest.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { __APITEST_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__apitestImportMetaUrl' },
  banner: { js: "const __apitestImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
  plugins: [stubGotExtras, lazyListFormat, stubCommanderChildProcess],
  logLevel: 'warning',
});

// A content id on the first line keys Node 20's code cache (bin/v8-code-cache.js): an installed or copied package
// keeps its cache valid whatever the files' times, and a changed bundle never meets an old cache. (Node's own
// compile cache, used on Node >= 22.1, checks the source itself.)
{
  const { createHash } = await import('node:crypto');
  const { writeFile } = await import('node:fs/promises');
  const file = new URL('../dist/apitest.cjs', import.meta.url);
  const code = await readFile(file, 'utf8');
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  await writeFile(file, `//apitest-build:${id}\n${code}`);
}

// Pre-build the code cache (for the Node running the build) for the commands most runs use (see scripts/warm-code-cache.mjs).
await import('./warm-code-cache.mjs');
