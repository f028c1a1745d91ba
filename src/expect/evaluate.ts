/**
 * Checks one expectation against the facts of a response. Pure: the same
 * expectation and facts always give the same result.
 */
import { assertNever } from '../util/assert-never.js';
import type { Expectation, Operator } from './expression.js';
import { deepEqual, jsonTypeOf, subjectLabel } from './expression.js';
import { parseRegexLiteral } from './parse-expression.js';
import { Pattern } from './pattern.js';
import type { ResponseFacts, Resolved } from './subject-context.js';
import { resolveSubject } from './subject-context.js';

export interface CheckResult {
  expression: string;
  ok: boolean;
  /** The operator's value (`"exists"` / `"not exists"` for those, `"/re/flags"` for `matches`). */
  expected: unknown;
  /** The subject's value, or `MISSING` when it does not exist. */
  actual: unknown;
  /** One line for a failure, e.g. `status: expected == 201, got 200`. */
  message?: string;
}

/** How a subject that does not exist is reported as `actual`. */
export const MISSING = '(missing)';
const MAX_SHOWN = 120;

export function evaluateExpectation(exp: Expectation, facts: ResponseFacts): CheckResult {
  const expected = expectedOf(exp);
  // The texts of a failure are built only for a failure (most checks pass).
  const failure = (detail: string): string => `${subjectLabel(exp.subject)}: expected ${describeExpected(exp)}${detail}`;
  let resolved: Resolved;
  try {
    resolved = resolveSubject(exp.subject, facts);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(exp, expected, MISSING, failure(`, but it could not be evaluated: ${reason}`));
  }
  if (!resolved.found) {
    if (exp.operator === 'not exists') return { expression: exp.source, ok: true, expected, actual: MISSING };
    return fail(exp, expected, MISSING, failure(`, but ${resolved.reason}`));
  }
  const actual = resolved.value;
  const problem = check(exp.operator, actual, exp.value);
  if (problem === undefined) return { expression: exp.source, ok: true, expected, actual };
  return fail(exp, expected, actual, failure(`, ${problem}`));
}

function fail(exp: Expectation, expected: unknown, actual: unknown, message: string): CheckResult {
  return { expression: exp.source, ok: false, expected, actual, message };
}

function expectedOf(exp: Expectation): unknown {
  if (exp.expectedLabel !== undefined) return exp.expectedLabel;
  if (exp.operator === 'exists' || exp.operator === 'not exists') return exp.operator;
  if (exp.value instanceof Pattern) return String(exp.value);
  return exp.value;
}

function describeExpected(exp: Expectation): string {
  if (exp.operator === 'exists') return 'to exist';
  if (exp.operator === 'not exists') return 'not to exist';
  if (exp.operator === 'type') return `type ${String(exp.value)}`;
  return `${exp.operator} ${exp.expectedLabel ?? formatValue(exp.value)}`;
}

/** `undefined` when the check passes, else what was found instead: `got 200`. */
function check(operator: Operator, actual: unknown, value: unknown): string | undefined {
  const got = (): string => `got ${formatValue(actual)}`; // built only for a failure
  switch (operator) {
    case 'exists':
      return undefined;
    case 'not exists':
      return got();
    case '==':
      return deepEqual(actual, value) ? undefined : gotWithTypes(actual, value);
    case '!=':
      return deepEqual(actual, value) ? got() : undefined;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (typeof value !== 'number') return `but the expected value ${formatValue(value)} is not a number`;
      if (typeof actual !== 'number') return `${got()} (${withArticle(actual)}, not a number)`;
      return compare(operator, actual, value) ? undefined : got();
    case 'contains':
      return checkContains(actual, value, got);
    case 'matches': {
      const regex = toRegExp(value);
      if (regex === undefined) return `but the expected value ${formatValue(value)} is not a regular expression`;
      if (typeof actual !== 'string') return `${got()} (${withArticle(actual)}, not a string)`;
      return regex.test(actual) ? undefined : got();
    }
    case 'in':
      if (!Array.isArray(value)) return `but the expected value ${formatValue(value)} is not an array`;
      return value.some((item) => deepEqual(actual, item)) ? undefined : got();
    case 'type':
      return jsonTypeOf(actual) === value ? undefined : `${got()} (${withArticle(actual)})`;
    default:
      return assertNever(operator);
  }
}

function compare(operator: '<' | '<=' | '>' | '>=', actual: number, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    default:
      return assertNever(operator);
  }
}

/** Substring of a string (numbers and booleans count as their text), element of an array, key of an object. */
function checkContains(actual: unknown, value: unknown, got: () => string): string | undefined {
  if (typeof actual === 'string') {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return `${got()} (a string contains only text, not ${withArticle(value)})`;
    }
    return actual.includes(String(value)) ? undefined : got();
  }
  if (Array.isArray(actual)) return actual.some((item) => deepEqual(item, value)) ? undefined : got();
  if (typeof actual === 'object' && actual !== null) {
    if (typeof value !== 'string') return `${got()} (an object contains key names, not ${withArticle(value)})`;
    return Object.hasOwn(actual, value) ? undefined : got();
  }
  return `${got()} (${withArticle(actual)}; contains needs a string, an array or an object)`;
}

function toRegExp(value: unknown): Pattern | undefined {
  if (value instanceof Pattern) return value;
  if (typeof value !== 'string') return undefined;
  try {
    return parseRegexLiteral(value) ?? Pattern.compile(value);
  } catch {
    return undefined;
  }
}

function gotWithTypes(actual: unknown, expected: unknown): string {
  const actualType = jsonTypeOf(actual);
  const expectedType = jsonTypeOf(expected);
  if (actualType === expectedType) return `got ${formatValue(actual)}`;
  return `got ${formatValue(actual)} (${withArticle(actual)}, not ${withArticle(expected)})`;
}

function withArticle(value: unknown): string {
  const type = jsonTypeOf(value);
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A value as JSON, shortened for one line; a missing value is `(missing)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return MISSING;
  if (value instanceof Pattern) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
