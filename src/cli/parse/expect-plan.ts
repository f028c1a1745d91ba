import { evaluateExpectation } from '../../expect/evaluate.js';
import type { Expectation } from '../../expect/expression.js';
import type { SchemaCheck } from '../../expect/json-schema.js';
import { parseExpectStatus } from '../../expect/matcher.js';
import { parseExpectation } from '../../expect/parse-expression.js';
import type { ResponseFacts } from '../../expect/subject-context.js';
import type { ExpectOutcome } from '../../result/settle.js';
import type { RawExpectOptions } from '../flags/expect-flags.js';
import { MAX_TEXT_FILE_BYTES, readWholeFile } from '../../files/read-bounded.js';
import { withFlag } from './with-flag.js';
import { resolve } from 'node:path';

/** Expectations of one request, compiled before anything is sent. */
export interface ExpectPlan {
  expectations: Expectation[];
  schema: SchemaCheck | null;
  /** A status expectation replaces the default "status >= 400 fails" rule. */
  checksStatus: boolean;
}

/** Parses and compiles the flags: a bad expression, status list or schema file is a usage error (exit 2). */
export async function planExpectations(raw: RawExpectOptions, cwd: string): Promise<ExpectPlan> {
  const expectations = (raw.expect ?? []).map((text) => withFlag('--expect', () => parseExpectation(text)));
  const status = raw.expectStatus;
  if (status !== undefined) expectations.unshift(withFlag('--expect-status', () => parseExpectStatus(status)));
  const schemaFile = raw.schema;
  // ajv is loaded only when --schema is used.
  const jsonSchema = schemaFile === undefined ? null : await import('../../expect/json-schema.js');
  let schema: SchemaCheck | null = null;
  if (schemaFile !== undefined && jsonSchema !== null) {
    const document = await jsonSchema.loadJsonSchemaFile(resolve(cwd, schemaFile), (path) => readWholeFile(path, MAX_TEXT_FILE_BYTES)).catch((error: unknown) => withFlag('--schema', () => {
      throw error;
    }));
    schema = withFlag('--schema', () => jsonSchema.compileJsonSchema(document, schemaFile));
  }
  return { expectations, schema, checksStatus: expectations.some((e) => e.subject.kind === 'status') };
}

/** The expectations as the settle runs them: every expectation, then the schema. Pure. */
export function expectationsOf(plan: ExpectPlan): (facts: ResponseFacts) => ExpectOutcome {
  return (facts) => {
    const results = plan.expectations.map((e) => evaluateExpectation(e, facts));
    if (plan.schema) results.push(plan.schema(facts.json));
    return { results, variableError: null };
  };
}
