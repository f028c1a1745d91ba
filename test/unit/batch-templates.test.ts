import { describe, expect, test } from '@jest/globals';
import { compileJsonTemplate, compileTemplate, fillJson, fillString, fillTyped, MissingValueError } from '../../src/batch/row-template.js';
import { toNullProto } from '../../src/batch/null-proto.js';
import { UsageError } from '../../src/errors.js';
import { groupHash, keyOfHash, rowHash } from '../../src/batch/idempotency-key.js';
import { buildRowRequest, type RequestTemplates } from '../../src/batch/row-request.js';
import { createRequestSpec, NO_AUTH } from '../../src/model/request-spec.js';

const row = toNullProto({ id: 7, name: 'Ann Lee', age: 41, tags: ['a', 'b'], address: { city: 'Oslo' }, 'first name': 'Ann', 'a.b': 'dotted', constructor: 'ctor' });
const ctx = { row, env: { HOST: 'http://api.test', EMPTY: '' } };

describe('row templates', () => {
  test.each([
    ['/users/{{ id }}', '/users/7'],
    ['{{row.name}}!', 'Ann Lee!'],
    ['{{ row.first name }}', 'Ann'],
    ['{{ row.address.city }} {{ tags.1 }}', 'Oslo b'],
    ['{{ a.b }}', 'dotted'],
    ['{{ constructor }}', 'ctor'],
    ['{{ env.HOST }}/x', 'http://api.test/x'],
    ['{{ tags }}', '["a","b"]'],
    ['no template', 'no template'],
  ])('%s → %s', (template, expected) => {
    expect(fillString(compileTemplate(template, 'test'), ctx)).toBe(expected);
  });

  test('a whole reference keeps its JSON type; inside a string it is text', () => {
    expect(fillTyped(compileTemplate('{{ age }}', 't'), ctx)).toBe(41);
    expect(fillTyped(compileTemplate('{{ row }}', 't'), ctx)).toBe(row);
    expect(fillTyped(compileTemplate('age {{ age }}', 't'), ctx)).toBe('age 41');
  });

  test('a field the row does not have is a MissingValueError naming it, never an empty string or an inherited property', () => {
    const plainRow = toNullProto({ id: 1 });
    expect(() => fillString(compileTemplate('{{ email }}', 't'), { row: plainRow, env: {} })).toThrow(MissingValueError);
    expect(() => fillString(compileTemplate('{{ constructor }}', 't'), { row: plainRow, env: {} })).toThrow(/no field "constructor"/);
    expect(() => fillString(compileTemplate('{{ toString }}', 't'), { row: {}, env: {} })).toThrow(MissingValueError);
    expect(() => fillString(compileTemplate('{{ env.NOPE }}', 't'), ctx)).toThrow(/NOPE is not set/);
    expect(fillString(compileTemplate('[{{ env.EMPTY }}]', 't'), ctx)).toBe('[]');
  });

  test('malformed references are usage errors at compile time', () => {
    for (const bad of ['{{ }}', '{{ env }}', '{{ env.1X }}', '{{ row. }}']) expect(() => compileTemplate(bad, '--url-template')).toThrow(UsageError);
  });

  test('JSON templates: typed values, keys as written (a __proto__ key stays a key)', () => {
    const template = compileJsonTemplate(JSON.parse('{"user":{"name":"{{ name }}","age":"{{ age }}"},"__proto__":"{{ id }}","n":[1,"{{ tags.0 }}"]}'), 'body');
    const value = fillJson(template, ctx) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(value))).toEqual(JSON.parse('{"user":{"name":"Ann Lee","age":41},"__proto__":7,"n":[1,"a"]}'));
    expect(Object.getPrototypeOf(value)).toBeNull();
  });
});

