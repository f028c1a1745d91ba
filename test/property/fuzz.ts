/**
 * Shared pieces of the property-based ("fuzz") tests of every parser of user input.
 *
 * - `FUZZ_RUNS` (default 500, as in `npm test`; `npm run fuzz` sets 10000) is the number of generated inputs
 *   of every property; `FUZZ_SEED` replays a run (fast-check prints the seed and path of a failure); in CI
 *   `npm test` uses one fixed seed (CI_SEED), elsewhere a new one every run.
 * - `timed` runs one call and fails when it computes longer than `TIME_BOUND_MS` (1 s of CPU time): a
 *   catastrophic regular expression or a quadratic loop fails the property instead of passing slowly.
 * - `checkProperty` runs a property, names the parser it belongs to, and, when `FUZZ_SUMMARY_DIR` is set
 *   (scripts/fuzz.mjs sets it), appends one JSON line per property there: the summary of `npm run fuzz`.
 *   fast-check stops a property at its first failing input (and shrinks it), so a failed property counts as
 *   one failure. Nothing is printed while the properties pass.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

function runsFromEnv(): number {
  const raw = process.env.FUZZ_RUNS;
  if (raw === undefined || raw.trim() === '') return 500;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a whole number >= 1, got ${JSON.stringify(raw)}`);
  return n;
}

export const FUZZ_RUNS = runsFromEnv();

/**
 * The longest one call may compute: 1 s of CPU time (user + system, process.cpuUsage) — a catastrophic regular
 * expression or a quadratic loop burns CPU. CPU time, not wall-clock time: on a shared machine (load 12 on 2
 * cores while other test suites ran) a 200 ms call took over a second of wall-clock time and failed for nothing.
 * A call that waits without computing is caught by WALL_BOUND_MS instead. Linear-time parsers take well under
 * 10 ms on the longest generated input.
 */
export const TIME_BOUND_MS = 1000;
/** Wall-clock limit of one call (10× its CPU bound): a promise that never settles, a blocking read. */
const WALL_FACTOR = 10;

/** Jest's timeout for one property test: generous, but bounded. */
export const PROPERTY_TIMEOUT_MS = 60_000 + FUZZ_RUNS * 40;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function checkBound(what: string, cpuStart: number, wallStart: number, boundMs: number): void {
  const cpu = cpuMs() - cpuStart;
  const wall = performance.now() - wallStart;
  if (cpu > boundMs || wall > boundMs * WALL_FACTOR) throw new TimeBoundError(what, cpu, wall, boundMs);
}

/**
 * Calls `run` and fails if it computed longer than `boundMs` (TIME_BOUND_MS unless a parser says why it needs
 * more) or waited longer than ten times that: a hang shows as a slow call, since every generated input is finite.
 */
export function timed<T>(what: string, run: () => T, boundMs = TIME_BOUND_MS): T {
  const cpuStart = cpuMs();
  const wallStart = performance.now();
  try {
    return run();
  } finally {
    checkBound(what, cpuStart, wallStart, boundMs);
  }
}

export async function timedAsync<T>(what: string, run: () => Promise<T>, boundMs = TIME_BOUND_MS): Promise<T> {
  const cpuStart = cpuMs();
  const wallStart = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeBoundError(`${what} (never settled)`, cpuMs() - cpuStart, performance.now() - wallStart, boundMs)), boundMs * WALL_FACTOR + 1);
  });
  try {
    return await Promise.race([run(), hung]);
  } finally {
    clearTimeout(timer);
    checkBound(what, cpuStart, wallStart, boundMs);
  }
}

class TimeBoundError extends Error {
  constructor(what: string, cpuMsTaken: number, wallMsTaken: number, boundMs: number) {
    super(`${what} took ${cpuMsTaken.toFixed(0)} ms of CPU, ${wallMsTaken.toFixed(0)} ms of wall-clock time (bound ${boundMs.toFixed(0)} ms of CPU, ${(boundMs * WALL_FACTOR).toFixed(0)} ms wall-clock)`);
    this.name = 'TimeBoundError';
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** What a call gave: its value, or the error it threw — which must be one of `allowed` (anything else fails). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

export function outcome<T>(what: string, allowed: readonly ErrorClass[], run: () => T, boundMs = TIME_BOUND_MS): Outcome<T> {
  try {
    return { ok: true, value: timed(what, run, boundMs) };
  } catch (error) {
    return { ok: false, error: allowedError(what, allowed, error) };
  }
}

export async function outcomeAsync<T>(what: string, allowed: readonly ErrorClass[], run: () => Promise<T>, boundMs = TIME_BOUND_MS): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await timedAsync(what, run, boundMs) };
  } catch (error) {
    return { ok: false, error: allowedError(what, allowed, error) };
  }
}

