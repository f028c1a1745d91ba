import { describe, expect, test } from '@jest/globals';
import { checkStructure, MAX_DEPTH } from '../../src/suite/check-structure.js';
import { collectReferences, hasTemplate, interpolateDeep, type Scope } from '../../src/suite/interpolate.js';

const cyclic = (): Record<string, unknown> => {
  const m: Record<string, unknown> = { eq: '{{ x }}' };
  m.count = m;
  return m;
};

/** `[[[ … ]]]`: n arrays nested, the outermost included. */
const nestedArrays = (n: number): unknown[] => {
  let value: unknown[] = [];
  for (let i = 1; i < n; i++) value = [value];
  return value;
};

describe('checkStructure', () => {
  test('a cycle is reported at the back-reference and cut there (null), the rest kept', () => {
    const m = cyclic();
    const data = { steps: [{ url: '/a', expect: { jsonpath: { '$.a': m } } }], vars: { v: 1 } };
    expect(checkStructure(data)).toEqual([
      { path: ['steps', 0, 'expect', 'jsonpath', '$.a', 'count'], shownAt: ['steps', 0, 'expect', 'jsonpath', '$.a', 'count'], anchor: 'value', message: 'a matcher cannot contain itself (YAML alias cycle)' },
    ]);
    expect(m).toEqual({ eq: '{{ x }}', count: null });
    expect(JSON.stringify(data)).toBe('{"steps":[{"url":"/a","expect":{"jsonpath":{"$.a":{"eq":"{{ x }}","count":null}}}}],"vars":{"v":1}}');
  });

  test('outside matchers the message says "a value"; arrays are cut by item', () => {
    const body: unknown[] = [1];
    body.push(body);
    expect(checkStructure({ steps: [{ json: body }] }).map((p) => [p.path, p.message])).toEqual([[['steps', 0, 'json', 1], 'a value cannot contain itself (YAML alias cycle)']]);
    expect(body).toEqual([1, null]);
  });

  test('a value shared by many keys (a DAG) is no problem, and is walked once', () => {
    const shared = { a: { b: { c: [1, 2, 3] } } };
    const data = { steps: Array.from({ length: 50 }, () => ({ json: shared, expect: { jsonpath: { '$.a': shared } } })) };
    expect(checkStructure(data)).toEqual([]);
    expect(shared).toEqual({ a: { b: { c: [1, 2, 3] } } });
  });

  test(`depth: ${MAX_DEPTH} levels below the top are accepted, one more is cut and shown at the key written`, () => {
    // top 0, steps 1, the step 2, json 3: MAX_DEPTH - 2 nested arrays reach depth MAX_DEPTH exactly.
    expect(checkStructure({ steps: [{ json: nestedArrays(MAX_DEPTH - 2) }] })).toEqual([]);
    const problems = checkStructure({ steps: [{ json: nestedArrays(MAX_DEPTH - 1) }] });
    expect(problems.map((p) => [p.shownAt, p.path.length, p.message])).toEqual([[['steps', 0, 'json'], MAX_DEPTH + 1, `nested too deep (more than ${MAX_DEPTH} levels)`]]);
  });

  test('a very deep value does not overflow the stack', () => {
    expect(checkStructure({ vars: { deep: nestedArrays(200_000) } }).map((p) => p.shownAt)).toEqual([['vars', 'deep']]);
  });

  test('a shared value that is fine where first met but too deep where met again is cut there only', () => {
    const shared = nestedArrays(60);
    const data = { vars: { a: shared }, steps: [{ json: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[shared]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] }] };
    const problems = checkStructure(data);
    expect(problems.map((p) => p.shownAt)).toEqual([['steps', 0, 'json']]);
    expect(data.vars.a).toBe(shared);
  });
});

describe('the walks of interpolate.ts end on a cycle and bound their depth', () => {
  const scope: Scope = { lookupVar: () => 'X', lookupEnv: () => undefined };

  test('hasTemplate and collectReferences terminate on a value that contains itself', () => {
    expect(hasTemplate(cyclic())).toBe(true);
    expect(hasTemplate({ a: { b: [1, 2] } })).toBe(false);
    expect(collectReferences(cyclic()).map((r) => r.name)).toEqual(['x']);
  });

  test('interpolateDeep refuses a cycle and a value nested too deep, with a message', () => {
    expect(() => interpolateDeep(cyclic(), scope)).toThrow('a value cannot contain itself (YAML alias cycle)');
    expect(() => interpolateDeep(nestedArrays(MAX_DEPTH + 5), scope)).toThrow(`nested too deep (more than ${MAX_DEPTH} levels)`);
    const shared = { v: '{{ x }}' };
    expect(interpolateDeep({ a: shared, b: [shared] }, scope)).toEqual({ a: { v: 'X' }, b: [{ v: 'X' }] });
  });
});
