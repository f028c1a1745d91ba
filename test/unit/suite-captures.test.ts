import { describe, expect, test } from '@jest/globals';
import { parseSubject } from '../../src/expect/parse-expression.js';
import type { ResponseFacts } from '../../src/expect/subject-context.js';
import { evaluateCaptures } from '../../src/expect/capture.js';
import { SuiteScope } from '../../src/suite/captures.js';
import { interpolateString, VariableError } from '../../src/suite/interpolate.js';

const json = { id: 5, name: 'Dee', roles: ['a', 'b'], items: [{ id: 1 }, { id: 2 }] };
const facts: ResponseFacts = {
  status: 201,
  headers: { etag: '"abc"', 'set-cookie': ['a=1', 'b=2'] },
  bodyText: JSON.stringify(json),
  json,
  durationMs: 12,
  sizeBytes: 99,
};
const spec = (name: string, source: string) => ({ name, source, subject: parseSubject(source) });

describe('evaluateCaptures', () => {
  test('every subject kind', () => {
    const outcomes = evaluateCaptures(
      [
        spec('id', '$.id'),
        spec('ids', '$.items[*].id'),
        spec('first', '$.items[0]'),
        spec('etag', 'header etag'),
        spec('ETag', 'header ETag'),
        spec('cookies', 'header set-cookie'),
        spec('status', 'status'),
        spec('n', 'count $.roles'),
        spec('size', 'size'),
        spec('duration', 'duration'),
      ],
      facts,
    );
    expect(Object.fromEntries(outcomes.map((o) => [o.name, o.value]))).toEqual({
      id: 5,
      ids: [1, 2],
      first: { id: 1 },
      etag: '"abc"',
      ETag: '"abc"',
      cookies: 'a=1, b=2',
      status: 201,
      n: 2,
      size: 99,
      duration: 12,
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  test('a missing value is a failure with a reason', () => {
    const [missing, header, notJson] = [
      ...evaluateCaptures([spec('x', '$.nope'), spec('h', 'header x-none')], facts),
      ...evaluateCaptures([spec('y', '$.id')], { ...facts, json: undefined, bodyText: '<html>' }),
    ];
    expect(missing).toMatchObject({ ok: false, reason: '$.nope: it does not exist' });
    expect(header).toMatchObject({ ok: false, reason: 'header x-none: the response has no such header' });
    expect(notJson).toMatchObject({ ok: false, reason: '$.id: the body is not JSON' });
  });
});

describe('SuiteScope', () => {
  test('lookup order: captures, then --var, then vars', () => {
    const scope = new SuiteScope(new Map([['a', 'cli'], ['b', 'cli']]), { a: 'vars', b: 'vars', c: 'vars' }, {});
    expect([scope.lookupVar('a'), scope.lookupVar('b'), scope.lookupVar('c')]).toEqual(['cli', 'cli', 'vars']);
    scope.record('step one', [{ name: 'a', source: '$.a', ok: true, value: 1 }]);
    expect(scope.lookupVar('a')).toBe(1);
  });

  test('a failed capture makes its readers fail with the reason and the step', () => {
    const scope = new SuiteScope(new Map(), { userId: 'from vars' }, {});
    scope.record('create user', [{ name: 'userId', source: '$.id', ok: false, reason: '$.id: it does not exist' }]);
    let error: unknown;
    try {
      interpolateString('/users/{{ userId }}', scope);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VariableError);
    expect((error as VariableError).kind).toBe('capture-failed');
    expect((error as Error).message).toBe('{{ userId }} has no value: step "create user" did not capture it ($.id: it does not exist)');
  });

  test('a skipped step', () => {
    const scope = new SuiteScope(new Map(), {}, {});
    scope.recordMissing('login', ['token'], 'the step was skipped: it has skip: true');
    expect(() => scope.lookupVar('token')).toThrow('step "login" did not capture it (the step was skipped: it has skip: true)');
  });

  test('env', () => {
    const scope = new SuiteScope(new Map(), {}, { A: '1' });
    expect(scope.lookupEnv('A')).toBe('1');
    expect(scope.lookupEnv('B')).toBeUndefined();
    expect(() => scope.lookupVar('nope')).toThrow('unknown variable "nope"');
  });
});
