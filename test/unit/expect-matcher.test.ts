import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';
import { matcherToExpectations, parseExpectStatus, statusMatcherToExpectation } from '../../src/expect/matcher.js';
import { parseExpectation } from '../../src/expect/parse-expression.js';
import type { ResponseFacts } from '../../src/expect/subject-context.js';

const json = { id: 7, name: 'ann', items: [1, 2, 3], tags: ['a'], user: { id: 7 } };
const facts: ResponseFacts = {
  status: 201,
  headers: { etag: 'W/"1"' },
  bodyText: JSON.stringify(json),
  json,
  durationMs: 80,
  sizeBytes: 100,
};

function sources(subject: string, matcher: unknown): string[] {
  return matcherToExpectations(subject, matcher).map((exp) => exp.source);
}

describe('matcherToExpectations: compiles to expressions', () => {
  test.each<[string, unknown, string[]]>([
    ['$.id', 7, ['$.id == 7']],
    ['$.name', 'ann', ['$.name == "ann"']],
    ['$.tags', ['a'], ['$.tags == ["a"]']],
    ['$.deleted', null, ['$.deleted == null']],
    ['$.id', { eq: 7 }, ['$.id == 7']],
    ['$.id', { ne: 8 }, ['$.id != 8']],
    ['$.id', { gte: 1, lt: 10 }, ['$.id >= 1', '$.id < 10']],
    ['$.id', { lte: 7, gt: 6 }, ['$.id <= 7', '$.id > 6']],
    ['$.name', { contains: 'an' }, ['$.name contains "an"']],
    ['$.name', { matches: '^a' }, ['$.name matches /^a/']],
    ['$.name', { matches: '/^A/i' }, ['$.name matches /^A/i']],
    ['$.path', { matches: '/api/v1' }, ['$.path matches /\\/api\\/v1/']],
    ['$.id', { exists: true }, ['$.id exists']],
    ['$.deleted', { exists: false }, ['$.deleted not exists']],
    ['$.id', { type: 'number' }, ['$.id type number']],
    ['$.id', { in: [7, 8] }, ['$.id in [7,8]']],
    ['$.items', { count: 3 }, ['count $.items == 3']],
    ['$.items', { count: { gte: 1, lt: 5 } }, ['count $.items >= 1', 'count $.items < 5']],
    ['$.items', { type: 'array', count: 3 }, ['$.items type array', 'count $.items == 3']],
    ['$.user', { eq: { id: 7 } }, ['$.user == {"id":7}']],
    ['header ETag', { exists: true }, ['header etag exists']],
    ['status', 201, ['status == 201']],
    ['duration', { lt: 500 }, ['duration < 500']],
  ])('%s %j', (subject, matcher, expected) => {
    expect(sources(subject, matcher)).toEqual(expected);
  });

  test('a synthesized source parses back to the same expectation', () => {
    for (const exp of matcherToExpectations('$.id', { gte: 1, in: [7], type: 'number', ne: 'x' })) {
      expect(parseExpectation(exp.source)).toEqual(exp);
    }
  });
});

describe('matcherToExpectations: evaluated by the same evaluator', () => {
  test.each<[string, unknown, boolean[]]>([
    ['$.id', 7, [true]],
    ['$.id', { gte: 1, lt: 5 }, [true, false]],
    ['$.items', { count: 3 }, [true]],
    ['$.items', { count: { gt: 3 } }, [false]],
    ['$.missing', { exists: false }, [true]],
    ['$.name', { matches: '^A' }, [false]],
    ['$.name', { matches: '/^A/i' }, [true]],
    ['$.user', { eq: { id: 7 } }, [true]],
    ['header etag', { contains: '"1"' }, [true]],
    ['status', { in: [200, 201] }, [true]],
  ])('%s %j', (subject, matcher, oks) => {
    const results = matcherToExpectations(subject, matcher).map((exp) => evaluateExpectation(exp, facts).ok);
    expect(results).toEqual(oks);
  });
});

