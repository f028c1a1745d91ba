/**
 * Text expectations: `<subject> <operator> [<value>]`.
 * Everything is checked here, before any request is sent: the subject, the
 * operator, the JSONPath syntax, the regular expression and the value's shape.
 */
import { Pattern } from './pattern.js';
import { UsageError } from '../errors.js';
import { assertNever } from '../util/assert-never.js';
import type { CacheField, Expectation, Operator, Subject } from './expression.js';
import { JSON_TYPES, OPERATORS, isJsonTypeName, isOperator } from './expression.js';
import { compileJsonPath } from './jsonpath.js';

const OPERATOR_LIST = OPERATORS.join(', ');
const SUBJECT_LIST = 'status, header <name>, body, duration, size, cache [storable|ttl|age], count <jsonpath>, or a JSONPath starting with $';
const SYNTAX_HINT = 'an expectation is <subject> <operator> [<value>], e.g. "status == 200" or "$.items[0].id exists"';
/** Characters that start a symbolic operator; they end a subject at bracket depth 0. */
const OPERATOR_CHARS = '=!<>~';
/** An RFC 9110 token; a `!` is part of the name unless it starts the `!=` operator (`header x-a!b != 1`). */
const HEADER_NAME = /^(?:[A-Za-z0-9#$%&'*+.^_`|~-]|!(?!=))+/;

export function parseExpectation(text: string): Expectation {
  const source = text.trim();
  if (source === '') throw invalidExpectation(source, 'it is empty', SYNTAX_HINT);
  const { subject, rest } = scanSubject(source);
  const { operator, rest: valueText } = scanOperator(rest, source);
  const value = parseOperand(operator, valueText, source);
  return value === NO_VALUE ? { source, subject, operator } : { source, subject, operator, value };
}

/** A subject as written in a suite file's matcher key: `status`, `header etag`, `$.id`, `count $.items`. */
export function parseSubject(text: string): Subject {
  const source = text.trim();
  const { subject, rest } = scanSubject(source);
  if (rest.trim() !== '') throw invalidExpectation(source, `unexpected "${rest.trim()}" after the subject`);
  return subject;
}

export function invalidExpectation(source: string, problem: string, hint?: string): UsageError {
  const message = `invalid expectation "${source}": ${problem}`;
  return hint === undefined ? new UsageError(message) : new UsageError(message, { hint });
}

/** `/pattern/flags` to a Pattern; `undefined` when the text is not of that form. Throws SyntaxError on a bad pattern. */
export function parseRegexLiteral(text: string): Pattern | undefined {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (match === null || match[1] === undefined || match[1] === '') return undefined;
  return Pattern.compile(match[1], match[2]);
}

/** A JSON literal, or the text itself when it is not valid JSON (a bare word). */
export function parseLiteral(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function scanSubject(source: string): { subject: Subject; rest: string } {
  if (source.startsWith('$')) {
    const end = scanJsonPathEnd(source, 0);
    return { subject: { kind: 'jsonpath', path: checkedPath(source.slice(0, end)) }, rest: source.slice(end) };
  }
  const word = /^[A-Za-z]+/.exec(source)?.[0] ?? '';
  const keyword = word.toLowerCase();
  const after = source.slice(word.length);
  if (word === '' || (after !== '' && !/^\s/.test(after) && !OPERATOR_CHARS.includes(after.charAt(0)))) {
    const shown = /^\S+/.exec(source)?.[0] ?? source;
    throw invalidExpectation(source, `unknown subject "${shown}" (use ${SUBJECT_LIST})`, SYNTAX_HINT);
  }
  switch (keyword) {
    case 'status':
    case 'body':
    case 'duration':
    case 'size':
      return { subject: { kind: keyword }, rest: after };
    case 'cache': {
      // `cache` alone is what the cache did; `cache storable|ttl|age` one of its facts.
      const field = /^\s+(storable|ttl|age|status)\b/i.exec(after);
      if (field === null) return { subject: { kind: 'cache', field: 'status' }, rest: after };
      return { subject: { kind: 'cache', field: (field[1] ?? 'status').toLowerCase() as CacheField }, rest: after.slice(field[0].length) };
    }
    case 'header': {
      const trimmed = after.trimStart();
      const name = /^\s/.test(after) ? HEADER_NAME.exec(trimmed)?.[0] : undefined;
      if (name === undefined) throw invalidExpectation(source, 'missing header name after "header"', 'e.g. "header content-type contains json"');
      return { subject: { kind: 'header', name: name.toLowerCase() }, rest: trimmed.slice(name.length) };
    }
    case 'count': {
      const trimmed = after.trimStart();
      if (!/^\s/.test(after) || !trimmed.startsWith('$')) {
        throw invalidExpectation(source, 'missing JSONPath after "count"', 'e.g. "count $.items >= 1"');
      }
      const end = scanJsonPathEnd(trimmed, 0);
      return { subject: { kind: 'count', path: checkedPath(trimmed.slice(0, end)) }, rest: trimmed.slice(end) };
    }
    default:
      throw invalidExpectation(source, `unknown subject "${word}" (use ${SUBJECT_LIST})`, SYNTAX_HINT);
  }
}

function checkedPath(path: string): string {
  compileJsonPath(path); // throws UsageError naming the path and the library's reason
  return path;
}

/**
 * Where a JSONPath ends: the first blank or operator character at bracket
 * depth 0 outside quotes. Blank space followed by `.` or `[` continues the
 * path (RFC 9535 allows blanks between segments).
 */
function scanJsonPathEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && OPERATOR_CHARS.includes(ch)) return i;
    else if (depth === 0 && /\s/.test(ch)) {
      const next = /\S/.exec(text.slice(i));
      if (next === null || (next[0] !== '.' && next[0] !== '[')) return i;
      i += next.index - 1;
    }
  }
  return text.length;
}

