/**
 * Runs the steps of one suite file, in order, sharing its captures. A skipped step's captures have no
 * value (a step that reads one fails, naming it); after a failure with --bail the remaining steps are
 * skipped (`bail`).
 */
import type { FileReport, StepReport } from '../model/suite-report.js';
import { SuiteScope } from './captures.js';
import type { CompiledSuite } from './compile-suite.js';
import { runStep, skippedStep, type StepDeps } from './run-step.js';
import { createCookieJar } from '../engine/cookie-store.js';

/** Shared by the files of a run: set once a step failed under --bail. */
export interface BailState {
  readonly enabled: boolean;
  stopped: boolean;
}

export interface SuiteRunOptions {
  cliVars: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string | undefined>>;
  bail: BailState;
  /** True once Ctrl-C or SIGTERM stopped the run: the steps not yet run are reported as not run. */
  interrupted?: () => boolean;
  /**
   * What the file's report keeps of each step until the file is done (default: the whole record). The
   * steps of a file are held until it is reported: a run whose reporters need less keeps less.
   */
  stepRecord?: (step: StepReport) => StepReport;
}

const SKIP_TEXT = {
  skip: 'it has skip: true',
  only: 'another step has only: true',
  filter: 'it does not match --filter',
  bail: '--bail stopped the run',
  interrupted: 'the run was interrupted',
} as const;

export async function runSuite(suite: CompiledSuite, options: SuiteRunOptions, given: StepDeps): Promise<FileReport> {
  const started = given.elapsed();
  // One cookie jar per file (`cookies: false`: none): a login step's Set-Cookie goes with the later steps. Its values
  // are secrets. tough-cookie is loaded only when a response sets a cookie.
  const deps: StepDeps = suite.cookies ? { ...given, engine: { ...given.engine, cookies: createCookieJar({ onValue: (value) => given.secrets.add([value]) }) } } : given;
  const scope = new SuiteScope(options.cliVars, suite.vars, options.env);
  const keep = options.stepRecord ?? ((step: StepReport): StepReport => step);
  const steps: StepReport[] = [];
  let ok = true;
  for (const step of suite.steps) {
    const skip = step.skip ?? (options.bail.stopped ? 'bail' : options.interrupted?.() === true ? 'interrupted' : null);
    if (skip !== null) {
      scope.recordMissing(step.name, step.captures.map((c) => c.name), `the step was skipped: ${SKIP_TEXT[skip]}`);
      steps.push(keep(skippedStep(step, skip)));
      continue;
    }
    const result = await runStep(step, suite.baseUrl, scope, deps);
    steps.push(keep(result));
    if (!result.ok) {
      ok = false;
      if (options.bail.enabled) options.bail.stopped = true;
    }
  }
  return {
    file: suite.file,
    name: suite.name,
    ok,
    durationMs: Math.round((deps.elapsed() - started) * 100) / 100,
    steps,
  };
}
