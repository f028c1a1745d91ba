import { z } from 'zod';
import { LoadDocumentSchema } from './load-document.js';

/** Where the published schema lives, relative to the repository root. */
export const LOAD_OUTPUT_SCHEMA_PATH = 'docs/load-output.schema.json';

/**
 * The published JSON Schema of `apitest load --json`, generated from the zod schema (the single source of truth).
 * `scripts/gen-schemas.mjs` writes it; a unit test fails when the committed file differs from what this returns.
 */
export function loadOutputSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(LoadDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'apitest load --json document, schemaVersion 1',
    description: 'What `apitest load --json` prints on stdout. Generated from src/model/load-document.ts by scripts/gen-schemas.mjs: do not edit by hand.',
    ...rest,
  };
}

export function loadOutputSchemaText(): string {
  return `${JSON.stringify(loadOutputSchema(), null, 2)}\n`;
}
