import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.js';
import { evaluateExpectation } from '../../src/expect/evaluate.js';
import { JSON_TYPES, subjectLabel, type Expectation, type Subject } from '../../src/expect/expression.js';
import { matcherToExpectations, parseExpectStatus } from '../../src/expect/matcher.js';
import { parseExpectation } from '../../src/expect/parse-expression.js';
import { Pattern } from '../../src/expect/pattern.js';
import type { ResponseFacts } from '../../src/expect/subject-context.js';
import { blank, checkProperty, deepNesting, hostileText, longText, mutated, outcome, PROPERTY_TIMEOUT_MS, PROTOTYPE_KEYS, TIME_BOUND_MS, timed, withLongRun } from './fuzz.js';

const PARSER = 'expectation language';

// --- subjects ---------------------------------------------------------------------------------------------

const memberName = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'id', 'items', 'name', 'a_b', 'é'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/));
/** An RFC 9535 single-quoted name: any printable text, `'` and `\` escaped. */
const quotedName = fc
  .string({ unit: fc.oneof(fc.constantFrom("'", '\\', '"', ' ', '=', '<', '!', '~', '[', ']', '.', '$', '@', ','), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 12 })
  .map((name) => `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`);
const segment = fc.oneof(
  memberName.map((name) => `.${name}`),
  memberName.map((name) => `..${name}`),
  fc.integer({ min: -3, max: 20 }).map((i) => `[${i}]`),
  fc.constantFrom('[*]', '.*', '[0:2]', '[::-1]', '[?@.price < 10]', "[?@.name == 'a b']", '[?@.tags[0] != "x == y"]', '[?@.a && !@.b]', '[?length(@.name) > 2]'),
  quotedName,
);
/** `$.items[0].id`, `$..name`, `$['a b']`, with the blanks RFC 9535 allows between segments. */
const jsonPath = fc.array(fc.tuple(fc.constantFrom('', '', '', ' '), segment), { maxLength: 5 }).map((parts) => `$${parts.map(([space, seg]) => (seg.startsWith('[') ? space : '') + seg).join('')}`);

const HEADER_CHARS = "#$%&'*+.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-".split('');
const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.constantFrom<Subject>({ kind: 'status' }, { kind: 'body' }, { kind: 'duration' }, { kind: 'size' }),
  fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'content-type', 'etag'), fc.string({ unit: fc.constantFrom(...HEADER_CHARS), minLength: 1, maxLength: 20 })).map((name): Subject => ({ kind: 'header', name: name.toLowerCase() })),
  jsonPath.map((path): Subject => ({ kind: 'jsonpath', path })),
  jsonPath.map((path): Subject => ({ kind: 'count', path })),
);

// --- values -----------------------------------------------------------------------------------------------

/** JSON values, `__proto__` and `constructor` keys among them. */
const jsonValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS, 'a', '1'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
);
const number = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Regular expressions RE2 accepts: a small grammar, the catastrophic classics among them. */
const regexAtom = fc.oneof(
  fc.constantFrom('a', 'b', '.', '\\d', '\\w', '\\s', '[a-z]', '[^/]', '\\/', '\\.', 'é', '😀', '(?:ab)', '\\b', '^', '$'),
  fc.stringMatching(/^[A-Za-z0-9]{1,3}$/),
);
const regexSource: fc.Arbitrary<string> = fc.letrec<{ re: string; seq: string; piece: string }>((tie) => ({
  re: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('seq'), fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `${a}|${b}`)),
  seq: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join('')),
  piece: fc.oneof(
    { depthSize: 'small' },
    regexAtom,
    fc.tuple(regexAtom, fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '*?', '+?')).map(([a, q]) => `${a}${q}`),
    fc.tuple(tie('re'), fc.constantFrom('', '*', '+', '?', '{1,5}')).map(([r, q]) => `(${r})${q}`),
  ),
})).re;
const CATASTROPHIC = ['(a+)+$', '^(a+)+$', '(a|aa)+$', '(a|a)*b', '(.*a){12}', '^(\\w+\\s?)*$', '(x+x+)+y', '^(a?){25}a{25}$', '(\\d+)*[^\\d]', '^(([a-z])+.)+[A-Z]([a-z])+$'];
const regexFlags = fc.subarray(['i', 'm', 's', 'g', 'u', 'y']).map((flags) => flags.join(''));

