/**
 * Property tests of the suite schema: suite files as text, through the loader's pure entry point
 * (`parseSuiteText`: text → compiled suite, or problems with `file:line:column`). Valid documents are generated as
 * data and written with the `yaml` package (block, flow and quoted styles) and as JSON; mutants get wrong types,
 * unknown keys (`__proto__` and `constructor` among them), deep nesting, huge numbers, broken YAML and second
 * documents. A file either loads or gives problems that all carry a position; nothing else is thrown (a
 * UsageError, exit 2, at most), and nothing takes longer than the time bound.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import YAML from 'yaml';
import { UsageError } from '../../src/errors.js';
import { parseSuiteText, type LoadOptions, type LoadResult } from '../../src/suite/load-suite.js';
import { checkProperty, deepNesting, FUZZ_RUNS, hostileText, mutated, outcomeAsync, PROPERTY_TIMEOUT_MS, PROTOTYPE_KEYS, timedAsync } from './fuzz.js';

const PARSER = 'suite schema';

/**
 * Jest's timeout for one property here: one input is a whole file through the YAML parser, the schema and the
 * compiler (10 to 40 ms, against well under 1 ms for a flag), so three times the per-input allowance of
 * PROPERTY_TIMEOUT_MS. The time bound of each call (TIME_BOUND_MS) is the same as everywhere.
 */
const SUITE_PROPERTY_TIMEOUT_MS = PROPERTY_TIMEOUT_MS + FUZZ_RUNS * 80;

const options = (): LoadOptions => ({ cliVars: new Map(), env: { BASE_URL: 'http://127.0.0.1:1/api' }, filter: null, schemaCache: new Map() });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { [key: string]: Json };

/** An object with exactly these own keys (`__proto__` an own key too, as YAML and JSON parsers make it). */
const object = (entries: ReadonlyArray<readonly [string, Json]>): { [key: string]: Json } => Object.fromEntries(entries) as { [key: string]: Json };

// --- values of a valid file -------------------------------------------------------------------------------

/** Free text (any code point, blanks and quotes included) that is not a template. */
const text = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('{{') && !s.includes('}}'));
const nonEmptyText = text.filter((s) => s.length > 0);
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,11}$/);
const pathPart = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
const number = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
const scalar: fc.Arbitrary<Json> = fc.oneof(text, number, fc.boolean());
/** JSON values without templates, `__proto__`/`constructor` keys among them. */
const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('{{') && !JSON.stringify(v).includes('}}')) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, 'a', '1'), fc.oneof(scalar, fc.constant(null))), { maxLength: 4 }).map(object) },
);

const TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-".split('');
/** Header names a step may set freely (not those that must agree with the body or the auth). */
const headerName = fc
  .oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'Accept', 'X-Request-Id', 'If-None-Match', 'Cache-Control'), fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 }))
  // __proto__: a request header of that name is refused (it could not be sent: model/header-syntax.ts).
  .filter((name) => !['content-length', 'authorization', 'host', 'transfer-encoding', 'connection', 'content-type', 'cookie', '__proto__'].includes(name.toLowerCase()));
const VALUE_CHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => c !== '{' && c !== '}');
const headerValue = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...VALUE_CHARS), minLength: 1, maxLength: 30 }),
  fc.tuple(fc.constantFrom(...VALUE_CHARS), fc.constantFrom(...VALUE_CHARS)).map(([a, b]) => `${a} ${b}`),
);
const headers = fc.uniqueArray(fc.tuple(headerName, fc.oneof(headerValue, fc.integer({ min: 0, max: 1_000_000 }), fc.boolean())), { maxLength: 4, selector: ([name]) => name.toLowerCase() }).map(object);
const query = fc.uniqueArray(fc.tuple(word, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))), { maxLength: 4, selector: ([name]) => name }).map(object);