function allowedError(what: string, allowed: readonly ErrorClass[], error: unknown): Error {
  if (error instanceof Error && allowed.some((type) => error instanceof type)) return error;
  if (error instanceof TimeBoundError) throw error;
  const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const expected = allowed.length === 0 ? 'nothing' : allowed.map((type) => type.name).join(' or ');
  throw new Error(`${what} threw ${shown} (only ${expected} may be thrown)`, { cause: error });
}

/**
 * In CI (`CI` set) `npm test` draws its inputs from one fixed seed, so that a run is the same on every machine and
 * a red CI run can be replayed; on a developer's machine, and in `npm run fuzz` (which sets FUZZ_RUNS), every run
 * draws new ones, which is how the failures fixed so far were found.
 */
export const CI_SEED = 20261204;

/** For tests that call fc.assert themselves: in CI (and FUZZ_RUNS not set), every property draws from CI_SEED. */
export function ciSeedOnce(): void {
  if ((process.env.CI ?? '') !== '' && (process.env.FUZZ_RUNS ?? '') === '') fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: CI_SEED });
}

export function params<T>(): fc.Parameters<T> {
  const out: fc.Parameters<T> = { numRuns: FUZZ_RUNS };
  if (process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== '') out.seed = Number(process.env.FUZZ_SEED);
  else if ((process.env.CI ?? '') !== '' && (process.env.FUZZ_RUNS ?? '') === '') out.seed = CI_SEED;
  if (process.env.FUZZ_PATH !== undefined && process.env.FUZZ_PATH !== '') out.path = process.env.FUZZ_PATH;
  return out;
}

/** How long shrinking a failure may go on: a slow input makes every shrinking step slow. */
const SHRINK_BUDGET_MS = 30_000;

/**
 * Runs `predicate` (which throws, or fails an `expect`, to say the property does not hold) on FUZZ_RUNS inputs
 * of `arbitrary`; on failure throws a short report: the shrunk input (long runs of one piece written as
 * ‹piece×count›), the error, and the seed and path that replay it (FUZZ_SEED, FUZZ_PATH).
 * `parser` groups the properties in the summary.
 */
export async function checkProperty<T>(parser: string, name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void | Promise<void>): Promise<void> {
  let firstFailureAt: number | undefined;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    // Past the shrinking budget every further candidate "passes": the smallest failure found so far is reported.
    if (firstFailureAt !== undefined && performance.now() - firstFailureAt > SHRINK_BUDGET_MS) return;
    try {
      await predicate(value);
    } catch (error) {
      firstFailureAt ??= performance.now();
      throw error;
    }
  });
  const started = performance.now();
  const details = await fc.check(property, params<[T]>());
  record({ parser, property: name, inputs: details.numRuns, failures: details.failed ? 1 : 0, ms: Math.round(performance.now() - started), seed: details.seed });
  if (details.failed) throw new Error(report(parser, name, details));
}

