/**
 * Reads one suite file (YAML, or JSON, which the yaml parser reads as YAML 1.2 with positions), validates
 * it with the zod schema and compiles it. Every problem comes back with its line, column and key path;
 * nothing here sends a request.
 */
import { MAX_TEXT_FILE_BYTES, readWholeFile } from '../files/read-bounded.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { dirname } from 'node:path';
import type { LineCounter as LineCounterType } from 'yaml';
import type { SchemaCache } from './compile-expect.js';
import { PROTO_KEY, protoPlaceholder, renameKeys, unrenameProblem } from './proto-keys.js';
import { checkStructure, MAX_DEPTH, textTooDeep } from './check-structure.js';
import { asSuiteInput, compileSuite, type CompiledSuite, type SuiteInput } from './compile-suite.js';
import { issuesToProblems, locatePath, formatKeyPath, type PathKey, type Problem, type RawProblem, type SourceMap } from './locate-issue.js';
import { StepSchema, SuiteFileSchema } from './suite-schema.js';
import { keepsTrick } from '../util/tricks.js';
import { parseYamlFast } from './yaml-fast-path.js';
import type { Pattern } from '../expect/pattern.js';

export interface LoadOptions {
  cliVars: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string | undefined>>;
  filter: Pattern | null;
  schemaCache: SchemaCache;
}

export type LoadResult = { ok: true; suite: CompiledSuite } | { ok: false; problems: Problem[] };

/** `file` is the path as shown (relative, with `/`); `absolutePath` is where to read it. */
export async function loadSuite(file: string, absolutePath: string, options: LoadOptions): Promise<LoadResult> {
  let text: string;
  try {
    text = (await readWholeFile(absolutePath, MAX_TEXT_FILE_BYTES)).toString('utf8');
  } catch (error) {
    const reason = unreadableReason(error);
    return { ok: false, problems: [{ file, line: 1, column: 1, keyPath: '', message: `cannot read the suite: ${reason}` }] };
  }
  return parseSuiteText(text, file, dirname(absolutePath), options);
}