const duration: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: 1, max: 3600 }),
  fc.double({ min: 0.001, max: 3600, noNaN: true }),
  fc.integer({ min: 1, max: 3_600_000 }).map((n) => `${n}ms`),
  fc.integer({ min: 1, max: 3600 }).map((n) => `${n}s`),
  fc.integer({ min: 1, max: 60 }).map((n) => `${n}m`),
  fc.constantFrom('1m30s', '1h', '0.5s'),
);
const status = fc.integer({ min: 100, max: 599 });
const retry: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc
    .record(
      { limit: fc.integer({ min: 0, max: 100 }), delay: duration, maxDelay: duration, on: fc.array(status, { maxLength: 5 }), allMethods: fc.boolean() },
      { requiredKeys: ['limit'] },
    )
    .map((r) => r as Json),
);
const maxBody: fc.Arbitrary<Json> = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom('10mb', '512kb', '1gb', '100b', '64MiB'));
const rate = fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('s', 'm', 'h')).map(([n, unit]) => `${n}/${unit}`);
const requestFields = {
  headers,
  query,
  timeout: duration,
  retry,
  followRedirects: fc.boolean(),
  maxRedirects: fc.integer({ min: 0, max: 1000 }),
  insecure: fc.boolean(),
  maxBody,
};
const defaults = fc.record({ ...requestFields, rate }, { requiredKeys: [] }).map((d) => d as Json);

const jsonPath = fc.constantFrom('$.a', '$.id', '$.items[0].id', '$..name', "$['x y']", '$.items[*]', '$.__proto__', '$.constructor');
/** `count` applies to a JSONPath subject only. */
const matcherObject = (withCount: boolean) => fc
  .record(
    {
      eq: jsonValue,
      ne: jsonValue,
      lt: number,
      gte: number,
      contains: fc.oneof(text, fc.integer()),
      matches: fc.constantFrom('^a', '/^a/i', '[0-9]+', 'é$'),
      exists: fc.boolean(),
      type: fc.constantFrom('string', 'number', 'boolean', 'object', 'array', 'null'),
      ...(withCount ? { count: fc.nat(1000) } : {}),
      in: fc.array(scalar, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  )
  .filter((m) => Object.keys(m).length > 0)
  .map((m) => m as Json);
const matcher = (withCount = false): fc.Arbitrary<Json> => fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 3 }), matcherObject(withCount));
const expectation = fc
  .record(
    {
      status: fc.oneof(status, fc.array(status, { minLength: 1, maxLength: 3 }), fc.constantFrom('2xx', '2xx,304', '404', '4xx,5xx')) as fc.Arbitrary<Json>,
      headers: fc.uniqueArray(fc.tuple(headerName, matcher()), { maxLength: 3, selector: ([n]) => n }).map(object),
      jsonpath: fc.uniqueArray(fc.tuple(jsonPath, matcher(true)), { maxLength: 3, selector: ([p]) => p }).map(object),
      body: matcher(),
      duration: fc.record({ lt: fc.integer({ min: 1, max: 100_000 }) }).map((m) => m as Json),
      size: matcher(),
      that: fc.oneof(fc.constantFrom('status == 200', 'count $.items >= 1', '$.name == "Ann"', 'header content-type contains "json"'), fc.constant(['status < 500', 'duration < 2000'])) as fc.Arbitrary<Json>,
    },
    { requiredKeys: [] },
  )
  .map((e) => e as Json);

