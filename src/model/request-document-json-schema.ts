import { z } from 'zod';
import { SingleRequestDocumentSchema } from './request-document.js';

/** Where the published schema lives, relative to the repository root. */
export const JSON_OUTPUT_SCHEMA_PATH = 'docs/json-output.schema.json';

/**
 * The published JSON Schema of the `--json` document, generated from the zod schema (the single source of
 * truth). `scripts/gen-schemas.mjs` writes it to docs/json-output.schema.json; a unit test fails when the
 * committed file differs from what this returns.
 */
export function jsonOutputSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(SingleRequestDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'apitest --json document, schemaVersion 1',
    description: 'What `apitest --json` prints on stdout for a single request. Generated from src/model/request-document.ts by scripts/gen-schemas.mjs: do not edit by hand.',
    ...rest,
  };
}

/** The schema file's text: two-space JSON with a final newline. */
export function jsonOutputSchemaText(): string {
  return `${JSON.stringify(jsonOutputSchema(), null, 2)}\n`;
}