export async function parseSuiteText(text: string, file: string, dir: string, options: LoadOptions): Promise<LoadResult> {
  // Nesting the parsers could not survive is refused before they run.
  const deep = textTooDeep(text);
  if (deep !== null) {
    return { ok: false, problems: [{ file, line: deep.line, column: deep.column, keyPath: '', message: `nested deeper than ${MAX_DEPTH} levels (a suite file may nest at most ${MAX_DEPTH})` }] };
  }
  // A valid file is parsed once, without positions: JSON by JSON.parse, YAML by js-yaml (yaml-fast-path.ts).
  // The yaml package's document, which gives positions, is built only when there is a problem to point at, or
  // for a YAML file the fast path does not take (with the yaml package the document IS the parse).
  let source: SourceMap | null = null;
  // The yaml package (positions) is loaded only when a file needs it: a problem to point at, or a YAML
  // file the fast path did not take.
  const sourceMap = async (): Promise<SourceMap> => {
    if (source === null) {
      const yaml = await import('yaml');
      const lineCounter: LineCounterType = new yaml.LineCounter();
      source = { doc: yaml.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter, nodes: yaml };
    }
    return source;
  };
  let data: unknown = undefined;
  let parsedJson = false;
  if (/\.json$/i.test(file)) {
    try {
      data = JSON.parse(text);
      parsedJson = hasNoDuplicateKeys(data, text);
    } catch {
      parsedJson = false;
    }
  } else {
    // Any syntax problem, and any text the two parsers might read differently, goes through the yaml package
    // instead, which says where the problem is.
    const fast = keepsTrick('yaml-fast-path') ? parseYamlFast(text) : ({ ok: false } as const);
    if (fast.ok) {
      data = fast.data;
      parsedJson = true;
    }
  }
  if (!parsedJson) {
    const { doc, lineCounter } = await sourceMap();
    if (doc.errors.length > 0) {
      return {
        ok: false,
        problems: doc.errors.map((error) => {
          const pos = lineCounter.linePos(error.pos[0]);
          if (error.code === 'MULTIPLE_DOCS') {
            return { file, line: pos.line, column: pos.col, keyPath: '', message: 'a suite file holds one YAML document; a second one starts here (put each suite in a file of its own)' };
          }
          return { file, line: pos.line, column: pos.col, keyPath: '', message: `${/\.json$/i.test(file) ? 'JSON' : 'YAML'} syntax error: ${error.message}` };
        }),
      };
    }
    // A collection as a key (`? [a, b]: 1`, `{a: 1}: x`) has no JSON equivalent: the yaml package would make it
    // the string "[ a, b ]" and print a Node warning on stderr. It is a problem at the key instead.
    const collectionKeys = await findCollectionKeys(doc);
    if (collectionKeys.length > 0) {
      return {
        ok: false,
        problems: collectionKeys.map(({ offset, kind }) => {
          const pos = lineCounter.linePos(offset);
          return { file, line: pos.line, column: pos.col, keyPath: '', message: `a key cannot be ${kind} (keys are text: quote it, e.g. "[a, b]": …)` };
        }),
      };
    }
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return { ok: false, problems: [{ file, line: 1, column: 1, keyPath: '', message: error instanceof Error ? error.message : String(error) }] };
    }
  }
  const toProblems = async (raw: readonly RawProblem[]): Promise<Problem[]> => {
    const map = await sourceMap();
    return raw
      .map((p) => ({ file, ...locatePath(map, p.path, p.anchor), keyPath: formatKeyPath(p.path), message: p.message }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
  };

  if (data === null || data === undefined) return { ok: false, problems: [{ file, line: 1, column: 1, keyPath: '', message: 'the file is empty (a suite needs name and steps)' }] };
  // First, as every later walk relies on it: no value contains itself (YAML alias cycles), nothing is nested
  // deeper than MAX_DEPTH. What breaks that is reported and cut out, so the rest is still checked.
  const structure = checkStructure(data);
  const cutOut = (p: RawProblem): boolean => structure.some((s) => isPrefix(s.path, p.path));
  const structureProblems: RawProblem[] = structure.map((s) => ({ path: s.shownAt, anchor: s.anchor, message: s.message }));
  // `__proto__` keys are parsed under a placeholder (the schema library would skip them) and given back after.
  const placeholder = structure.length === 0 ? protoPlaceholder(data) : null;
  const renamed = placeholder !== null && renameKeys(data, PROTO_KEY, placeholder);
  const parsed = SuiteFileSchema.safeParse(data);
  const schemaProblems: RawProblem[] = parsed.success ? [] : issuesToProblems(parsed.error.issues, data).map((p) => (renamed ? unrenameProblem(p, placeholder) : p)).filter((p) => !cutOut(p));
  if (renamed && parsed.success) renameKeys(parsed.data, placeholder, PROTO_KEY);
  const input = parsed.success ? asSuiteInput(parsed.data) : salvage(data);
  if (renamed && !parsed.success) {
    renameKeys(input, placeholder, PROTO_KEY);
    if (input.declaredCaptures.has(placeholder)) input.declaredCaptures = new Map([...input.declaredCaptures].map(([name, at]) => [name === placeholder ? PROTO_KEY : name, at]));
  }
  data = undefined; // the parsed file is not needed past this point: the compiled suite keeps what it uses
  const displayDir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const compileProblems: RawProblem[] = [];
  const suite = await compileSuite(input, { file, dir, displayDir, ...options }, compileProblems);
  // What pruning left behind can look wrong where the schema already found a problem: keep the schema's word.
  const raw = [...structureProblems, ...schemaProblems, ...compileProblems.filter((c) => !cutOut(c) && !schemaProblems.some((s) => related(s.path, c.path)))];
  if (raw.length > 0) return { ok: false, problems: await toProblems(dedupe(raw)) };
  return { ok: true, suite };
}

/** Where the document has a mapping or a sequence (or an alias of one) as a key, and which. */
async function findCollectionKeys(doc: SourceMap['doc']): Promise<Array<{ offset: number; kind: string }>> {
  const { isAlias, isMap, isSeq, visit } = await import('yaml');
  const found: Array<{ offset: number; kind: string }> = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as unknown;
      const target = isAlias(key) ? key.resolve(doc) : key;
      if (isMap(target) || isSeq(target)) {
        const range = (key as { range?: [number, number, number] | null }).range;
        found.push({ offset: range?.[0] ?? 0, kind: isMap(target) ? 'a mapping' : 'a list' });
      }
    },
  });
  return found;
}