const validDoc: fc.Arbitrary<Doc> = fc
  .record({
    baseUrl: fc.constantFrom(undefined, 'http://127.0.0.1:1/api', '{{ env.BASE_URL }}', 'https://example.test'),
    name: fc.option(nonEmptyText, { nil: undefined }),
    $schema: fc.option(fc.constant('../docs/suite.schema.json'), { nil: undefined }),
    vars: fc.option(fc.uniqueArray(fc.tuple(word.map((w) => `v${w}`), jsonValue), { maxLength: 4, selector: ([n]) => n }), { nil: undefined }),
    defaults: fc.option(defaults, { nil: undefined }),
    cookies: fc.option(fc.boolean(), { nil: undefined }),
  })
  .chain((top) =>
    fc
      .array(
        fc.record(
          {
            name: nonEmptyText,
            method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
            ...requestFields,
            expect: expectation,
            skip: fc.boolean(),
            only: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        { minLength: 1, maxLength: 4 },
      )
      .chain((steps) =>
        fc.tuple(
          fc.constant(steps),
          fc.array(top.baseUrl === undefined ? pathPart.map((p) => `http://127.0.0.1:1/${p}`) : fc.oneof(pathPart.map((p) => `/${p}`), pathPart, pathPart.map((p) => `http://127.0.0.1:1/${p}`)), {
            minLength: steps.length,
            maxLength: steps.length,
          }),
          fc.array(
            fc.oneof(
              fc.constant(null),
              jsonValue.map((json) => ({ json })),
              text.map((body) => ({ body })),
              fc.uniqueArray(fc.tuple(word, scalar), { maxLength: 3, selector: ([n]) => n }).map((fields) => ({ form: object(fields) })),
            ),
            { minLength: steps.length, maxLength: steps.length },
          ),
          fc.array(fc.uniqueArray(fc.tuple(word, fc.constantFrom('$.id', 'header etag', 'status', 'body', 'duration', 'size', 'count $.items')), { maxLength: 2, selector: ([n]) => n }), {
            minLength: steps.length,
            maxLength: steps.length,
          }),
        ),
      )
      .map(([steps, urls, payloads, captures]) => {
        const doc: Doc = {};
        if (top.$schema !== undefined) doc.$schema = top.$schema;
        if (top.name !== undefined) doc.name = top.name;
        if (top.baseUrl !== undefined) doc.baseUrl = top.baseUrl;
        if (top.vars !== undefined) doc.vars = object(top.vars);
        if (top.defaults !== undefined) doc.defaults = top.defaults;
        if (top.cookies !== undefined) doc.cookies = top.cookies;
        doc.steps = steps.map((s, i) => {
          const out: { [key: string]: Json } = { ...(s as { [key: string]: Json }), url: urls[i] as string };
          const payload = payloads[i];
          if (payload !== null && payload !== undefined) Object.assign(out, payload);
          // Capture names are unique in the file (step i's names end in _i).
          const capture = (captures[i] ?? []).map(([name, subject]) => [`c${name}_${i}`, subject] as const);
          if (capture.length > 0) out.capture = object(capture);
          return out;
        });
        return doc;
      }),
  );

/** How the `yaml` package may write a document: block or flow collections, plain or quoted strings. */
const yamlStyle = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>,
  indent: fc.constantFrom(2, 4),
});

function toYaml(doc: unknown, style: { collectionStyle: 'any' | 'block' | 'flow'; defaultStringType: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'; indent: number }): string {
  return YAML.stringify(doc, { ...style, lineWidth: 0 });
}

/**
 * Runs `measure` (a timed call) again when it overran its time bound, and fails only when it overruns again.
 * `process.cpuUsage` counts every thread of the process, V8's parallel garbage-collector threads included: after
 * thousands of whole files the heap is large, and one major collection can charge hundreds of milliseconds to
 * whichever call it lands in (`npm run fuzz` once measured `{"`×176 `"}`×176 at 1,011 ms of CPU; alone it takes
 * 55 ms). A slow parser is slow every time, so the bound (TIME_BOUND_MS, as everywhere) is not loosened.
 */
async function confirmingOverrun<T>(measure: () => Promise<T>): Promise<T> {
  try {
    return await measure();
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeBoundError')) throw error;
    return measure();
  }
}

async function load(text: string, file = 'suite.yaml'): Promise<LoadResult> {
  return confirmingOverrun(() => timedAsync('parseSuiteText', () => parseSuiteText(text, file, '/nonexistent-apitest-dir', options())));
}

const stepNames = (doc: Doc): Array<string | undefined> => (doc.steps as Array<{ [key: string]: Json }>).map((s) => s.name as string | undefined);

// --- mutants ----------------------------------------------------------------------------------------------

type Path = Array<string | number>;

/** Every place in a document: the path of each value (the document itself excluded). */
function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([...at, i]), paths(item, [...at, i], out)));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) out.push([...at, key]), paths(value[key] as Json, [...at, key], out);
  return out;
}

