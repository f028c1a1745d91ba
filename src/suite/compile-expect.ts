/**
 * A step's `expect:` compiled once, before anything runs: matchers and `that:` expressions become
 * `Expectation` values (JSONPaths and regular expressions checked), schemas are read and compiled.
 * A matcher that holds a `{{ … }}` template is kept as written and compiled after interpolation, per run.
 */
import { MAX_TEXT_FILE_BYTES, readWholeFile } from '../files/read-bounded.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { posix, resolve } from 'node:path';
import { ApitestError, UsageError } from '../errors.js';
import type { Expectation } from '../expect/expression.js';
import type { SchemaCheck } from '../expect/json-schema.js';
import { matcherToExpectations, statusMatcherToExpectation } from '../expect/matcher.js';
import { parseExpectation, parseSubject } from '../expect/parse-expression.js';
import { hasTemplate } from './interpolate.js';
import { parseDuration } from '../util/duration.js';
import type { PathKey, RawProblem } from './locate-issue.js';
import type { ExpectInput } from './suite-schema.js';

/** Expectations in the order written; `template` ones are compiled from the interpolated value. */
export type ExpectationSource =
  | { readonly kind: 'static'; readonly expectations: readonly Expectation[] }
  | { readonly kind: 'template'; readonly raw: unknown; readonly build: (value: unknown) => Expectation[] };

export interface CompiledExpect {
  readonly sources: readonly ExpectationSource[];
  /** `status:` was given: otherwise a status >= 400 fails the step. */
  readonly hasStatus: boolean;
  readonly schema: SchemaCheck | null;
}

export const NO_EXPECT: CompiledExpect = { sources: [], hasStatus: false, schema: null };

/** Compiled schemas by absolute path, shared by the files of one run. */
export type SchemaCache = Map<string, Promise<SchemaCheck>>;

export async function compileExpect(
  input: ExpectInput | undefined,
  path: readonly PathKey[],
  suiteDir: string,
  displayDir: string,
  cache: SchemaCache,
  problems: RawProblem[],
): Promise<CompiledExpect> {
  if (input === undefined) return NO_EXPECT;
  const sources: ExpectationSource[] = [];
  const at = (...keys: PathKey[]): PathKey[] => [...path, ...keys];
  const attempt = (where: PathKey[], build: () => Expectation[]): void => {
    try {
      sources.push({ kind: 'static', expectations: build() });
    } catch (error) {
      problems.push({ path: where, anchor: 'value', message: messageOf(error) });
    }
  };
  const matcher = (where: PathKey[], subject: string, value: unknown): void => {
    try {
      parseSubject(subject); // a bad JSONPath or header name is the key's problem, not the value's
    } catch (error) {
      problems.push({ path: where, anchor: 'key', message: messageOf(error) });
      return;
    }
    if (hasTemplate(value)) {
      sources.push({ kind: 'template', raw: value, build: (resolved) => matcherToExpectations(subject, resolved) });
      return;
    }
    attempt(where, () => matcherToExpectations(subject, value));
  };

  if (input.status !== undefined) {
    const status = input.status;
    attempt(at('status'), () => [statusMatcherToExpectation(status)]);
  }
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      problems.push({ path: at('headers', name), anchor: 'key', message: `invalid header name ${JSON.stringify(name)}` });
      continue;
    }
    matcher(at('headers', name), `header ${name}`, value);
  }
  for (const [jsonPath, value] of Object.entries(input.jsonpath ?? {})) {
    if (!jsonPath.trim().startsWith('$')) {
      problems.push({ path: at('jsonpath', jsonPath), anchor: 'key', message: `expected a JSONPath starting with $, e.g. "$.${jsonPath}"` });
      continue;
    }
    matcher(at('jsonpath', jsonPath), jsonPath, value);
  }
  for (const subject of ['body', 'duration', 'size'] as const) {
    if (input[subject] !== undefined) matcher(at(subject), subject, input[subject]);
  }
  if (input.cache !== undefined) {
    const cache = input.cache;
    if (typeof cache === 'string') matcher(at('cache'), 'cache', cache);
    else {
      if (cache.status !== undefined) matcher(at('cache', 'status'), 'cache', cache.status);
      if (cache.storable !== undefined) matcher(at('cache', 'storable'), 'cache storable', cache.storable);
      if (cache.minTtl !== undefined) {
        const ms = parseDuration(String(cache.minTtl));
        if (ms === undefined || ms < 0) problems.push({ path: at('cache', 'minTtl'), anchor: 'value', message: `invalid duration ${JSON.stringify(cache.minTtl)} (use 60s, 5m, or a number of seconds)` });
        else attempt(at('cache', 'minTtl'), () => [parseExpectation(`cache ttl >= ${Math.ceil(ms / 1000)}`)]);
      }
    }
  }
  const schema = input.schema === undefined ? null : await compileSchema(input.schema, at('schema'), suiteDir, displayDir, cache, problems);
  const that = input.that === undefined ? [] : typeof input.that === 'string' ? [input.that] : input.that;
  that.forEach((text, index) => {
    const where = typeof input.that === 'string' ? at('that') : at('that', index);
    if (hasTemplate(text)) {
      sources.push({ kind: 'template', raw: text, build: (resolved) => [parseExpectation(String(resolved))] });
      return;
    }
    attempt(where, () => [parseExpectation(text)]);
  });
  return { sources, hasStatus: input.status !== undefined, schema };
}

async function compileSchema(
  value: string | Record<string, unknown> | boolean,
  where: PathKey[],
  suiteDir: string,
  displayDir: string,
  cache: SchemaCache,
  problems: RawProblem[],
): Promise<SchemaCheck | null> {
  try {
    if (typeof value !== 'string') return (await loadJsonSchemaModule()).compileJsonSchema(value, 'inline schema');
    const absolute = resolve(suiteDir, value);
    let pending = cache.get(absolute);
    if (pending === undefined) {
      pending = loadSchema(absolute, posix.normalize(displayDir === '' ? value : `${displayDir}/${value}`));
      cache.set(absolute, pending);
    }
    return await pending;
  } catch (error) {
    problems.push({ path: where, anchor: 'value', message: messageOf(error) });
    return null;
  }
}

async function loadSchema(path: string, shown: string): Promise<SchemaCheck> {
  let text: string;
  try {
    text = (await readWholeFile(path, MAX_TEXT_FILE_BYTES)).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read JSON Schema file ${shown}: ${unreadableReason(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`JSON Schema file ${shown} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (await loadJsonSchemaModule()).compileJsonSchema(json, shown);
}

/** ajv is loaded only by suites that use `schema:` (it costs start-up time every run otherwise). */
function loadJsonSchemaModule(): Promise<typeof import('../expect/json-schema.js')> {
  return import('../expect/json-schema.js');
}

export function messageOf(error: unknown): string {
  if (error instanceof ApitestError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
