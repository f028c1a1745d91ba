import { describe, expect, test } from '@jest/globals';
import type { ResponseFacts } from '../../src/expect/subject-context.js';
import type { CheckResult } from '../../src/expect/evaluate.js';
import { SuiteScope } from '../../src/suite/captures.js';
import { parseSuiteText } from '../../src/suite/load-suite.js';
import { formatProblem } from '../../src/suite/locate-issue.js';
import { evaluateExpectations } from '../../src/suite/step-expectations.js';

const body = { id: 7, name: 'Ann', email: 'ann@example.com', roles: ['admin', 'user'], tags: [], price: 9.5, active: true, parent: null, items: [{ n: 1 }, { n: 2 }, { n: 3 }] };
const facts: ResponseFacts = {
  status: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', etag: 'W/"7"', 'x-count': '3' },
  bodyText: JSON.stringify(body),
  json: body,
  durationMs: 120,
  sizeBytes: 180,
};

/** Compiles one step's `expect:` (YAML flow text) and checks it against the facts above. */
async function check(expectYaml: string, vars: Record<string, unknown> = {}): Promise<CheckResult[]> {
  const text = `name: m\nbaseUrl: http://127.0.0.1:1\nvars: ${JSON.stringify(vars)}\nsteps:\n  - url: /x\n    expect: ${expectYaml}\n`;
  const result = await parseSuiteText(text, 'm.yaml', '/tmp', { cliVars: new Map(), env: {}, filter: null, schemaCache: new Map() });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  const step = result.suite.steps[0];
  if (!step) throw new Error('no step');
  return [...evaluateExpectations(step, facts, new SuiteScope(new Map(), result.suite.vars, {})).results];
}

const passes = async (expectYaml: string, vars?: Record<string, unknown>): Promise<boolean> => (await check(expectYaml, vars)).every((c) => c.ok);