function containerAt(doc: Json, path: Path): { [key: string]: Json } | Json[] | null {
  let node: Json = doc;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string | number, Json>)[key] as Json;
  }
  return node !== null && typeof node === 'object' ? node : null;
}

function setAt(doc: Json, path: Path, value: Json): void {
  const parent = containerAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent === null || key === undefined) return;
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Values that are the wrong type somewhere, or too large anywhere. */
const HUGE_NUMBERS: Json[] = [1e308, -1e308, 2 ** 53 + 1, 2 ** 31, 2 ** 32 + 1, -1, 0, 1e-320, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...HUGE_NUMBERS, 'x', '', ' ', '{{', '{{ nope }}', '{{ env.UNSET_APITEST_VAR }}', true, false, null, [], {}, [[[]]], { a: { b: {} } }, '1e400', '597h', '-5s', '0', 'NaN', '\u0000', '😀'),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  hostileText.map((s) => s.slice(0, 2000)),
);
/** Keys no object of the schema has (or only the records accept). */
const strangeKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'stepz', 'expcet', 'Url', 'x-extra', '', ' ', '0', '$ref', 'steps.0'), fc.string({ maxLength: 12 }));

/** Text written into a document as it stands (a large number the `yaml` package cannot write as data). */
const RAW_TEXTS = ['1e400', '-1e400', '9'.repeat(400), '0x7fffffffffffffff', '.inf', '-.inf', '.nan', '!!binary aGVsbG8=', '&a [*a]', '*undefined', '!!js/function x', '? [a, b]', '<<: {a: 1}'];

interface Mutant {
  text: string;
  file: string;
  /** A problem this mutant must give, when there is one it must give. */
  mustFail: RegExp | null;
  what: string;
}

const documentText = fc.tuple(validDoc, yamlStyle).map(([doc, style]) => ({ doc, text: toYaml(doc, style) }));

