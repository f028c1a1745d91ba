import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import type { Expectation } from '../../src/expect/expression.js';
import { MAX_VALUE_DEPTH, parseExpectation, parseSubject } from '../../src/expect/parse-expression.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';

function parsed(text: string): Omit<Expectation, 'source'> {
  const { source: _source, ...rest } = parseExpectation(text);
  return rest;
}

function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('parseExpectation: subjects', () => {
  test.each([
    ['status == 200', { kind: 'status' }],
    ['header Content-Type contains json', { kind: 'header', name: 'content-type' }],
    ['$.user.id == 42', { kind: 'jsonpath', path: '$.user.id' }],
    ['count $.items >= 1', { kind: 'count', path: '$.items' }],
    ['body contains ok', { kind: 'body' }],
    ['duration < 500', { kind: 'duration' }],
    ['size <= 1024', { kind: 'size' }],
    ['STATUS == 200', { kind: 'status' }],
    ['status==200', { kind: 'status' }],
    ['$.a==1', { kind: 'jsonpath', path: '$.a' }],
    ["$[?@.name == 'a b'] exists", { kind: 'jsonpath', path: "$[?@.name == 'a b']" }],
    ['$[?@.name == "x == y"].id == 3', { kind: 'jsonpath', path: '$[?@.name == "x == y"].id' }],
    ['$.items[?@.price < 10 && @.tags[0] != "a"].name type array', { kind: 'jsonpath', path: '$.items[?@.price < 10 && @.tags[0] != "a"].name' }],
    ['$.a [0] .b == 1', { kind: 'jsonpath', path: '$.a [0] .b' }],
    ["count $[?@.name == 'a b'] == 2", { kind: 'count', path: "$[?@.name == 'a b']" }],
    ["$['a in b'] in [1]", { kind: 'jsonpath', path: "$['a in b']" }],
  ])('%s', (text, subject) => {
    expect(parseExpectation(text).subject).toEqual(subject);
  });

  test('keeps the trimmed source', () => {
    expect(parseExpectation('  status == 200 ').source).toBe('status == 200');
  });
});

describe('parseExpectation: operators and values', () => {
  test.each<[string, Omit<Expectation, 'source' | 'subject'>]>([
    ['status == 200', { operator: '==', value: 200 }],
    ['status != 500', { operator: '!=', value: 500 }],
    ['duration < 500', { operator: '<', value: 500 }],
    ['duration <= 500.5', { operator: '<=', value: 500.5 }],
    ['size > -1', { operator: '>', value: -1 }],
    ['count $.items >= 1e1', { operator: '>=', value: 10 }],
    ['$.name == "Ann"', { operator: '==', value: 'Ann' }],
    ['$.name == Ann Lee', { operator: '==', value: 'Ann Lee' }],
    ['$.ok == true', { operator: '==', value: true }],
    ['$.deleted == null', { operator: '==', value: null }],
    ['$.tags == ["a", "b"]', { operator: '==', value: ['a', 'b'] }],
    ['$.user == {"id": 1}', { operator: '==', value: { id: 1 } }],
    ['header content-type contains json', { operator: 'contains', value: 'json' }],
    ['header content-type contains application/json', { operator: 'contains', value: 'application/json' }],
    ['$.email matches /@example\\.com$/', { operator: 'matches', value: '/@example\\.com$/' }],
    ['$.name matches /^ann/i', { operator: 'matches', value: '/^ann/i' }],
    ['$.name exists', { operator: 'exists' }],
    ['$.deleted not exists', { operator: 'not exists' }],
    ['$.deleted NOT  EXISTS', { operator: 'not exists' }],
    ['status in [200, 201]', { operator: 'in', value: [200, 201] }],
    ['$.tags type array', { operator: 'type', value: 'array' }],
    ['$.tags type "null"', { operator: 'type', value: 'null' }],
    ['$.tags type null', { operator: 'type', value: 'null' }],
  ])('%s', (text, expected) => {
    const { subject: _subject, ...rest } = parsed(text);
    expect(JSON.parse(JSON.stringify(rest))).toEqual(expected);
  });
});