describe('idempotency keys', () => {
  test('stable for the same row at the same place; different for another place or content', () => {
    expect(rowHash(3, '{"a":1}')).toBe(rowHash(3, '{"a":1}'));
    expect(rowHash(3, '{"a":1}')).not.toBe(rowHash(4, '{"a":1}'));
    expect(rowHash(3, '{"a":1}')).not.toBe(rowHash(3, '{"a":2}'));
    expect(groupHash([rowHash(1, 'a')])).toBe(rowHash(1, 'a'));
    expect(groupHash([rowHash(1, 'a'), rowHash(2, 'b')])).not.toBe(groupHash([rowHash(2, 'b'), rowHash(1, 'a')]));
  });

  test('written as a version-8 UUID', () => {
    const key = keyOfHash(rowHash(1, 'x'));
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keyOfHash(rowHash(1, 'x'))).toBe(key);
  });
});

describe('row → request', () => {
  const base = createRequestSpec(
    { url: 'http://batch.invalid/', method: null, headers: [['X-Tenant', '{{ tenant }}']], body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 5000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null },
    { url: 'URL', method: '-X', headers: '-H', bearer: '--bearer', basic: '-u', apiKey: '--api-key', apiKeyHeader: '--api-key-header', timeout: '--timeout', connectTimeout: '--connect-timeout', maxRedirects: '--max-redirects', maxBody: '--max-body' },
  );
  const templates = (over: Partial<RequestTemplates> = {}): RequestTemplates => ({
    base,
    method: null,
    url: compileTemplate('{{ env.BASE }}/users/{{ name }}', 'url'),
    query: [['q', compileTemplate('{{ name }}', 'q')]],
    headers: base.headers.map(([n, v]) => [n, compileTemplate(v, n)] as const),
    body: { kind: 'row' },
    batch: null,
    key: { kind: 'auto' },
    ...over,
  });
  const r = (index: number, value: unknown) => ({ kind: 'row' as const, index, line: index, value: toNullProto(value), text: JSON.stringify(value) });
  const env = { BASE: 'http://127.0.0.1:9' };

  test('row values are percent-encoded in the URL (not env values); the body is the row as JSON; a stable key is added', () => {
    const built = buildRowRequest(templates(), [r(1, { name: 'R&D/x y', tenant: 't1' })], rowHash(1, 'x'), env);
    expect(built.spec.url).toBe('http://127.0.0.1:9/users/R%26D%2Fx%20y?q=R%26D%2Fx+y');
    expect(built.spec.method).toBe('POST');
    expect(built.spec.headers).toEqual([
      ['X-Tenant', 't1'],
      ['Idempotency-Key', keyOfHash(rowHash(1, 'x'))],
      ['Content-Type', 'application/json'],
    ]);
    expect(Buffer.from((built.spec.body as { data: Uint8Array }).data).toString()).toBe('{"name":"R&D/x y","tenant":"t1"}');
  });

  test('--batch-size: the rows as one array, or wrapped; a header value with a line break makes the row invalid', () => {
    const built = buildRowRequest(templates({ batch: { size: 2, wrap: 'items' } }), [r(1, { name: 'a', tenant: 't' }), r(2, { name: 'b', tenant: 't' })], 'ab', env);
    expect(JSON.parse(Buffer.from((built.spec.body as { data: Uint8Array }).data).toString())).toEqual({ items: [{ name: 'a', tenant: 't' }, { name: 'b', tenant: 't' }] });
    expect(() => buildRowRequest(templates(), [r(1, { name: 'a', tenant: 'x\r\ny' })], 'h', env)).toThrow(UsageError);
    expect(() => buildRowRequest(templates(), [r(1, { name: 'a' })], 'h', env)).toThrow(MissingValueError);
  });

  test('--no-idempotency-key sends none; a template sends its value; the user\'s own header wins', () => {
    expect(buildRowRequest(templates({ key: { kind: 'off' } }), [r(1, { name: 'a', tenant: 't' })], 'h', env).key).toBeNull();
    expect(buildRowRequest(templates({ key: { kind: 'template', template: compileTemplate('order-{{ name }}', 'k') } }), [r(1, { name: 'a', tenant: 't' })], 'h', env).key).toBe('order-a');
    const own = templates({ headers: [['Idempotency-Key', compileTemplate('mine-{{ name }}', 'h')]] });
    const built = buildRowRequest(own, [r(1, { name: 'a' })], 'h', env);
    expect(built.key).toBe('mine-a');
    expect(built.spec.headers.filter(([n]) => n.toLowerCase() === 'idempotency-key')).toHaveLength(1);
  });
});