/** `prefix` is `path` or one of its ancestors. */
function isPrefix(prefix: readonly PathKey[], path: readonly PathKey[]): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => String(key) === String(path[i]));
}

/**
 * The parts of an invalid file that are valid on their own, so compile-time problems (templates,
 * expectations, durations…) are reported together with the schema's. Invalid values are pruned until
 * what is left passes the schema; a step that cannot be saved that way is left out (`undefined`).
 */
function salvage(data: unknown): SuiteInput {
  const record = (isRecord(data) ? data : {}) as Record<string, unknown>;
  const shape = SuiteFileSchema.shape;
  const rawSteps = Array.isArray(record.steps) ? (record.steps as unknown[]) : [];
  const declaredCaptures = new Map<string, number>();
  rawSteps.forEach((step, index) => {
    const capture = isRecord(step) ? step.capture : undefined;
    if (isRecord(capture)) for (const name of Object.keys(capture)) if (!declaredCaptures.has(name)) declaredCaptures.set(name, index);
  });
  const input: SuiteInput = { steps: rawSteps.map((step) => pruneToValid(StepSchema, step)), declaredCaptures };
  const name = pruneToValid(shape.name, record.name);
  const baseUrl = pruneToValid(shape.baseUrl, record.baseUrl);
  const vars = pruneToValid(shape.vars, record.vars);
  const defaults = pruneToValid(shape.defaults, record.defaults);
  if (name !== undefined) input.name = name;
  if (baseUrl !== undefined) input.baseUrl = baseUrl;
  if (vars !== undefined) input.vars = vars;
  if (defaults !== undefined) input.defaults = defaults;
  return input;
}

interface Parser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ code: string; path: PropertyKey[]; keys?: string[] }> } };
}

function pruneToValid<T>(schema: Parser<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  let current: unknown = structuredClone(value);
  for (let round = 0; round < 8; round++) {
    const result = schema.safeParse(current);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      let path = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys ?? []) deleteAt(current, [...path, key]);
        continue;
      }
      if (issue.code === 'invalid_type' && valueAt(current, path) === undefined) path = path.slice(0, -1);
      // Deleting an array item would shift the indexes of later problems: drop the whole array instead.
      const firstIndex = path.findIndex((k) => typeof k === 'number');
      if (firstIndex !== -1) path = path.slice(0, firstIndex);
      if (path.length === 0) return undefined;
      deleteAt(current, path);
    }
  }
  return undefined;
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = value;
  for (const key of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function deleteAt(value: unknown, path: ReadonlyArray<string | number>): void {
  const parent = valueAt(value, path.slice(0, -1));
  const key = path[path.length - 1];
  if (isRecord(parent) && key !== undefined) delete parent[key];
}

function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One path is a prefix of the other. */
function related(a: readonly PathKey[], b: readonly PathKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

/**
 * JSON.parse keeps the last of duplicate keys silently; yaml reports them. A cheap check: when the text has
 * more `"key":` occurrences than the parsed value has keys, let yaml (which reports duplicates) decide.
 */
function hasNoDuplicateKeys(value: unknown, text: string): boolean {
  let keys = 0;
  let tooDeep = false;
  // JSON.parse makes no cycles, but a file can nest deeper than a walk's stack: past MAX_DEPTH, stop. Such a
  // file is rejected by checkStructure anyway, so its JSON.parse value is kept (the yaml package, which would
  // look for duplicates, could not parse it without running out of stack either).
  const count = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return;
    }
    if (Array.isArray(v)) for (const item of v) count(item, depth + 1);
    else if (isRecord(v)) for (const item of Object.values(v)) {
      keys++;
      count(item, depth + 1);
    }
  };
  count(value, 0);
  if (tooDeep) return true;
  const written = text.match(/"(?:[^"\\]|\\.)*"\s*:/g)?.length ?? 0;
  return written <= keys;
}

function dedupe(problems: readonly RawProblem[]): RawProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${JSON.stringify(p.path)}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