const mutant: fc.Arbitrary<Mutant> = fc.oneof(
  // A value replaced by one of another type, or a huge number.
  fc.tuple(validDoc, yamlStyle, fc.nat(), wrongValue).map(([doc, style, at, value]): Mutant => {
    const all = paths(doc);
    const path = all[at % all.length] ?? ['name'];
    setAt(doc, path, value);
    return { text: toYaml(doc, style), file: 'suite.yaml', mustFail: null, what: `wrong type at ${path.join('.')}` };
  }),
  // An unknown key: where the object is strict (the file, a step, its expect, defaults), a problem at that key.
  fc.tuple(validDoc, yamlStyle, fc.nat(), strangeKey, wrongValue, fc.boolean()).map(([doc, style, at, key, value, strictPlace]): Mutant => {
    if (strictPlace) {
      const places: Path[] = [[], ['steps', 0]];
      const target = places[at % places.length] as Path;
      const known = target.length === 0 ? ['$schema', 'name', 'baseUrl', 'vars', 'defaults', 'cookies', 'steps'] : ['name', 'method', 'url', 'headers', 'query', 'auth', 'timeout', 'retry', 'followRedirects', 'maxRedirects', 'insecure', 'maxBody', 'proxy', 'noProxy', 'tls', 'json', 'body', 'form', 'paginate', 'expect', 'capture', 'skip', 'only'];
      const name = known.includes(key) ? `${key}_` : key;
      setAt(doc, [...target, name], value);
      // A strange key or value nested deeper than a suite may nest is refused as that first (seed -854186982).
      return { text: toYaml(doc, style), file: 'suite.yaml', mustFail: /unknown key|expected|key|nested deeper than/, what: `unknown key ${JSON.stringify(name)} at ${target.join('.') || 'top'}` };
    }
    const objects = [[] as Path, ...paths(doc)].filter((p) => {
      const c = containerAt(doc, p);
      return c !== null && !Array.isArray(c);
    });
    const target = objects[at % objects.length] as Path;
    setAt(doc, [...target, key], value);
    return { text: toYaml(doc, style), file: 'suite.yaml', mustFail: null, what: `key ${JSON.stringify(key)} at ${target.join('.')}` };
  }),
  // Deep nesting of a value (vars, json, a matcher): more than 100 levels is a problem.
  fc
    .tuple(validDoc, yamlStyle, fc.integer({ min: 1, max: 400 }), fc.constantFrom('array', 'object'), fc.constantFrom(['vars', 'vdeep'], ['steps', 0, 'json'], ['steps', 0, 'expect', 'jsonpath', '$.a', 'eq'], ['steps', 0, 'expect', 'body', 'count']))
    .map(([doc, style, depth, kind, path]): Mutant => {
      let value: Json = 1;
      for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
      const steps = doc.steps as Array<{ [key: string]: Json }>;
      const step0 = steps[0] as { [key: string]: Json };
      if (path[0] === 'vars') doc.vars ??= {};
      if (path[0] === 'steps') {
        delete step0.body;
        delete step0.form;
        step0.expect ??= {};
        const exp = step0.expect as { [key: string]: Json };
        if (path[2] === 'expect' && path[3] === 'jsonpath') exp.jsonpath = { ...(typeof exp.jsonpath === 'object' && exp.jsonpath !== null && !Array.isArray(exp.jsonpath) ? exp.jsonpath : {}), '$.a': {} };
        if (path[2] === 'expect' && path[3] === 'body') exp.body = {};
      }
      setAt(doc, [...path], value);
      // The deepest value's level: its path's length plus the nesting.
      const level = path.length + depth;
      return { text: toYaml(doc, style), file: 'suite.yaml', mustFail: level > 101 ? /nested/ : null, what: `${depth} levels at ${path.join('.')}` };
    }),
  // Broken YAML: the text of a valid file with a few edits, or cut short.
  mutated(documentText.map(({ text }) => text)).map((text): Mutant => ({ text, file: 'suite.yaml', mustFail: null, what: 'edited text' })),
  // Raw YAML written into a valid file: numbers no double holds, tags, anchors, aliases, merge keys.
  fc.tuple(documentText, fc.constantFrom(...RAW_TEXTS), fc.constantFrom('vars:\n  vraw: ', 'defaults:\n  timeout: ', 'defaults:\n  maxRedirects: ', 'defaults:\n  retry: ', 'cookies: ')).map(([{ text, doc }, raw, key]): Mutant => {
    const top = key.split(':')[0] as string;
    const rest = doc[top] === undefined ? text : YAML.stringify({ ...doc, [top]: undefined });
    return { text: `${key}${raw}\n${rest}`, file: 'suite.yaml', mustFail: null, what: `raw ${raw}` };
  }),
  // More than one document: a problem at the second.
  fc.tuple(documentText, documentText, fc.constantFrom('---\n', '...\n---\n', '--- \n', '---\n# second\n')).map(([a, b, sep]): Mutant => ({ text: `${a.text}${sep}${b.text}`, file: 'suite.yaml', mustFail: /one YAML document/, what: 'two documents' })),
  // A JSON file, valid or edited.
  fc.tuple(validDoc, fc.boolean()).chain(([doc, edit]) => (edit ? mutated(fc.constant(JSON.stringify(doc))) : fc.constant(JSON.stringify(doc, null, 2)))).map((text): Mutant => ({ text, file: 'suite.json', mustFail: null, what: 'JSON' })),
  // Anything at all, as YAML and as JSON.
  fc.tuple(fc.oneof(hostileText, deepNesting), fc.constantFrom('suite.yaml', 'suite.json')).map(([text, file]): Mutant => ({ text, file, mustFail: null, what: 'any text' })),
);

