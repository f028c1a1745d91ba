// Generates docs/json-output.schema.json from the zod schema in src/model/request-document.ts, and
// docs/load-output.schema.json from src/model/load-document.ts (zod 4's
// z.toJSONSchema, through src/model/request-document-json-schema.ts). The TypeScript is bundled in memory with esbuild.
//   node scripts/gen-schemas.mjs          write the file
//   node scripts/gen-schemas.mjs --check  exit 1 when the committed file is out of date
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [entry, pathName, textName] of [
  ['src/model/request-document-json-schema.ts', 'JSON_OUTPUT_SCHEMA_PATH', 'jsonOutputSchemaText'],
  ['src/model/load-document-json-schema.ts', 'LOAD_OUTPUT_SCHEMA_PATH', 'loadOutputSchemaText'],
]) {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const dir = await mkdtemp(join(tmpdir(), 'apitest-schemas-'));
  let mod;
  try {
    const file = join(dir, 'json-output-schema.mjs');
    await writeFile(file, result.outputFiles[0].text);
    mod = await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const target = join(root, mod[pathName]);
  const fresh = mod[textName]();
  const current = await readFile(target, 'utf8').catch(() => null);
  if (process.argv.includes('--check')) {
    if (current !== fresh) {
      console.error(`${mod[pathName]} is out of date: run node scripts/gen-schemas.mjs`);
      process.exitCode = 1;
    }
  } else if (current !== fresh) {
    await writeFile(target, fresh);
    console.log(`wrote ${mod[pathName]}`);
  } else {
    console.log(`${mod[pathName]} is up to date`);
  }
}
