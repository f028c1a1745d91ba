/**
 * The published JSON Schemas, generated from the zod schemas (the single source of truth):
 * docs/suite.schema.json (suite files, for editors) and docs/suite-report.schema.json (`--reporter json`).
 * Written by scripts/gen-suite-schemas.mjs; a unit test fails when the committed files drift.
 */
import { z } from 'zod';
import { SuiteReportSchema } from '../model/suite-report.js';
import { SuiteFileSchema } from './suite-schema.js';

export const SUITE_SCHEMA_FILES = {
  suite: 'docs/suite.schema.json',
  report: 'docs/suite-report.schema.json',
} as const;

export function suiteFileJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a file may contain (optional keys stay optional).
  return { ...z.toJSONSchema(SuiteFileSchema, { io: 'input', unrepresentable: 'any' }), title: 'apitest suite file' };
}

export function suiteReportJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(SuiteReportSchema, { io: 'output', unrepresentable: 'any' }), title: 'apitest run report (schemaVersion 1)' };
}

/** The text of a schema file as committed. */
export function renderSchemaFile(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
