/**
 * The published schema (docs/json-output.schema.json) is generated from the zod schema: this fails when the
 * committed file differs from a fresh generation. Fix: `node scripts/gen-schemas.mjs`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { JSON_OUTPUT_SCHEMA_PATH, jsonOutputSchema, jsonOutputSchemaText } from '../../src/model/request-document-json-schema.js';

const committed = readFileSync(new URL(`../../${JSON_OUTPUT_SCHEMA_PATH}`, import.meta.url), 'utf8');

describe('docs/json-output.schema.json', () => {
  test('is exactly what scripts/gen-schemas.mjs generates now (run it after changing src/model/request-document.ts)', () => {
    expect(JSON.parse(committed)).toEqual(jsonOutputSchema());
    expect(committed).toBe(jsonOutputSchemaText());
  });

  test('is a valid draft 2020-12 schema that requires every v1 field', () => {
    const schema = JSON.parse(committed) as { $schema: string; required: string[]; additionalProperties: boolean };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'ok', 'request', 'response', 'timings', 'rateLimit', 'redirects', 'attempts', 'error']));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const minimal = {
      schemaVersion: 1,
      ok: false,
      request: { method: 'GET', url: 'http://x/', headers: {} },
      response: null,
      timings: { wait: null, dns: null, tcp: null, tls: null, send: null, firstByte: null, download: null, total: null },
      rateLimit: null,
      redirects: [],
      attempts: [],
      error: { kind: 'usage', code: 'EUSAGE', message: 'm' },
    };
    expect(validate(minimal)).toBe(true);
    expect(validate({ ...minimal, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...minimal, timings: { ...minimal.timings, total: '12' } })).toBe(false);
  });
});
