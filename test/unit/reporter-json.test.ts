import { describe, expect, test } from '@jest/globals';
import { renderJsonReport } from '../../src/render/reporters/json.js';
import { SuiteReportSchema } from '../../src/model/suite-report.js';
import { expectGolden } from '../golden/reporters/golden.js';
import { sampleReport } from '../golden/reporters/sample-report.js';

describe('json reporter', () => {
  test('golden', async () => {
    await expectGolden('report.json', renderJsonReport(sampleReport()));
  });

  test('one document that parses back to the schema', () => {
    const parsed = SuiteReportSchema.parse(JSON.parse(renderJsonReport(sampleReport())));
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.summary).toEqual({ passed: 2, failed: 4, skipped: 3, durationMs: 1234.5 });
    expect(Object.keys(parsed.files[0]?.steps[0] ?? {})).toEqual(
      expect.arrayContaining(['name', 'ok', 'skipped', 'request', 'response', 'expectations', 'captures', 'error']),
    );
  });
});
