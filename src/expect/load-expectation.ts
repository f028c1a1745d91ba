/**
 * Service-level objectives of `apitest load`: `--expect 'p99 < 50ms'`, `'errors == 0'`, `'rps >= 1000'`. The
 * same expression shape and comparison operators as a response's expectations (`<subject> <operator> <value>`,
 * expression.ts), over the figures of a whole run instead of one response, and the same `CheckResult`.
 *
 * Subjects: p50 p90 p95 p99 p99.9 max mean (latency, ms: `50ms`, `0.5s`, or a bare number of milliseconds, as
 * `duration` in a response's expectations; exact, fractions of a millisecond kept: `2.5ms` is 2.5, not 3), rps
 * (responses and errors per second), errors (failed requests that were not throttled: no response, or a status of
 * 400 or more other than 429), error_rate (errors / total: `0.01` or `1%`), status_5xx (responses 500-599),
 * throttled (429 responses). Checked when parsed, before anything is sent.
 */
import { parseExactDuration } from '../util/duration.js';
import type { CheckResult } from './evaluate.js';
import { SYMBOL_OPERATORS } from './expression.js';
import { invalidExpectation } from './parse-expression.js';

export const LOAD_SUBJECTS = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'rps', 'errors', 'error_rate', 'status_5xx', 'throttled'] as const;
export type LoadSubject = (typeof LOAD_SUBJECTS)[number];
type Comparison = (typeof SYMBOL_OPERATORS)[number];

/** The figures of a run that SLOs are checked against (latencies in ms). */
export type LoadFigures = Readonly<Record<LoadSubject, number>>;

export interface LoadExpectation {
  readonly source: string;
  readonly subject: LoadSubject;
  readonly operator: Comparison;
  readonly value: number;
}

const LATENCY: readonly LoadSubject[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'];
const COUNTS: readonly LoadSubject[] = ['errors', 'status_5xx', 'throttled'];
const HINT = `an SLO is <subject> <operator> <value>, e.g. "p99 < 50ms", "errors == 0", "rps >= 1000"; subjects: ${LOAD_SUBJECTS.join(', ')}`;

export function parseLoadExpectation(text: string): LoadExpectation {
  const source = text.trim();
  const m = /^([A-Za-z0-9_.]+)\s*(==|!=|<=|>=|<|>)\s*(\S(?:.*\S)?)$/.exec(source);
  if (m === null) {
    const word = /^[A-Za-z0-9_.]+/.exec(source)?.[0];
    if (word !== undefined && !(LOAD_SUBJECTS as readonly string[]).includes(word.toLowerCase())) throw invalidExpectation(source, `unknown subject "${word}"`, HINT);
    throw invalidExpectation(source, 'expected <subject> <operator> <value>', HINT);
  }
  const subject = (m[1] ?? '').toLowerCase() as LoadSubject;
  if (!LOAD_SUBJECTS.includes(subject)) throw invalidExpectation(source, `unknown subject "${m[1]}"`, HINT);
  const operator = m[2] as Comparison;
  const valueText = (m[3] ?? '').trim();
  return { source, subject, operator, value: parseValue(subject, valueText, source) };
}

function parseValue(subject: LoadSubject, text: string, source: string): number {
  if (LATENCY.includes(subject)) {
    // A bare number is milliseconds here (as `duration < 200`), not seconds. Not rounded to whole milliseconds
    // (parseDuration, for timers, does): `p50 < 2.5ms` must not become `p50 < 3`, nor `p50 < 0.4ms` `p50 < 0`.
    const ms = /^\d+(\.\d+)?$/.test(text) || /[a-z]$/i.test(text) ? parseExactDuration(text, 'ms') : undefined;
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw invalidExpectation(source, `"${text}" is not a duration`, 'use 50ms, 0.5s, or a number of milliseconds');
    return ms;
  }
  if (subject === 'error_rate') {
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    const rate = percent !== null ? Number(percent[1]) / 100 : /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!(rate >= 0 && rate <= 1)) throw invalidExpectation(source, `"${text}" is not a rate`, 'use a fraction from 0 to 1 (0.01) or a percentage (1%)');
    return rate;
  }
  const number = /^\d+(\.\d+)?(\/s)?$/.test(text) ? Number(text.replace(/\/s$/, '')) : Number.NaN;
  if (!Number.isFinite(number) || (COUNTS.includes(subject) && !Number.isInteger(number))) {
    throw invalidExpectation(source, `"${text}" is not ${COUNTS.includes(subject) ? 'a whole number' : 'a number'}`);
  }
  return number;
}

/** An SLO's result, with its subject's figure as the table prints it (`7.823 ms`, `579.113 req/s`, `0`). */
export interface LoadCheckResult extends CheckResult {
  readonly actualText: string;
}

export function evaluateLoadExpectation(exp: LoadExpectation, figures: LoadFigures): LoadCheckResult {
  const actual = figures[exp.subject];
  const ok = compare(exp.operator, actual, exp.value);
  const unit = LATENCY.includes(exp.subject) ? ' ms' : exp.subject === 'rps' ? ' req/s' : '';
  const actualText = `${show(actual)}${unit}`;
  if (ok) return { expression: exp.source, ok, expected: exp.value, actual, actualText };
  return { expression: exp.source, ok, expected: exp.value, actual, actualText, message: `${exp.subject}: expected ${exp.operator} ${exact(exp.value)}${unit}, got ${actualText}` };
}

function compare(op: Comparison, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function show(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** The bound as the user gave it, every digit kept and never in exponent notation: 0.0004 → "0.0004", 1e-7 → "0.0000001". */
function exact(n: number): string {
  const text = String(n);
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const point = (m[1] as string).length + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