function expectPositioned(result: LoadResult, text: string, file: string): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const problem of result.problems) {
    expect(problem.file).toBe(file);
    expect(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines + 1).toBe(true);
    expect(Number.isInteger(problem.column) && problem.column >= 1).toBe(true);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
    // The parser library's own advice is not shown.
    expect(problem.message).not.toMatch(/parseAllDocuments|Maximum call stack|Cannot read prop|is not a function|of undefined/);
  }
}

/** Node warnings emitted while the properties run (none may be). */
const warnings: string[] = [];
const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);

describe('property: suite files (the suite schema), valid and mutated', () => {
  afterAll(() => void process.off('warning', onWarning));
  beforeAll(async () => {
    process.on('warning', onWarning);
    // The `yaml` package is imported on first use: load it before the timed calls.
    await parseSuiteText('steps: [ { url: "x" } ]\nx: &a 1\n', 'warm.yaml', '/tmp', options());
  });

  test(
    'a valid suite document, written as YAML in any style, loads with its steps',
    async () => {
      await checkProperty(PARSER, 'valid YAML → suite', fc.tuple(validDoc, yamlStyle), async ([doc, style]) => {
        const text = toYaml(doc, style);
        const result = await load(text);
        if (!result.ok) throw new Error(`problems: ${result.problems.map((p) => `${p.line}:${p.column}: ${p.keyPath}: ${p.message}`).join('; ')}\n${text.slice(0, 2000)}`);
        expect(result.suite.steps).toHaveLength((doc.steps as Json[]).length);
        stepNames(doc).forEach((name, i) => {
          if (name !== undefined) expect(result.suite.steps[i]?.name).toBe(name);
        });
        if (typeof doc.name === 'string') expect(result.suite.name).toBe(doc.name);
        expect(result.suite.vars).toEqual(doc.vars ?? {});
      });
    },
    SUITE_PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: the same document as YAML and as JSON loads to the same suite',
    async () => {
      await checkProperty(PARSER, 'YAML and JSON → same suite', fc.tuple(validDoc, yamlStyle), async ([doc, style]) => {
        const fromYaml = await load(toYaml(doc, style));
        const fromJson = await load(JSON.stringify(doc, null, 2), 'suite.json');
        expect(fromYaml.ok).toBe(true);
        expect(fromJson.ok).toBe(true);
        if (!fromYaml.ok || !fromJson.ok) return;
        const shape = (r: typeof fromYaml.suite) => ({ name: r.name === 'suite' ? null : r.name, baseUrl: r.baseUrl, vars: r.vars, rate: r.rate, cookies: r.cookies, steps: r.steps.map((s) => ({ name: s.name, skip: s.skip, captures: s.captures })) });
        // Through JSON text, as JSON.stringify writes the document: -0 is written 0 (YAML keeps -0).
        expect(shape(fromJson.suite)).toEqual(JSON.parse(JSON.stringify(shape(fromYaml.suite))));
      });
    },
    SUITE_PROPERTY_TIMEOUT_MS,
  );

  test(
    'a mutated file: a suite, or problems that all carry file:line:column — never another exception, never a hang',
    async () => {
      await checkProperty(PARSER, 'mutated file → suite or positioned problems', mutant, async ({ text, file, mustFail, what }) => {
        const result = await confirmingOverrun(() => outcomeAsync(`parseSuiteText (${what})`, [UsageError], () => parseSuiteText(text, file, '/nonexistent-apitest-dir', options())));
        // A Node warning (the yaml package's "Keys with collection values…") would be a raw line on stderr.
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.splice(0)).toEqual([]);
        if (!result.ok) {
          expect((result.error as UsageError).exitCode).toBe(2);
          return;
        }
        expectPositioned(result.value, text, file);
        if (mustFail !== null) {
          if (result.value.ok) throw new Error(`${what}: loaded without a problem\n${text.slice(0, 2000)}`);
          expect(result.value.problems.map((p) => p.message).join('\n')).toMatch(mustFail);
        }
      });
    },
    SUITE_PROPERTY_TIMEOUT_MS,
  );
});