describe('matcherToExpectations: bad matchers name the problem', () => {
  test.each<[string, unknown, RegExp]>([
    ['$.id', { equals: 7 }, /invalid matcher for "\$\.id": unknown key "equals" \(use eq, ne, lt, lte, gt, gte, contains, matches, exists, type, count, in\)/],
    ['$.user', { id: 7 }, /unknown key "id"/],
    ['$.id', {}, /an empty matcher object/],
    ['$.id', { gte: '1' }, /"gte" needs a number, found "1"/],
    ['$.id', { exists: 'yes' }, /"exists" needs true or false, found "yes"/],
    ['$.id', { type: 'integer' }, /unknown type "integer"/],
    ['$.id', { in: 7 }, /"in" needs an array, found 7/],
    ['$.id', { matches: 7 }, /"matches" needs a regular expression string, found 7/],
    ['$.id', { matches: '(' }, /invalid regular expression/],
    ['$.items', { count: -1 }, /"count" needs a whole number, found -1/],
    ['$.items', { count: 'many' }, /"count" needs a number or a matcher object/],
    ['$.items', { count: { count: 1 } }, /"count" cannot be nested/],
    ['$.items', { count: { eqq: 1 } }, /invalid matcher for "count \$\.items": unknown key "eqq"/],
    ['header etag', { count: 1 }, /"count" applies only to a JSONPath subject/],
    ['$.id', undefined, /the matcher is missing/],
    ['$.[', 1, /invalid JSONPath "\$\.\["/],
    ['code', 1, /unknown subject "code"/],
  ])('%s %j', (subject, matcher, message) => {
    expect(() => matcherToExpectations(subject, matcher)).toThrow(UsageError);
    expect(() => matcherToExpectations(subject, matcher)).toThrow(message);
  });
});

describe('status matchers', () => {
  test.each<[number | number[] | string, string, unknown, unknown]>([
    [200, 'status == 200', '==', 200],
    [[200, 201], 'status in [200,201]', 'in', [200, 201]],
    ['201', 'status == 201', '==', 201],
    ['200,201', 'status in [200,201]', 'in', [200, 201]],
    [' 200 , 204 ', 'status in [200,204]', 'in', [200, 204]],
  ])('%j', (value, source, operator, expected) => {
    const exp = statusMatcherToExpectation(value);
    expect(exp.source).toBe(source);
    expect(exp.operator).toBe(operator);
    expect(exp.value).toEqual(expected);
  });

  test.each<[string, number, boolean, string]>([
    ['2xx', 204, true, '2xx'],
    ['2XX', 302, false, '2xx'],
    ['2xx,304', 304, true, '2xx,304'],
    ['2xx,304', 404, false, '2xx,304'],
    ['4xx,5xx', 503, true, '4xx,5xx'],
  ])('%s against %d', (text, status, ok, label) => {
    const result = evaluateExpectation(parseExpectStatus(text), { ...facts, status });
    expect(result.ok).toBe(ok);
    expect(result.expected).toBe(label);
    expect(result.expression).toBe(`status in ${label}`);
    if (!ok) expect(result.message).toBe(`status: expected in ${label}, got ${status}`);
  });

  test('a class expands to its hundred codes', () => {
    const exp = parseExpectStatus('2xx');
    expect(exp.value).toHaveLength(100);
    expect(exp.expectedLabel).toBe('2xx');
  });

  test.each<[number | number[] | string, RegExp]>([
    ['abc', /invalid expected status "abc": "abc" is not a status code \(100-599\) or class \(1xx-5xx\)/],
    ['700', /"700" is not a status code/],
    ['99', /"99" is not a status code/],
    ['6xx', /"6xx" is not a status code/],
    ['200,', /an empty item/],
    ['', /an empty item/],
    [700, /700 is not a status code/],
    [200.5, /200.5 is not a status code/],
    [[], /the list is empty/],
    [[200, 999], /999 is not a status code/],
  ])('%j is a usage error', (value, message) => {
    expect(() => statusMatcherToExpectation(value)).toThrow(UsageError);
    expect(() => statusMatcherToExpectation(value)).toThrow(message);
  });
});