function report<T>(parser: string, name: string, details: fc.RunDetails<[T]>): string {
  const error = details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}` : String(details.errorInstance);
  return [
    `${parser}: "${name}" failed after ${details.numRuns} inputs (shrunk ${details.numShrinks} times)`,
    `input: ${describeInput(details.counterexample?.[0])}`,
    `error: ${clip(compressRuns(error), 3000)}`,
    `replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} (with jest -t to pick this property)`,
  ].join('\n');
}

/** A generated value as fast-check writes it, with long runs of one short piece compressed: ‹"ab"×5000›. */
export function describeInput(value: unknown): string {
  return clip(compressRuns(fc.stringify(value)), 3000);
}

function compressRuns(text: string): string {
  return text.replace(/([^]{1,4}?)\1{15,}/g, (run, piece: string) => `‹${JSON.stringify(piece)}×${run.length / piece.length}›`);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

interface SummaryLine {
  parser: string;
  property: string;
  inputs: number;
  failures: number;
  ms: number;
  seed: number;
}

function record(line: SummaryLine): void {
  const dir = process.env.FUZZ_SUMMARY_DIR;
  if (dir === undefined || dir === '') return;
  appendFileSync(join(dir, 'properties.jsonl'), `${JSON.stringify(line)}\n`);
}

// --- shared generators ----------------------------------------------------------------------------------

/** Keys that break code which puts input keys into plain objects. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'] as const;

/** Texts that have broken parsers before: numbers at the edges, empty and blank text, control characters. */
export const AWKWARD_TEXTS = [
  ...PROTOTYPE_KEYS,
  '',
  ' ',
  '\t',
  '\0',
  '\r\n',
  '\u2028',
  '\ufeff',
  '\u00a0',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '1e309',
  '1e-400',
  '0x10',
  '0b1',
  '9007199254740993',
  '9'.repeat(400),
  '1.' + '0'.repeat(400) + '1',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '"',
  "'",
  '\\',
  '/',
  '%',
  '%00',
  '{{',
  '}}',
  '😀',
  '\ud800',
  'é',
  'ﬀ',
];

/** Characters worth inserting into an otherwise valid text. */
const AWKWARD_CHARS = [' ', '\t', '\n', '\r', '\0', '\u0001', '\u007f', '\u0085', '\u00a0', '\u2028', '\ufeff', 'é', 'ß', 'İ', 'ſ', 'K', '😀', '\ud800', '"', "'", '\\', '/', ',', ';', ':', '=', '<', '>', '[', ']', '{', '}', '(', ')', '*', '+', '?', '.', '-', '#', '%', '&', '|', '$', '@', '!', '~', '0', '9', 'e', 'E', 'x'];

export const awkwardChar = fc.oneof(fc.constantFrom(...AWKWARD_CHARS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));

/**
 * A long text (1,000 to `maxLength` characters, 100,000 by default) made of one short piece repeated, optionally
 * between a head and a tail: what makes a quadratic or exponential regular expression or loop show itself.
 */
export function longText(
  pieces: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(' ', '\t', 'a', '1', '1s', ',', ';', '<', '"', '\\', '/', '[', '{', '- ', 'a=', '1.', ' ,', ', '), fc.string({ minLength: 1, maxLength: 4 })),
  maxLength = 100_000,
): fc.Arbitrary<string> {
  return fc
    .record({
      head: fc.oneof(fc.constant(''), fc.string({ maxLength: 6 })),
      piece: pieces,
      length: fc.integer({ min: Math.min(1000, maxLength), max: maxLength }),
      tail: fc.oneof(fc.constant(''), fc.constant('!'), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary-ascii', maxLength: 6 })),
    })
    .map(({ head, piece, length, tail }) => head + piece.repeat(Math.ceil(length / Math.max(1, piece.length))).slice(0, length) + tail);
}

/** `valid` (or a mutant of it) with a long run (1,000 to 100,000 characters of one piece, and maybe a tail) spliced in somewhere. */
export function withLongRun(valid: fc.Arbitrary<string>, maxLength = 100_000): fc.Arbitrary<string> {
  return fc.tuple(fc.oneof(valid, mutated(valid)), longText(undefined, maxLength), fc.nat()).map(([text, run, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + run + text.slice(i);
  });
}

/** Brackets nested `depth` deep (up to 5,000): the stack-overflow case. */
export const deepNesting: fc.Arbitrary<string> = fc
  .record({ open: fc.constantFrom('[', '{"a":', '(', '<', '{', '- ', '"', '$['), depth: fc.integer({ min: 100, max: 5000 }), close: fc.boolean() })
  .map(({ open, depth, close }) => open.repeat(depth) + (close ? (open === '[' ? ']' : open === '(' ? ')' : '}').repeat(depth) : ''));

/** Any text: short unicode strings, awkward constants, long repeated pieces (up to 100,000 characters), deep nesting. */
export const hostileText: fc.Arbitrary<string> = hostileTextUpTo(100_000);

/**
 * Response headers never get longer than Node's 16 KiB limit on a response head: their parsers are fed texts of up
 * to 20,000 characters.
 */
export const HEADER_TEXT_MAX = 20_000;

export function hostileTextUpTo(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(...AWKWARD_TEXTS) },
    { weight: 1, arbitrary: longText(undefined, maxLength) },
    { weight: 1, arbitrary: deepNesting },
  );
}

/** `valid` with 1 to 4 edits: a character inserted, deleted or replaced, a part doubled or cut. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({
    kind: fc.constantFrom('insert', 'delete', 'replace', 'double', 'cut', 'swapCase'),
    at: fc.nat(),
    char: fc.oneof(awkwardChar, fc.constantFrom(...AWKWARD_TEXTS)),
  });
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let out = text;
    for (const { kind, at, char } of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + 1);
      switch (kind) {
        case 'insert':
          out = out.slice(0, i) + char + out.slice(i);
          break;
        case 'delete':
          out = out.slice(0, i) + out.slice(i + 1);
          break;
        case 'replace':
          out = out.slice(0, i) + char + out.slice(i + 1);
          break;
        case 'double':
          out = out.slice(0, i) + out.slice(i) + out.slice(i);
          break;
        case 'cut':
          out = out.slice(0, i);
          break;
        case 'swapCase':
          out = out.slice(0, i) + (out.charAt(i).toUpperCase() === out.charAt(i) ? out.charAt(i).toLowerCase() : out.charAt(i).toUpperCase()) + out.slice(i + 1);
          break;
      }
    }
    return out;
  });
}

/** Blank space as people and programs write it around separators. */
export const blank = fc.constantFrom('', '', '', ' ', '  ', '\t');
