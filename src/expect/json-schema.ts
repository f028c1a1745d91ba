/**
 * JSON Schema checks of a response body, with ajv and ajv-formats.
 *
 * The dialect follows the schema's `$schema`: 2020-12 and 2019-09 get ajv's
 * classes for those drafts; draft-07 — and a schema without `$schema` — gets
 * ajv's default (draft-07) class. Draft-07 is the default because it is what
 * most schemas written without `$schema` assume (tuple `items: [...]`,
 * `definitions`); write `"$schema": "https://json-schema.org/draft/2020-12/schema"`
 * to opt into 2020-12.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { UsageError } from '../errors.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import type { CheckResult } from './evaluate.js';

// ajv-formats is CommonJS with `exports.default`: under Node's ESM the default
// import is `module.exports`, whose `.default` is the plugin too, so `.default`
// works in Node, in jest and in an esbuild bundle alike.
const addFormats = addFormatsModule.default;

const SHOWN_ERRORS = 3;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2019 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

export type SchemaCheck = (value: unknown) => CheckResult;

/** Compiles a schema (already parsed) to a check of a body; an invalid schema is a `UsageError`. */
export function compileJsonSchema(schemaJson: unknown, sourceName: string): SchemaCheck {
  if (typeof schemaJson !== 'boolean' && (typeof schemaJson !== 'object' || schemaJson === null || Array.isArray(schemaJson))) {
    throw new UsageError(`invalid JSON Schema ${sourceName}: a schema must be an object or a boolean`);
  }
  const ajv = ajvFor(schemaJson, sourceName);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schemaJson);
  } catch (error) {
    const reason = error instanceof RangeError ? 'it refers to itself without end (a $ref loop)' : error instanceof Error ? error.message : String(error);
    throw new UsageError(`invalid JSON Schema ${sourceName}: ${reason}`, { cause: error });
  }
  // A $ref loop that consumes nothing ({"$ref": "#"}) recurses without end on any value: refused now, with the
  // file's name, rather than found on the first body.
  for (const probe of [null, {}, []]) {
    try {
      validate(probe);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`invalid JSON Schema ${sourceName}: it refers to itself without end (a $ref loop)`, { cause: error });
      throw error;
    }
  }
  const expression = `body matches schema ${sourceName}`;
  const expected = `valid against ${sourceName}`;
  return (value) => {
    if (value === undefined) {
      return { expression, ok: false, expected, actual: '(missing)', message: `body: expected to match schema ${sourceName}, but the body is not JSON` };
    }
    let valid: boolean;
    try {
      valid = validate(value) === true;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return { expression, ok: false, expected, actual: '(not checked)', message: `body: the schema ${sourceName} recursed without end on this body (a $ref loop)` };
    }
    if (valid) return { expression, ok: true, expected, actual: 'valid' };
    const errors = (validate.errors ?? []).map(describeError);
    const shown = errors.slice(0, SHOWN_ERRORS).join('; ');
    const more = errors.length > SHOWN_ERRORS ? ` (+${errors.length - SHOWN_ERRORS} more)` : '';
    return { expression, ok: false, expected, actual: errors, message: `body does not match schema ${sourceName}: ${shown}${more}` };
  };
}

/**
 * Reads a schema file through `read` (the caller's bounded reader: files/read-bounded.ts) and parses it; read
 * errors (a file's, or one too large) become a usage error naming the path.
 */
export async function loadJsonSchemaFile(path: string, read: (path: string) => Promise<Uint8Array>): Promise<unknown> {
  let text: string;
  try {
    text = Buffer.from(await read(path)).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read JSON Schema file ${path}: ${unreadableReason(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`JSON Schema file ${path} is not valid JSON: ${reason}`, { cause: error });
  }
}

function ajvFor(schema: object | boolean, sourceName: string): Ajv {
  const dialect = typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  // strict: false — real-world schemas carry `example`, `x-*` and other unknown keywords.
  const options = { allErrors: true, strict: false, logger: false } as const;
  let ajv: Ajv;
  if (dialect === undefined || (typeof dialect === 'string' && DRAFT_07.test(dialect))) ajv = new Ajv(options);
  else if (typeof dialect === 'string' && DRAFT_2020.test(dialect)) ajv = new Ajv2020(options);
  else if (typeof dialect === 'string' && DRAFT_2019.test(dialect)) ajv = new Ajv2019(options);
  else {
    throw new UsageError(`invalid JSON Schema ${sourceName}: unsupported $schema ${JSON.stringify(dialect)}`, {
      hint: 'supported: draft-07 (also when $schema is absent), draft 2019-09 and draft 2020-12',
    });
  }
  addFormats(ajv);
  return ajv;
}

/** `instancePath message`, e.g. `/id must be integer`; the root is `/`. */
function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra = typeof error.params['additionalProperty'] === 'string' ? ` (${error.params['additionalProperty']})` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
