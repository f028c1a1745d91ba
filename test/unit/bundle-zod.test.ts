/**
 * Every command pays for the size of dist/apitest.cjs at start-up. The CLI uses zod/mini (~40 KB bundled);
 * the full zod (~450 KB) is for generating the published JSON Schemas only (json-schemas.ts,
 * json-output-schema.ts, and the schemas of suite-report.ts / json-document.ts, which runtime code imports
 * as TYPES only). This fails when a runtime import of a value brings the full zod back into the bundle.
 */
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the CLI bundle', () => {
  test('does not contain the full zod', async () => {
    const result = await build({
      entryPoints: ['src/cli/main.ts'],
      absWorkingDir: root,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      define: { __APITEST_VERSION__: '"0.0.0"', 'import.meta.url': '__apitestImportMetaUrl' },
    });
    const inputs = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {}).filter(([path, input]) => /node_modules\/zod\//.test(path) && input.bytesInOutput > 0);
    expect(inputs.filter(([path]) => /zod\/v4\/classic\//.test(path)).map(([path]) => path)).toEqual([]);
    const zodBytes = inputs.reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(zodBytes).toBeGreaterThan(0);
    expect(zodBytes).toBeLessThan(100_000);
  });
});
