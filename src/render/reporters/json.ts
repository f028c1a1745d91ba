import type { SuiteReport } from '../../model/suite-report.js';

/** `--reporter json`: the report document (SuiteReportSchema), pretty-printed. Pure. */
export function renderJsonReport(report: SuiteReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
