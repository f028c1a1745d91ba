// Generates docs/suite.schema.json (suite files) and docs/suite-report.schema.json (`apitest run --reporter json`)
// from the zod schemas in src/. Run: node scripts/gen-suite-schemas.mjs   (test/unit/suite-json-schemas.test.ts
// fails when the committed files differ from what this writes).
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundled = await build({
  stdin: { contents: "export * from './src/suite/json-schemas.ts';", resolveDir: root, loader: 'ts', sourcefile: 'gen-suite-schemas-entry.ts' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'warning',
});
const mod = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
for (const [file, schema] of [
  [mod.SUITE_SCHEMA_FILES.suite, mod.suiteFileJsonSchema()],
  [mod.SUITE_SCHEMA_FILES.report, mod.suiteReportJsonSchema()],
]) {
  await writeFile(new URL(`../${file}`, import.meta.url), mod.renderSchemaFile(schema));
  console.log(`wrote ${file}`);
}