function scanOperator(rest: string, source: string): { operator: Operator; rest: string } {
  const text = rest.trimStart();
  if (text === '') throw invalidExpectation(source, `missing operator (use ${OPERATOR_LIST})`, SYNTAX_HINT);
  const symbol = /^[=!<>~]+/.exec(text)?.[0];
  if (symbol !== undefined) {
    if (!isOperator(symbol)) throw unknownOperator(source, symbol);
    return { operator: symbol, rest: text.slice(symbol.length) };
  }
  const word = /^\S+/.exec(text)?.[0] ?? '';
  const lower = word.toLowerCase();
  if (lower === 'not') {
    const next = /^\s+(\S+)/.exec(text.slice(word.length));
    if (next?.[1]?.toLowerCase() !== 'exists') throw unknownOperator(source, next?.[1] === undefined ? word : `${word} ${next[1]}`);
    return { operator: 'not exists', rest: text.slice(word.length + next[0].length) };
  }
  if (isOperator(lower)) return { operator: lower, rest: text.slice(word.length) };
  throw unknownOperator(source, word);
}

function unknownOperator(source: string, found: string): UsageError {
  return invalidExpectation(source, `unknown operator "${found}" (use ${OPERATOR_LIST})`, SYNTAX_HINT);
}

const NO_VALUE = Symbol('no value');

/**
 * The deepest value an expression may hold: as deep as the deepest response body read as JSON (MAX_JSON_DEPTH,
 * engine/body-view.ts). A deeper one could equal no response, and printing or comparing it overflowed the stack.
 */
export const MAX_VALUE_DEPTH = 1000;

/** A JSON literal (or a bare word) no deeper than MAX_VALUE_DEPTH; walked without recursion. */
function boundedLiteral(text: string, source: string): unknown {
  const value = parseLiteral(text);
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_VALUE_DEPTH) throw invalidExpectation(source, `the value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return value;
}

function parseOperand(operator: Operator, rest: string, source: string): unknown {
  const text = rest.trim();
  if (operator === 'exists' || operator === 'not exists') {
    if (text !== '') throw invalidExpectation(source, `"${operator}" takes no value (found "${text}")`);
    return NO_VALUE;
  }
  if (text === '') throw invalidExpectation(source, `missing value after "${operator}"`, SYNTAX_HINT);
  switch (operator) {
    case '==':
    case '!=':
    case 'contains':
      return boundedLiteral(text, source);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const value = parseLiteral(text);
      if (typeof value !== 'number') throw invalidExpectation(source, `"${operator}" needs a number, found "${text}"`);
      return value;
    }
    case 'in': {
      const value = boundedLiteral(text, source);
      if (!Array.isArray(value)) {
        throw invalidExpectation(source, `"in" needs a JSON array, found "${text}"`, 'e.g. "status in [200, 201]" or \'$.role in ["admin", "owner"]\'');
      }
      return value;
    }
    case 'type': {
      const value = text.startsWith('"') ? parseLiteral(text) : text; // `type null` names a type, not the null value
      if (typeof value !== 'string' || !isJsonTypeName(value)) {
        throw invalidExpectation(source, `unknown type "${text}" (use ${JSON_TYPES.join(', ')})`);
      }
      return value;
    }
    case 'matches':
      return regexOperand(text, source);
    default:
      return assertNever(operator);
  }
}

function regexOperand(text: string, source: string): Pattern {
  const hint = 'write the pattern between slashes, flags after: /^ab+c$/i';
  let regex: Pattern | undefined;
  try {
    regex = parseRegexLiteral(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidExpectation(source, reason.replace(/^Invalid/, 'invalid'), hint);
  }
  if (regex === undefined) throw invalidExpectation(source, `"matches" needs a /regex/flags value, found "${text}"`, hint);
  return regex;
}
