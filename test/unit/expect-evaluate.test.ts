import { describe, expect, test } from '@jest/globals';
import { MISSING, evaluateExpectation } from '../../src/expect/evaluate.js';
import { parseExpectation } from '../../src/expect/parse-expression.js';
import type { ResponseFacts } from '../../src/expect/subject-context.js';

const json = {
  user: { id: 42, name: 'Ann Lee', email: 'ann@example.com', role: 'admin', deleted: null },
  items: [
    { id: 1, name: 'a b', price: 5, tags: ['x'] },
    { id: 2, name: 'c', price: 15, tags: [] },
    { id: 3, name: 'a b', price: 7, tags: ['y', 'z'] },
  ],
  tags: ['red', 'green'],
  code: '200',
  ok: true,
  meta: { total: 3 },
};

const facts: ResponseFacts = {
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1', 'b=2'], etag: '"v1"' },
  bodyText: JSON.stringify(json),
  json,
  durationMs: 120,
  sizeBytes: 345,
};

const textFacts: ResponseFacts = { ...facts, headers: {}, bodyText: 'plain text', json: undefined };

function run(text: string, on: ResponseFacts = facts) {
  return evaluateExpectation(parseExpectation(text), on);
}

describe('evaluateExpectation: passing checks', () => {
  test.each([
    'status == 200',
    'status != 404',
    'status < 300',
    'status <= 200',
    'status > 199',
    'status >= 200',
    'status in [200, 201]',
    'status type number',
    'header content-type contains json',
    'header Content-Type matches /^application\\/json/',
    'header set-cookie == "a=1, b=2"',
    'header etag == "\\"v1\\""',
    'header etag exists',
    'header x-missing not exists',
    '$.user.id == 42',
    '$.user.name == Ann Lee',
    '$.user == {"name": "Ann Lee", "id": 42, "email": "ann@example.com", "role": "admin", "deleted": null}',
    '$.user.email matches /@example\\.com$/',
    '$.user.name matches /^ann/i',
    '$.user.name contains Lee',
    '$.user contains email',
    '$.tags contains "green"',
    '$.items contains {"id": 2, "name": "c", "price": 15, "tags": []}',
    '$.user.role in ["admin", "owner"]',
    '$.user.deleted == null',
    '$.user.deleted exists',
    '$.user.deleted type null',
    '$.user.missing not exists',
    '$.tags type array',
    '$.user type object',
    '$.ok type boolean',
    '$.code type string',
    '$.items[*].id == [1, 2, 3]',
    '$.items[*].id contains 3',
    "$.items[?@.name == 'a b'].id == [1, 3]",
    '$.items[?@.price < 10 && @.id > 1].id == 3',
    'count $.items == 3',
    'count $.items[*] == 3',
    "count $.items[?@.name == 'a b'] == 2",
    'count $.nothing == 0',
    'count $.user.id == 1',
    'body contains "Ann Lee"',
    'body contains 42',
    'body matches /"id":42/',
    'duration < 500',
    'size >= 345',
  ])('%s', (text) => {
    const result = run(text);
    expect(result.message).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.expression).toBe(text);
  });
});

describe('evaluateExpectation: failing checks say why', () => {
  test.each([
    ['status == 201', 'status: expected == 201, got 200'],
    ['status != 200', 'status: expected != 200, got 200'],
    ['status == "200"', 'status: expected == "200", got 200 (a number, not a string)'],
    ['$.code == 200', '$.code: expected == 200, got "200" (a string, not a number)'],
    ['$.code >= 100', '$.code: expected >= 100, got "200" (a string, not a number)'],
    ['duration < 100', 'duration: expected < 100, got 120'],
    ['size > 1000', 'size: expected > 1000, got 345'],
    ['status in [201, 204]', 'status: expected in [201,204], got 200'],
    ['header content-type contains xml', 'header content-type: expected contains "xml", got "application/json; charset=utf-8"'],
    ['header x-request-id exists', 'header x-request-id: expected to exist, but the response has no such header'],
    ['header etag not exists', 'header etag: expected not to exist, got "\\"v1\\""'],
    ['$.user.nickname == "A"', '$.user.nickname: expected == "A", but it does not exist'],
    ['$.user.nickname exists', '$.user.nickname: expected to exist, but it does not exist'],
    ['$.user.nickname != "A"', '$.user.nickname: expected != "A", but it does not exist'],
    ['$.user.nickname type string', '$.user.nickname: expected type string, but it does not exist'],
    ['$.user.id not exists', '$.user.id: expected not to exist, got 42'],
    ['$.user.id matches /4/', '$.user.id: expected matches /4/, got 42 (a number, not a string)'],
    ['$.user.email matches /@other\\.com$/', '$.user.email: expected matches /@other\\.com$/, got "ann@example.com"'],
    ['$.user.id contains 4', '$.user.id: expected contains 4, got 42 (a number; contains needs a string, an array or an object)'],
    ['$.user contains 1', '$.user: expected contains 1, got {"id":42,"name":"Ann Lee","email":"ann@example.com","role":"admin","deleted":null} (an object contains key names, not a number)'],
    ['$.tags contains blue', '$.tags: expected contains "blue", got ["red","green"]'],
    ['$.tags type object', '$.tags: expected type object, got ["red","green"] (an array)'],
    ['$.user.role in ["owner"]', '$.user.role: expected in ["owner"], got "admin"'],
    ['count $.items > 5', 'count $.items: expected > 5, got 3'],
    ['body == "nope"', `body: expected == "nope", got ${JSON.stringify(JSON.stringify(json)).slice(0, 119)}…`],
  ])('%s', (text, message) => {
    const result = run(text);
    expect(result.ok).toBe(false);
    expect(result.message).toBe(message);
  });
});

describe('evaluateExpectation: expected and actual', () => {
  test.each([
    ['status == 201', 201, 200],
    ['$.user.nickname == "A"', 'A', MISSING],
    ['$.user.nickname exists', 'exists', MISSING],
    ['$.user.nickname not exists', 'not exists', MISSING],
    ['$.user.email matches /x/i', '/x/i', 'ann@example.com'],
    ['$.tags type array', 'array', ['red', 'green']],
    ['status in [200]', [200], 200],
    ['$.items[*].price > 1', 1, [5, 15, 7]],
  ])('%s', (text, expected, actual) => {
    const result = run(text);
    expect(result.expected).toEqual(expected);
    expect(result.actual).toEqual(actual);
  });
});

describe('evaluateExpectation: a body that is not JSON', () => {
  test.each([
    ['$.id == 1', false, '$.id: expected == 1, but the body is not JSON'],
    ['count $.items == 0', false, 'count $.items: expected == 0, but the body is not JSON'],
    ['$.id not exists', true, undefined],
    ['body == "plain text"', true, undefined],
    ['header content-type exists', false, 'header content-type: expected to exist, but the response has no such header'],
  ])('%s', (text, ok, message) => {
    const result = run(text, textFacts);
    expect(result.ok).toBe(ok);
    expect(result.message).toBe(message);
  });

  test('a JSON body of null is JSON', () => {
    const result = run('$ == null', { ...facts, bodyText: 'null', json: null });
    expect(result.ok).toBe(true);
  });
});

describe('evaluateExpectation: regex state does not leak', () => {
  test('a /g regex matches on every evaluation', () => {
    const exp = parseExpectation('$.user.name matches /Ann/g');
    expect(evaluateExpectation(exp, facts).ok).toBe(true);
    expect(evaluateExpectation(exp, facts).ok).toBe(true);
  });
});
