/**
 * Suite-file matchers and `--expect-status`, compiled to the same
 * `Expectation` values as text expressions, so one evaluator checks them all.
 *
 * A matcher is a literal (equality) or an object of
 * `eq ne lt lte gt gte contains matches exists type count in`:
 * `42`, `{ gte: 1, lt: 10 }`, `{ exists: false }`, `{ count: { gte: 1 } }`.
 */
import { Pattern } from './pattern.js';
import { UsageError } from '../errors.js';
import { assertNever } from '../util/assert-never.js';
import type { Expectation, Operator, Subject } from './expression.js';
import { JSON_TYPES, isJsonTypeName, subjectLabel } from './expression.js';
import { parseRegexLiteral, parseSubject } from './parse-expression.js';

const KEY_OPERATORS = {
  eq: '==',
  ne: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  contains: 'contains',
  matches: 'matches',
  type: 'type',
  in: 'in',
} as const satisfies Record<string, Operator>;
type OperatorKey = keyof typeof KEY_OPERATORS;
const MATCHER_KEYS = 'eq, ne, lt, lte, gt, gte, contains, matches, exists, type, count, in';

export function matcherToExpectations(subjectSource: string, matcher: unknown): Expectation[] {
  return compileMatcher(parseSubject(subjectSource), matcher, subjectSource.trim());
}

function compileMatcher(subject: Subject, matcher: unknown, where: string): Expectation[] {
  if (matcher === undefined) throw invalidMatcher(where, 'the matcher is missing');
  if (!isPlainObject(matcher)) return [expectation(subject, '==', matcher)];
  const entries = Object.entries(matcher);
  if (entries.length === 0) {
    throw invalidMatcher(where, `an empty matcher object (use ${MATCHER_KEYS})`, 'to compare with {} itself, write { eq: {} }');
  }
  return entries.flatMap(([key, value]) => compileKey(subject, key, value, where));
}

function compileKey(subject: Subject, key: string, value: unknown, where: string): Expectation[] {
  if (key === 'exists') {
    if (typeof value !== 'boolean') throw invalidMatcher(where, `"exists" needs true or false, found ${show(value)}`);
    return [expectation(subject, value ? 'exists' : 'not exists')];
  }
  if (key === 'count') return compileCount(subject, value, where);
  if (!isOperatorKey(key)) {
    throw invalidMatcher(where, `unknown key "${key}" (use ${MATCHER_KEYS})`, 'to compare with an object as a whole, write { eq: {...} }');
  }
  const operator = KEY_OPERATORS[key];
  if (value === undefined) throw invalidMatcher(where, `"${key}" needs a value`);
  switch (operator) {
    case '==':
    case '!=':
    case 'contains':
      return [expectation(subject, operator, value)];
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (typeof value !== 'number') throw invalidMatcher(where, `"${key}" needs a number, found ${show(value)}`);
      return [expectation(subject, operator, value)];
    case 'in':
      if (!Array.isArray(value)) throw invalidMatcher(where, `"in" needs an array, found ${show(value)}`);
      return [expectation(subject, operator, value)];
    case 'type':
      if (typeof value !== 'string' || !isJsonTypeName(value)) {
        throw invalidMatcher(where, `unknown type ${show(value)} (use ${JSON_TYPES.join(', ')})`);
      }
      return [expectation(subject, operator, value)];
    case 'matches':
      return [expectation(subject, operator, matcherRegex(value, where))];
    default:
      return assertNever(operator);
  }
}

function compileCount(subject: Subject, value: unknown, where: string): Expectation[] {
  if (subject.kind !== 'jsonpath') throw invalidMatcher(where, '"count" applies only to a JSONPath subject such as $.items');
  const countSubject: Subject = { kind: 'count', path: subject.path };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw invalidMatcher(where, `"count" needs a whole number, found ${show(value)}`);
    return [expectation(countSubject, '==', value)];
  }
  if (!isPlainObject(value)) throw invalidMatcher(where, `"count" needs a number or a matcher object, found ${show(value)}`);
  if (Object.hasOwn(value, 'count')) throw invalidMatcher(where, '"count" cannot be nested in "count"');
  return compileMatcher(countSubject, value, `count ${where}`);
}