describe('every matcher form', () => {
  test.each<[string, boolean]>([
    // literals: equality
    ['{ jsonpath: { $.id: 7 } }', true],
    ['{ jsonpath: { $.id: 8 } }', false],
    ['{ jsonpath: { $.name: Ann } }', true],
    ['{ jsonpath: { $.active: true } }', true],
    ['{ jsonpath: { $.parent: null } }', true],
    ['{ jsonpath: { $.roles: [admin, user] } }', true],
    ['{ jsonpath: { $.roles: [user, admin] } }', false],
    // operators
    ['{ jsonpath: { $.id: { eq: 7 } } }', true],
    ['{ jsonpath: { "$.items[0]": { eq: { n: 1 } } } }', true],
    ['{ jsonpath: { $.id: { ne: 7 } } }', false],
    ['{ jsonpath: { $.id: { ne: 8 } } }', true],
    ['{ jsonpath: { $.price: { lt: 10 } } }', true],
    ['{ jsonpath: { $.price: { lt: 9.5 } } }', false],
    ['{ jsonpath: { $.price: { lte: 9.5 } } }', true],
    ['{ jsonpath: { $.id: { gt: 7 } } }', false],
    ['{ jsonpath: { $.id: { gte: 7, lt: 8 } } }', true],
    ['{ jsonpath: { $.email: { contains: "@example" } } }', true],
    ['{ jsonpath: { $.roles: { contains: admin } } }', true],
    ['{ jsonpath: { $.roles: { contains: root } } }', false],
    ['{ jsonpath: { "$.items[0]": { contains: n } } }', true],
    ['{ jsonpath: { $.email: { matches: "^ann@" } } }', true],
    ['{ jsonpath: { $.name: { matches: "/^ann$/i" } } }', true],
    ['{ jsonpath: { $.name: { matches: "^ann$" } } }', false],
    ['{ jsonpath: { $.id: { exists: true } } }', true],
    ['{ jsonpath: { $.deleted: { exists: false } } }', true],
    ['{ jsonpath: { $.deleted: { exists: true } } }', false],
    ['{ jsonpath: { $.id: { type: number } } }', true],
    ['{ jsonpath: { $.tags: { type: array } } }', true],
    ['{ jsonpath: { $.parent: { type: "null" } } }', true],
    ['{ jsonpath: { $.name: { type: number } } }', false],
    ['{ jsonpath: { $.items: { count: 3 } } }', true],
    ['{ jsonpath: { "$.items[*]": { count: 3 } } }', true],
    ['{ jsonpath: { $.items: { count: { gte: 1, lt: 3 } } } }', false],
    ['{ jsonpath: { $.tags: { count: 0 } } }', true],
    ['{ jsonpath: { $.name: { in: [Ann, Bob] } } }', true],
    ['{ jsonpath: { $.name: { in: [Bob] } } }', false],
    // other subjects
    ['{ headers: { content-type: { contains: json } } }', true],
    ['{ headers: { Content-Type: { matches: "^application/json" } } }', true],
    ['{ headers: { etag: "W/\\"7\\"" } }', true],
    ['{ headers: { x-missing: { exists: false } } }', true],
    ['{ headers: { x-count: "3" } }', true],
    ['{ body: { contains: "\\"name\\":\\"Ann\\"" } }', true],
    ['{ duration: { lt: 500 } }', true],
    ['{ duration: { lt: 100 } }', false],
    ['{ size: { gt: 100, lte: 180 } }', true],
    // status forms
    ['{ status: 201 }', true],
    ['{ status: 200 }', false],
    ['{ status: [200, 201] }', true],
    ['{ status: "2xx" }', true],
    ['{ status: "4xx,201" }', true],
    ['{ status: "4xx" }', false],
    // the expression language
    ['{ that: "count $.roles >= 1" }', true],
    ['{ that: [ "$.id == 7", "header etag exists", "$.roles[0] in [\\"admin\\"]" ] }', true],
    ['{ that: [ "status == 200" ] }', false],
    // inline JSON Schema
    ['{ schema: { type: object, required: [id, name] } }', true],
    ['{ schema: { type: object, required: [nope] } }', false],
  ])('%s → %s', async (expectYaml, ok) => {
    expect(await passes(expectYaml)).toBe(ok);
  });

  test('templates in matcher values are compiled after interpolation, keeping their types', async () => {
    expect(await passes('{ jsonpath: { $.id: "{{ id }}", $.name: "{{ who }}", $.price: { lt: "{{ max }}" }, $.items: { count: "{{ n }}" } } }', { id: 7, who: 'Ann', max: 10, n: 3 })).toBe(true);
    expect(await passes('{ that: [ "$.id == {{ id }}" ] }', { id: 7 })).toBe(true);
    expect(await passes('{ jsonpath: { $.id: "{{ id }}" } }', { id: '7' })).toBe(false);
  });

  test('a failed check carries expected, actual and a one-line message', async () => {
    const [status, name] = await check('{ status: 200, jsonpath: { $.name: Bob } }');
    expect(status).toMatchObject({ expression: 'status == 200', ok: false, expected: 200, actual: 201, message: 'status: expected == 200, got 201' });
    expect(name).toMatchObject({ expression: '$.name == "Bob"', ok: false, expected: 'Bob', actual: 'Ann' });
  });
});

// Found by the property tests (test/property/suite-file.property.test.ts): a header name with `!` passed the
// suite's header-name check, then the expectation language refused it ("missing header name after "header"").
describe('expect.headers with a `!` in the name', () => {
  test('loads, and is checked against that header', async () => {
    const text = 'name: m\nbaseUrl: http://127.0.0.1:1\nsteps:\n  - url: /x\n    expect: { headers: { "X-Ok!": yes, "!": { exists: false } } }\n';
    const result = await parseSuiteText(text, 'm.yaml', '/tmp', { cliVars: new Map(), env: {}, filter: null, schemaCache: new Map() });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const step = result.suite.steps[0];
    if (!step) throw new Error('no step');
    const results = [...evaluateExpectations(step, { ...facts, headers: { ...facts.headers, 'x-ok!': 'yes' } }, new SuiteScope(new Map(), result.suite.vars, {})).results];
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });
});