describe('parseExpectation: bad expressions are usage errors', () => {
  test.each([
    ['status =! 200', /invalid expectation "status =! 200": unknown operator "=!" \(use ==, !=, <, <=, >, >=, contains, matches, exists, not exists, in, type\)/],
    ['status = 200', /unknown operator "="/],
    ['status equals 200', /unknown operator "equals"/],
    ['$.a not there', /unknown operator "not there"/],
    ['status', /missing operator/],
    ['status ==', /missing value after "=="/],
    ['$.a contains', /missing value after "contains"/],
    ['', /it is empty/],
    ['code == 200', /unknown subject "code"/],
    ['statuses == 200', /unknown subject "statuses"/],
    ['header == 1', /missing header name/],
    ['count == 1', /missing JSONPath after "count"/],
    ['count items == 1', /missing JSONPath after "count"/],
    ['status in 200', /"in" needs a JSON array, found "200"/],
    ['status in [200, 201', /"in" needs a JSON array, found "\[200, 201"/],
    ['$.a matches /a(/', /invalid regular expression \/a\(\/: missing closing \)/],
    ['$.a matches /a/q', /invalid regular expression flag "q" \(use i, m or s\)/],
    ['$.a matches abc', /"matches" needs a \/regex\/flags value, found "abc"/],
    ['$.a type integer', /unknown type "integer" \(use string, number, boolean, object, array, null\)/],
    ['$.a exists yes', /"exists" takes no value \(found "yes"\)/],
    ['duration < fast', /"<" needs a number, found "fast"/],
    ['status >= "200"', /">=" needs a number/],
    ['$.[', /invalid JSONPath "\$\.\["/],
    ['$[?@.a ==] exists', /invalid JSONPath/],
    ['$.items[?length(@.*) > 1] exists', /invalid JSONPath/],
    ['count $.a[ == 1', /invalid JSONPath/],
  ])('%s', (text, message) => {
    const error = usageErrorOf(() => parseExpectation(text));
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });

  test('a JSONPath error carries a hint', () => {
    expect(usageErrorOf(() => parseExpectation('$.[ == 1')).hint).toMatch(/RFC 9535/);
  });
});

describe('parseSubject', () => {
  test.each([
    ['status', { kind: 'status' }],
    ['header ETag', { kind: 'header', name: 'etag' }],
    ['$.items[0]', { kind: 'jsonpath', path: '$.items[0]' }],
    ['count $.items', { kind: 'count', path: '$.items' }],
  ])('%s', (text, subject) => {
    expect(parseSubject(text)).toEqual(subject);
  });

  test('rejects trailing text', () => {
    expect(() => parseSubject('status == 1')).toThrow(/unexpected "== 1" after the subject/);
  });
});

// Found by the property tests (test/property/expectations.property.test.ts): `--expect '$ == [[[…4,114 levels…]]]'`
// parsed, then its failure message (JSON.stringify of the expected value) overflowed the stack: exit 70.
describe('a value nested deeper than MAX_VALUE_DEPTH', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  test.each(['$ == ', '$ != ', 'body contains ', '$ in [', 'count $ == '])('%s[[[…]]] is a usage error', (head) => {
    const text = head.endsWith('[') ? `${head}${nested(5000)}]` : `${head}${nested(5000)}`;
    expect(usageErrorOf(() => parseExpectation(text)).message).toMatch(/the value is nested deeper than 1000 levels$/);
  });

  test('1000 levels are accepted, and checked without a throw', () => {
    const exp = parseExpectation(`$ == ${nested(MAX_VALUE_DEPTH)}`);
    const result = evaluateExpectation(exp, { status: 200, headers: {}, bodyText: '1', json: 1, durationMs: 1, sizeBytes: 1 });
    expect(result.ok).toBe(false);
    expect(() => parseExpectation(`$ == ${nested(MAX_VALUE_DEPTH + 1)}`)).toThrow(UsageError);
  });
});

// Found by the property tests (test/property/suite-file.property.test.ts): a suite's `expect.headers` accepts any
// RFC 9110 token as a header name, `!` included, but the expectation language stopped a name at `!`, so
// `headers: { "X-Ok!": … }` (or a lone `!`) was refused with "missing header name after "header"".
describe('a header name with `!` (an RFC 9110 token character)', () => {
  test.each([
    ['header !', '!'],
    ['header X-Ok!', 'x-ok!'],
    ['header a!b', 'a!b'],
  ])('parseSubject(%s)', (text, name) => {
    expect(parseSubject(text)).toEqual({ kind: 'header', name });
  });

  test('`!=` right after the name is still the operator', () => {
    expect(parseExpectation('header etag!= "x"')).toMatchObject({ subject: { kind: 'header', name: 'etag' }, operator: '!=', value: 'x' });
    expect(parseExpectation('header a!b != "x"')).toMatchObject({ subject: { kind: 'header', name: 'a!b' }, operator: '!=', value: 'x' });
    expect(usageErrorOf(() => parseExpectation('header != 1')).message).toMatch(/missing header name/);
  });
});
