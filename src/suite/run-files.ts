/**
 * Runs suite files, up to `concurrency` at a time (steps within a file stay in order). Reports each file
 * as it finishes; the caller decides how to print them (in order, as `onFileDone` gives the file's index).
 */
import type { FileReport } from '../model/suite-report.js';
import type { CompiledSuite } from './compile-suite.js';
import { runSuite, type SuiteRunOptions } from './run-suite.js';
import type { StepDeps } from './run-step.js';

export interface RunFilesOptions extends SuiteRunOptions {
  concurrency: number;
  /** Keep every step in the returned reports (json/junit/tap need them); false keeps memory flat over files. */
  retainSteps: boolean;
}

export async function runFiles(
  suites: readonly CompiledSuite[],
  options: RunFilesOptions,
  deps: StepDeps,
  onFileDone: (report: FileReport, index: number) => void,
): Promise<FileReport[]> {
  const reports: FileReport[] = new Array<FileReport>(suites.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const suite = suites[index];
      if (suite === undefined) return;
      const report = await runSuite(suite, options, deps);
      onFileDone(report, index);
      reports[index] = options.retainSteps ? report : { file: report.file, name: report.name, ok: report.ok, durationMs: report.durationMs, steps: [] };
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, suites.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return reports;
}