/** `"/^a/i"` is a regex literal; any other string is a pattern without flags. */
function matcherRegex(value: unknown, where: string): Pattern {
  if (typeof value !== 'string' || value === '') throw invalidMatcher(where, `"matches" needs a regular expression string, found ${show(value)}`);
  try {
    return (isFlagLiteral(value) ? parseRegexLiteral(value) : undefined) ?? Pattern.compile(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidMatcher(where, reason.replace(/^Invalid/, 'invalid'));
  }
}

function isFlagLiteral(text: string): boolean {
  return /^\/.+\/[dgimsuvy]*$/s.test(text);
}

function expectation(subject: Subject, operator: Operator, value?: unknown): Expectation {
  const label = subjectLabel(subject);
  if (operator === 'exists' || operator === 'not exists') return { source: `${label} ${operator}`, subject, operator };
  const shown = operator === 'type' || value instanceof Pattern ? String(value) : JSON.stringify(value);
  return { source: `${label} ${operator} ${shown}`, subject, operator, value };
}

// --- status ----------------------------------------------------------------

/** A suite's `status:` value: `200`, `[200, 201]`, `"2xx"`, `"200,201"`, `"2xx,304"`. */
export function statusMatcherToExpectation(value: number | number[] | string): Expectation {
  if (typeof value === 'string') return parseExpectStatus(value);
  const codes: unknown[] = Array.isArray(value) ? value : [value];
  if (codes.length === 0) throw invalidStatus(JSON.stringify(value), 'the list is empty');
  for (const code of codes) {
    if (typeof code !== 'number' || !isStatusCode(code)) throw invalidStatus(JSON.stringify(value), `${show(code)} is not a status code (100-599)`);
  }
  return statusExpectation(codes as number[], []);
}

/** `--expect-status`: `200`, `200,201`, `2xx`, `2xx,304`. */
export function parseExpectStatus(text: string): Expectation {
  const items = text.split(',').map((item) => item.trim());
  const codes: number[] = [];
  const classes: number[] = [];
  for (const item of items) {
    if (/^\d+$/.test(item) && isStatusCode(Number(item))) codes.push(Number(item));
    else if (/^[1-5]xx$/i.test(item)) classes.push(Number(item.charAt(0)));
    else throw invalidStatus(text, item === '' ? 'an empty item' : `"${item}" is not a status code (100-599) or class (1xx-5xx)`);
  }
  return statusExpectation(codes, classes);
}

function statusExpectation(codes: readonly number[], classes: readonly number[]): Expectation {
  const subject: Subject = { kind: 'status' };
  const [only] = codes;
  if (classes.length === 0 && codes.length === 1 && only !== undefined) return expectation(subject, '==', only);
  if (classes.length === 0) return expectation(subject, 'in', [...codes]);
  const expanded = new Set(codes);
  for (const first of classes) for (let code = first * 100; code < first * 100 + 100; code++) expanded.add(code);
  const label = [...classes.map((first) => `${first}xx`), ...codes.map(String)].join(',');
  const value = [...expanded].sort((a, b) => a - b);
  return { source: `status in ${label}`, subject, operator: 'in', value, expectedLabel: label };
}

function isStatusCode(code: number): boolean {
  return Number.isInteger(code) && code >= 100 && code <= 599;
}

// --- helpers ---------------------------------------------------------------

function isOperatorKey(key: string): key is OperatorKey {
  return Object.hasOwn(KEY_OPERATORS, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Pattern);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function invalidMatcher(where: string, problem: string, hint?: string): UsageError {
  const message = `invalid matcher for "${where}": ${problem}`;
  return hint === undefined ? new UsageError(message) : new UsageError(message, { hint });
}

function invalidStatus(text: string, problem: string): UsageError {
  return new UsageError(`invalid expected status "${text}": ${problem}`, { hint: 'e.g. 200, 200,201, 2xx or 2xx,304' });
}
