import type { Command } from 'commander';
import { collect } from './collect.js';

export interface RawExpectOptions {
  expect?: string[];
  expectStatus?: string;
  schema?: string;
}

/** Flag definitions only (cheap to load); the checks live in ../parse/expect-plan.ts, loaded when a flag is used. */
export function addExpectFlags(cmd: Command): Command {
  return cmd
    .optionsGroup('Expectations:')
    .option('--expect <expression>', 'an expectation such as "status == 200" or "$.id type number" (repeatable); a failure exits 1', collect)
    .option('--expect-status <codes>', 'expected status: 200, 200,201 or 2xx (replaces the status >= 400 exits 5 rule)')
    .option('--schema <file>', 'the JSON body must validate against this JSON Schema (draft-07 or 2020-12)');
}

export function wantsExpectations(raw: Partial<RawExpectOptions>): boolean {
  return (raw.expect?.length ?? 0) > 0 || raw.expectStatus !== undefined || raw.schema !== undefined;
}
