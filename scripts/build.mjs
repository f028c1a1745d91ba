// Bundles the CLI into dist/ with esbuild: one entry plus lazily loaded chunks (code splitting), so
// `--version` does not load got and a single request does not load the suite runner or webhook server.
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

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { apitest: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __APITEST_VERSION__: JSON.stringify(pkg.version) },
  // Some CommonJS dependencies (cli-table3, got's http2-wrapper) call require(): give ESM a real one.
  banner: { js: "import{createRequire as __apitestCreateRequire}from'node:module';const require=__apitestCreateRequire(import.meta.url);" },
  plugins: [stubGotExtras],
  logLevel: 'warning',
});
