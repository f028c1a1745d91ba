import { describe, expect, test } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { SuiteReportSchema } from '../../src/model/suite-report.js';
import { renderSchemaFile, SUITE_SCHEMA_FILES, suiteFileJsonSchema, suiteReportJsonSchema } from '../../src/suite/json-schemas.js';
import { sampleReport } from '../golden/reporters/sample-report.js';

const root = new URL('../../', import.meta.url);
const read = async (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

describe('published JSON Schemas', () => {
  test.each([
    [SUITE_SCHEMA_FILES.suite, suiteFileJsonSchema],
    [SUITE_SCHEMA_FILES.report, suiteReportJsonSchema],
  ] as const)('%s is what scripts/gen-suite-schemas.mjs generates (run it after changing the zod schemas)', async (file, generate) => {
    expect(await read(file)).toBe(renderSchemaFile(generate()));
  });

  test('the example suites validate against docs/suite.schema.json (what editors check)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(await read(SUITE_SCHEMA_FILES.suite)) as object);
    const files = (await readdir(new URL('fixtures/suites/', root))).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const data = parse(await read(`fixtures/suites/${file}`)) as unknown;
      expect({ file, ok: validate(data), errors: validate.errors ?? null }).toEqual({ file, ok: true, errors: null });
    }
    expect(validate({ name: 'x', steps: [{ url: '/a', expcet: {} }] })).toBe(false);
  });

  test('a report validates against docs/suite-report.schema.json and the zod schema', async () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(await read(SUITE_SCHEMA_FILES.report)) as object);
    const report = JSON.parse(JSON.stringify(sampleReport())) as unknown;
    expect(validate(report)).toBe(true);
    expect(SuiteReportSchema.safeParse(report).success).toBe(true);
  });
});
