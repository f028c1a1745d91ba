import { describe, expect, test } from '@jest/globals';
import { collectReferences, interpolateDeep, interpolateString, interpolateTyped, scanTemplates, VariableError, type Scope } from '../../src/suite/interpolate.js';

const values: Record<string, unknown> = { name: 'Ann', id: 42, user: { id: 7 }, flag: false, nothing: null };
const scope: Scope = {
  lookupVar(name) {
    if (Object.hasOwn(values, name)) return values[name];
    throw new VariableError({ kind: 'var', name }, `unknown variable "${name}"`, 'unknown');
  },
  lookupEnv: (name) => ({ HOME_URL: 'http://x', EMPTY: '' })[name],
};

describe('scanTemplates', () => {
  test.each<[string, string[]]>([
    ['plain', []],
    ['{{ name }}', ['var:name']],
    ['{{name}}/{{ env.HOME_URL }}', ['var:name', 'env:HOME_URL']],
    ['a {{  user_id-2 }} b', ['var:user_id-2']],
  ])('%s', (text, refs) => {
    const { references, problems } = scanTemplates(text);
    expect(problems).toEqual([]);
    expect(references.map((r) => `${r.kind}:${r.name}`)).toEqual(refs);
  });

  test.each(['{{ user name }}', '{{ }}', '{{ env }}', '{{ env.1X }}', '{{ 9lives }}', '{{ a.b }}'])('%s is a problem', (text) => {
    const { problems } = scanTemplates(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/write \{\{ name \}\} or \{\{ env\.NAME \}\}/);
  });

  test('a lone {{ without }} is plain text', () => {
    expect(scanTemplates('{{ not closed')).toEqual({ references: [], problems: [] });
  });

  test('collectReferences walks values, not keys', () => {
    expect(collectReferences({ '{{ key }}': ['{{ a }}', { b: 'x {{ env.B }}' }], n: 1 }).map((r) => r.name)).toEqual(['a', 'B']);
  });
});

describe('interpolation', () => {
  test('inside a longer string: text, other values as JSON', () => {
    expect(interpolateString('/users/{{ id }}?n={{ name }}&u={{ user }}&f={{ flag }}&z={{ nothing }}', scope)).toBe('/users/42?n=Ann&u={"id":7}&f=false&z=null');
  });

  test('a whole-string reference keeps the JSON type', () => {
    expect(interpolateTyped('{{ id }}', scope)).toBe(42);
    expect(interpolateTyped(' {{ id }}', scope)).toBe(' 42');
    expect(interpolateTyped('{{id}}', scope)).toBe(42);
    expect(interpolateTyped('{{ user }}', scope)).toEqual({ id: 7 });
    expect(interpolateTyped('{{ nothing }}', scope)).toBeNull();
    expect(interpolateTyped('{{ id }}{{ id }}', scope)).toBe('4242');
  });

  test('deep: values of objects and arrays, keys as written', () => {
    expect(interpolateDeep({ id: '{{ id }}', tags: ['{{ name }}', 'x-{{ id }}'], '{{ name }}': 1, n: 5 }, scope)).toEqual({
      id: 42,
      tags: ['Ann', 'x-42'],
      '{{ name }}': 1,
      n: 5,
    });
  });

  test('env references read the environment; an empty value is set', () => {
    expect(interpolateString('{{ env.HOME_URL }}/a{{ env.EMPTY }}', scope)).toBe('http://x/a');
  });

  test('an unknown variable is an error, never an empty string', () => {
    expect(() => interpolateString('/users/{{ missing }}', scope)).toThrow(VariableError);
    expect(() => interpolateString('/users/{{ missing }}', scope)).toThrow('unknown variable "missing"');
  });

  test('an unset environment variable is an error', () => {
    expect(() => interpolateString('{{ env.NOPE }}', scope)).toThrow('environment variable NOPE is not set');
  });
});
