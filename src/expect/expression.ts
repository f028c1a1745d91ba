/**
 * The expectation language's values: `<subject> <operator> [<value>]`,
 * e.g. `status == 200`, `$.user.id == 42`, `header content-type contains json`.
 * Parsed from text by `parse-expression.ts`, built from suite matchers by
 * `matcher.ts`, checked against a response by `evaluate.ts`.
 */
import { assertNever } from '../util/assert-never.js';

export type Subject =
  | { readonly kind: 'status' }
  | { readonly kind: 'header'; readonly name: string } // lower-case
  | { readonly kind: 'jsonpath'; readonly path: string } // RFC 9535, validated at parse time
  | { readonly kind: 'count'; readonly path: string }
  | { readonly kind: 'body' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'size' }
  /**
   * The HTTP cache (`--cache`): `cache` is what it did (HIT, MISS, REVALIDATED, STALE, BYPASS); `cache storable`,
   * `cache ttl` (seconds of freshness left) and `cache age` (seconds) its other facts.
   */
  | { readonly kind: 'cache'; readonly field: CacheField };

export const CACHE_FIELDS = ['status', 'storable', 'ttl', 'age'] as const;
export type CacheField = (typeof CACHE_FIELDS)[number];

export const SYMBOL_OPERATORS = ['==', '!=', '<', '<=', '>', '>='] as const;
export const WORD_OPERATORS = ['contains', 'matches', 'exists', 'not exists', 'in', 'type'] as const;
export type Operator = (typeof SYMBOL_OPERATORS)[number] | (typeof WORD_OPERATORS)[number];
export const OPERATORS: readonly Operator[] = [...SYMBOL_OPERATORS, ...WORD_OPERATORS];

/** The names the `type` operator accepts. */
export const JSON_TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null'] as const;
export type JsonTypeName = (typeof JSON_TYPES)[number];

/**
 * One check. `value` is absent for `exists` / `not exists`; a `Pattern` (a linear-time regular
 * expression, pattern.ts) for `matches`; an array for `in`; a number for `<`, `<=`, `>`, `>=`; a
 * `JsonTypeName` for `type`; any JSON value otherwise.
 */
export interface Expectation {
  /** The expression as written (or as synthesized from a suite matcher). */
  readonly source: string;
  readonly subject: Subject;
  readonly operator: Operator;
  readonly value?: unknown;
  /** A readable stand-in for `value` in reports, e.g. `2xx` for `in [200..299]`. */
  readonly expectedLabel?: string;
}

export function isOperator(text: string): text is Operator {
  return (OPERATORS as readonly string[]).includes(text);
}

export function isJsonTypeName(text: string): text is JsonTypeName {
  return (JSON_TYPES as readonly string[]).includes(text);
}

/** The subject as it is written in an expression: `status`, `header etag`, `count $.items`. */
export function subjectLabel(subject: Subject): string {
  switch (subject.kind) {
    case 'status':
    case 'body':
    case 'duration':
    case 'size':
      return subject.kind;
    case 'cache':
      return subject.field === 'status' ? 'cache' : `cache ${subject.field}`;
    case 'header':
      return `header ${subject.name}`;
    case 'jsonpath':
      return subject.path;
    case 'count':
      return `count ${subject.path}`;
    default:
      return assertNever(subject);
  }
}

/** The JSON type of a value, using the `type` operator's names (`undefined` and others fall back to `typeof`). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Structural equality of JSON values (object key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord);
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && deepEqual(aRecord[key], bRecord[key]));
}