interface ValidExpectation {
  subject: Subject;
  /** The matcher-object key (suite files) of the operator, or `exists`. */
  key: string;
  matcherValue: unknown;
}

const valid: fc.Arbitrary<ValidExpectation> = fc.oneof(
  fc.record({ subject, key: fc.constantFrom('eq', 'ne', 'contains'), matcherValue: jsonValue }),
  fc.record({ subject, key: fc.constantFrom('lt', 'lte', 'gt', 'gte'), matcherValue: number }),
  fc.record({ subject, key: fc.constant('in'), matcherValue: fc.array(jsonValue, { maxLength: 5 }) }),
  fc.record({ subject, key: fc.constant('type'), matcherValue: fc.constantFrom(...JSON_TYPES) }),
  fc.record({ subject, key: fc.constant('exists'), matcherValue: fc.boolean() }),
  fc.record({
    subject,
    key: fc.constant('matches'),
    matcherValue: fc.oneof(regexSource, fc.tuple(fc.oneof(regexSource, fc.constantFrom(...CATASTROPHIC)), regexFlags).map(([source, flags]) => `/${source}/${flags}`)),
  }),
);

/** The matcher's own printing (`expectation.source`, as reports show it), with the blanks people add. */
function printed({ subject: s, key, matcherValue }: ValidExpectation): Expectation | undefined {
  try {
    return matcherToExpectations(subjectLabel(s), { [key]: matcherValue })[0];
  } catch (error) {
    // A regex of the grammar that RE2 refuses (e.g. a repeat count over 1000): not a valid expectation.
    if (key === 'matches' && error instanceof UsageError) return undefined;
    throw error;
  }
}

function respaced(source: string, before: string, after: string): string {
  return `${before}${source}${after}`;
}

/** Values compare as JSON (a Pattern as its literal). */
function comparable(value: unknown): string {
  return value instanceof Pattern ? `pattern ${value.toString()}` : JSON.stringify(value) ?? 'undefined';
}

const anyExpression = fc.oneof(
  { weight: 3, arbitrary: valid.map((v) => printed(v)?.source ?? 'status == 200') },
  { weight: 3, arbitrary: mutated(valid.map((v) => printed(v)?.source ?? 'status == 200')) },
  { weight: 1, arbitrary: withLongRun(valid.map((v) => printed(v)?.source ?? 'status == 200')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('$ == ', '$ in ', 'body contains ', '$.a != ', 'count $ == ', '$'), deepNesting).map(([head, tail]) => head + tail),
  },
  { weight: 2, arbitrary: hostileText },
);

/**
 * re2js compiles a pattern in time linear in its length, but slowly: about 25 µs a character (a 40,000-character
 * pattern takes about 1 s, 160,000 about 5 s). A text that may hold a pattern gets a bound that grows with it;
 * anything quadratic would still exceed it by far.
 */
function boundFor(text: string): number {
  return text.includes('/') ? TIME_BOUND_MS + 0.04 * text.length : TIME_BOUND_MS;
}

/** A response to check expectations against: JSON (or not), headers with awkward names, long text. */
const facts: fc.Arbitrary<ResponseFacts> = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  headers: fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'content-type', 'etag'), fc.string({ maxLength: 8 })), fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }))),
  bodyText: fc.oneof(fc.string({ maxLength: 60 }), longText(fc.constantFrom('a', 'ab', ' ', '1', 'x'), 20_000)),
  json: fc.oneof(jsonValue, fc.constant(undefined)),
  durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  sizeBytes: fc.nat(),
});

