/**
 * A step's `expect:` against the facts of its response: every expectation in the order written, templates
 * resolved with the user's captures, then the JSON Schema. Shared by a suite run (suite/run-step.ts) and a
 * suite under load (load/run-suite-load.ts). Pure but for the scope it reads.
 */
import { evaluateExpectation, type CheckResult } from '../expect/evaluate.js';
import type { ResponseFacts } from '../expect/subject-context.js';
import type { ExpectOutcome } from '../result/settle.js';
import type { SuiteScope } from './captures.js';
import { messageOf } from './compile-expect.js';
import type { CompiledStep } from './compile-suite.js';
import { interpolateDeep, VariableError } from './interpolate.js';

/** Runs every expectation, in the order written; a variable without a value fails its check and is reported. */
export function evaluateExpectations(step: CompiledStep, facts: ResponseFacts, scope: SuiteScope): ExpectOutcome {
  const results: CheckResult[] = [];
  let variableError: string | null = null;
  for (const source of step.expect.sources) {
    if (source.kind === 'static') {
      for (const exp of source.expectations) results.push(evaluateExpectation(exp, facts));
      continue;
    }
    const expression = typeof source.raw === 'string' ? source.raw : JSON.stringify(source.raw);
    try {
      for (const exp of source.build(interpolateDeep(source.raw, scope))) results.push(evaluateExpectation(exp, facts));
    } catch (error) {
      const message = messageOf(error);
      if (error instanceof VariableError) variableError ??= message;
      results.push({ expression, ok: false, expected: expression, actual: '(missing)', message });
    }
  }
  if (step.expect.schema) results.push(step.expect.schema(facts.json));
  return { results, variableError };
}
