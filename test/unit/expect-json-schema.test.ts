import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { compileJsonSchema, loadJsonSchemaFile } from '../../src/expect/json-schema.js';
import { MAX_TEXT_FILE_BYTES, readWholeFile } from '../../src/files/read-bounded.js';

const draft07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['id', 'email'],
  properties: {
    id: { type: 'integer' },
    email: { type: 'string', format: 'email' },
    pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false },
  },
  additionalProperties: false,
};

const draft2020 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'integer' },
    created: { type: 'string', format: 'date-time' },
    pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
    user: { $ref: '#/$defs/user' },
  },
  $defs: { user: { type: 'object', required: ['name'] } },
  unevaluatedProperties: false,
};

const noDialect = { type: 'object', properties: { id: { type: 'integer' } }, example: { id: 1 } };

describe('compileJsonSchema', () => {
  test.each<[string, object, unknown, boolean]>([
    ['draft-07 valid', draft07, { id: 1, email: 'a@example.com', pair: ['a', 1] }, true],
    ['draft-07 wrong type', draft07, { id: 'x', email: 'a@example.com' }, false],
    ['draft-07 bad format', draft07, { id: 1, email: 'not-an-email' }, false],
    ['draft-07 tuple items', draft07, { id: 1, email: 'a@example.com', pair: ['a', 1, 2] }, false],
    ['2020-12 valid', draft2020, { id: 1, created: '2024-01-02T03:04:05Z', pair: ['a', 1], user: { name: 'Ann' } }, true],
    ['2020-12 prefixItems', draft2020, { id: 1, pair: ['a', 1, 2] }, false],
    ['2020-12 bad date-time', draft2020, { id: 1, created: 'yesterday' }, false],
    ['2020-12 $defs', draft2020, { id: 1, user: {} }, false],
    ['2020-12 unevaluatedProperties', draft2020, { id: 1, extra: true }, false],
    ['no $schema means draft-07, unknown keywords allowed', noDialect, { id: 1 }, true],
    ['no $schema, failing', noDialect, { id: 1.5 }, false],
  ])('%s', (_name, schema, value, ok) => {
    const result = compileJsonSchema(schema, 'user.json')(value);
    expect(result.ok).toBe(ok);
    expect(result.expression).toBe('body matches schema user.json');
    if (ok) expect(result.message).toBeUndefined();
    else expect(result.message).toMatch(/^body does not match schema user\.json: /);
  });

  test('the message lists the first errors as instancePath message', () => {
    const check = compileJsonSchema(draft07, 'user.json');
    const result = check({ id: 'x', email: 'nope', extra: 1, more: 2 });
    expect(result.message).toBe(
      'body does not match schema user.json: / must NOT have additional properties (extra); / must NOT have additional properties (more); /id must be integer (+1 more)',
    );
    expect(result.actual).toEqual([
      '/ must NOT have additional properties (extra)',
      '/ must NOT have additional properties (more)',
      '/id must be integer',
      '/email must match format "email"',
    ]);
  });

  test('a missing required property is reported at the root', () => {
    const result = compileJsonSchema(draft07, 's.json')({ id: 1 });
    expect(result.message).toBe("body does not match schema s.json: / must have required property 'email'");
  });

  test('a body that is not JSON fails', () => {
    const result = compileJsonSchema(draft07, 's.json')(undefined);
    expect(result.ok).toBe(false);
    expect(result.message).toBe('body: expected to match schema s.json, but the body is not JSON');
  });

  test('2019-09 is supported too', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'array', minItems: 1 };
    expect(compileJsonSchema(schema, 's.json')([]).ok).toBe(false);
    expect(compileJsonSchema(schema, 's.json')([1]).ok).toBe(true);
  });

  test.each<[string, unknown, RegExp]>([
    ['a bad keyword value', { type: 'integr' }, /invalid JSON Schema bad\.json: schema is invalid: data\/type must be equal to one of the allowed values/],
    ['a 2020-12 schema checked by its meta-schema', { $schema: 'https://json-schema.org/draft/2020-12/schema', minItems: -1 }, /invalid JSON Schema bad\.json: schema is invalid/],
    ['an unresolvable $ref', { $ref: 'other.json#/x' }, /invalid JSON Schema bad\.json: can't resolve reference other\.json/],
    ['an unsupported dialect', { $schema: 'http://json-schema.org/draft-04/schema#' }, /unsupported \$schema "http:\/\/json-schema\.org\/draft-04\/schema#"/],
    ['not an object', [1, 2], /a schema must be an object or a boolean/],
  ])('%s is a usage error', (_name, schema, message) => {
    expect(() => compileJsonSchema(schema, 'bad.json')).toThrow(UsageError);
    expect(() => compileJsonSchema(schema, 'bad.json')).toThrow(message);
  });
});

describe('loadJsonSchemaFile', () => {
  const read = (path: string): Promise<Buffer> => readWholeFile(path, MAX_TEXT_FILE_BYTES);
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'apitest-schema-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify(draft2020));
    writeFileSync(join(dir, 'bad.json'), '{ "type": ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads and parses a schema file', async () => {
    const path = join(dir, 'good.json');
    const check = compileJsonSchema(await loadJsonSchemaFile(path, read), path);
    expect(check({ id: 1 }).ok).toBe(true);
  });

  test('a missing file is a usage error naming the path', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadJsonSchemaFile(path, read)).rejects.toThrow(UsageError);
    await expect(loadJsonSchemaFile(path, read)).rejects.toThrow(`cannot read JSON Schema file ${path}: no such file`);
  });

  test('bad JSON is a usage error naming the path', async () => {
    const path = join(dir, 'bad.json');
    await expect(loadJsonSchemaFile(path, read)).rejects.toThrow(UsageError);
    await expect(loadJsonSchemaFile(path, read)).rejects.toThrow(`JSON Schema file ${path} is not valid JSON`);
  });

  test('a directory, and a device that never ends (cut at 64 MiB, not read until memory runs out)', async () => {
    await expect(loadJsonSchemaFile(dir, read)).rejects.toThrow(`cannot read JSON Schema file ${dir}: is a directory`);
    await expect(loadJsonSchemaFile('/dev/zero', read)).rejects.toThrow('cannot read JSON Schema file /dev/zero: larger than 64 MiB');
  });
});