describe('property: the expectation language (--expect, suite that:, matchers, --expect-status)', () => {
  test(
    'round trip: an expectation printed as reports show it parses back to the same subject, operator and value',
    async () => {
      await checkProperty(PARSER, 'printed → parsed → same', fc.tuple(valid, blank, blank), ([v, before, after]) => {
        const exp = timed('matcherToExpectations', () => printed(v));
        if (exp === undefined) return;
        const back = timed('parseExpectation', () => parseExpectation(respaced(exp.source, before, after)));
        expect(back.source).toBe(exp.source);
        expect(back.subject).toEqual(exp.subject);
        expect(back.operator).toBe(exp.operator);
        expect(comparable(back.value)).toBe(comparable(exp.value));
        const again = timed('parseExpectation', () => parseExpectation(back.source));
        expect(comparable(again.value)).toBe(comparable(back.value));
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: an expectation, or a UsageError (exit 2); checking it against any response never throws and is fast',
    async () => {
      await checkProperty(PARSER, 'any text → expectation or UsageError; evaluation total', fc.tuple(anyExpression, facts), ([text, response]) => {
        const result = outcome('parseExpectation', [UsageError], () => parseExpectation(text), boundFor(text));
        if (!result.ok) {
          expect((result.error as UsageError).exitCode).toBe(2);
          expect(result.error.message).toMatch(/^invalid (expectation|JSONPath) /);
          return;
        }
        const checked = outcome('evaluateExpectation', [], () => evaluateExpectation(result.value, response));
        if (checked.ok) expect(typeof checked.value.ok).toBe('boolean');
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'matches: catastrophic patterns run in linear time on long input (RE2)',
    async () => {
      const input = fc.record({
        pattern: fc.constantFrom(...CATASTROPHIC),
        flags: regexFlags,
        // Exponential backtracking shows at 30 characters; up to 20,000 keeps RE2's linear time (about 3 µs a
        // character for an unanchored pattern) well inside the bound.
        text: fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', 'x'), maxLength: 60 }), longText(fc.constantFrom('a', 'aa', 'ab', 'x', '1', 'a '), 20_000)),
        where: fc.constantFrom('body', '$.v'),
      });
      await checkProperty(PARSER, 'catastrophic regex × long text', input, ({ pattern, flags, text, where }) => {
        const exp = timed('parseExpectation', () => parseExpectation(`${where} matches /${pattern}/${flags}`));
        const response: ResponseFacts = { status: 200, headers: {}, bodyText: text, json: { v: text }, durationMs: 1, sizeBytes: text.length };
        const checked = timed('evaluateExpectation', () => evaluateExpectation(exp, response));
        expect(typeof checked.ok).toBe('boolean');
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'suite matchers with any value: expectations, or a UsageError (exit 2)',
    async () => {
      const matcher = fc.oneof(
        jsonValue,
        fc.dictionary(fc.oneof(fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains', 'matches', 'exists', 'type', 'count', 'in', ...PROTOTYPE_KEYS), fc.string({ maxLength: 6 })), fc.oneof(jsonValue, hostileText, fc.dictionary(fc.constantFrom('eq', 'gte', 'count', '__proto__'), jsonValue)), { maxKeys: 4 }),
      );
      const subjectText = fc.oneof(subject.map(subjectLabel), mutated(subject.map(subjectLabel)), hostileText);
      await checkProperty(PARSER, 'matcher → expectations or UsageError', fc.tuple(subjectText, matcher), ([subjectSource, value]) => {
        const result = outcome('matcherToExpectations', [UsageError], () => matcherToExpectations(subjectSource, value));
        if (!result.ok) expect((result.error as UsageError).exitCode).toBe(2);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '--expect-status with any text: a status expectation, or a UsageError (exit 2); a list round-trips',
    async () => {
      const list = fc.array(fc.oneof(fc.integer({ min: 100, max: 599 }).map(String), fc.constantFrom('1xx', '2xx', '3XX', '4xx', '5xx')), { minLength: 1, maxLength: 6 });
      const text = fc.oneof(list.map((items) => items.join(',')), mutated(list.map((items) => items.join(','))), withLongRun(list.map((items) => items.join(','))), hostileText);
      await checkProperty(PARSER, '--expect-status → expectation or UsageError', text, (value) => {
        const result = outcome('parseExpectStatus', [UsageError], () => parseExpectStatus(value));
        if (!result.ok) {
          expect((result.error as UsageError).exitCode).toBe(2);
          return;
        }
        expect(result.value.subject).toEqual({ kind: 'status' });
        const again = timed('parseExpectStatus', () => parseExpectStatus(value.split(',').map((item) => item.trim()).join(',')));
        expect(comparable(again.value)).toBe(comparable(result.value.value));
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
