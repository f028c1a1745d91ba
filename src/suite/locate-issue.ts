/**
 * Turns zod issues (and our own compile-time problems) into `file:line:column: key.path: message` lines.
 * Positions come from the `yaml` document (JSON files are parsed by yaml too: JSON is YAML 1.2), so a
 * key path such as `steps[1].expect.status` maps back to where it was written.
 */
import type { Document, LineCounter, Node, Pair } from 'yaml';
import type * as z from 'zod/mini';

export type PathKey = string | number;

/** Where a problem points: at a value, or at a key itself (an unknown or misspelt key). */
export type Anchor = 'value' | 'key';

export interface RawProblem {
  path: readonly PathKey[];
  message: string;
  anchor: Anchor;
}

export interface Problem {
  file: string;
  line: number;
  column: number;
  /** `steps[1].expect.status`, or '' for the whole file. */
  keyPath: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.keyPath === '' ? `${where}: ${problem.message}` : `${where}: ${problem.keyPath}: ${problem.message}`;
}

/** `steps[1].expect.jsonpath["$.id"]` */
export function formatKeyPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The yaml package's node tests; passed in with the document, so this module does not load yaml itself. */
export type YamlNodeTests = Pick<typeof import('yaml'), 'isAlias' | 'isMap' | 'isScalar' | 'isSeq'>;

export interface SourceMap {
  doc: Document;
  lineCounter: LineCounter;
  nodes: YamlNodeTests;
}

/** 1-based line and column of a key path in the document: the nearest existing node when part of it is missing. */
export function locatePath(source: SourceMap, path: readonly PathKey[], anchor: Anchor): { line: number; column: number } {
  const { doc } = source;
  const { isAlias, isMap, isScalar, isSeq } = source.nodes;
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  let lastPair: Pair | null = null;
  for (const [index, key] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      lastPair = pair;
      node = pair.value;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) break;
      lastPair = null;
      node = item;
      offset = rangeStart(item) ?? offset;
    } else {
      break;
    }
    if (index === path.length - 1 && anchor === 'key' && lastPair) offset = rangeStart(lastPair.key) ?? offset;
  }
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

// --- zod issues → problems ---------------------------------------------------

/** One readable problem per zod issue (one per key for unknown keys), with the union branch that fits best. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], data: unknown, prefix: readonly PathKey[] = []): RawProblem[] {
  return issues.flatMap((issue) => issueToProblems(issue, data, prefix));
}

function issueToProblems(issue: z.core.$ZodIssue, data: unknown, prefix: readonly PathKey[]): RawProblem[] {
  const path = [...prefix, ...(issue.path as PathKey[])];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = /expected one of: (.*)$/.exec(issue.message)?.[1]?.split(', ') ?? [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        anchor: 'key' as const,
        message: `unknown key ${JSON.stringify(key)}${suggest(key, allowed)}${allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : ''}`,
      }));
    }
    case 'invalid_type': {
      const actual = valueAt(data, path);
      if (actual === undefined && path.length > 0) {
        const key = path[path.length - 1];
        return [{ path: path.slice(0, -1), anchor: 'value', message: typeof key === 'number' ? `missing item ${key}` : `missing required key ${JSON.stringify(key)}` }];
      }
      // YAML's .inf and .nan are numbers to JavaScript: "expected a number, got a number" would say nothing.
      const expected = typeof actual === 'number' && issue.expected === 'number' ? 'a finite number' : article(issue.expected);
      return [{ path, anchor: 'value', message: `expected ${expected}, got ${describe(actual)}` }];
    }
    case 'invalid_union':
      return unionProblems(issue, path, data);
    case 'invalid_key': {
      const key = path[path.length - 1];
      const inner = issue.issues[0]?.message ?? 'invalid key';
      return [{ path, anchor: 'key', message: `invalid name ${JSON.stringify(key)}: ${inner}` }];
    }
    case 'invalid_value':
      return [{ path, anchor: 'value', message: `expected ${oneOf(issue.values.map((v) => JSON.stringify(v)))}, got ${describe(valueAt(data, path))}` }];
    case 'too_small':
    case 'too_big': {
      const custom = !issue.message.startsWith('Too ');
      return [{ path, anchor: 'value', message: custom ? issue.message : `${describeBound(issue)}, got ${describe(valueAt(data, path))}` }];
    }
    case 'invalid_format':
      return [{ path, anchor: 'value', message: `${issue.message}, got ${describe(valueAt(data, path))}` }];
    default:
      return [{ path, anchor: 'value', message: issue.message }];
  }
}

/**
 * A union failed: the branch whose issues reach deepest into the value is the one the author meant
 * (then the one with fewest issues). When every branch failed on the value's type, say which types fit.
 */
function unionProblems(issue: z.core.$ZodIssueInvalidUnion, path: readonly PathKey[], data: unknown): RawProblem[] {
  const branches = issue.errors.filter((b) => b.length > 0);
  const depth = (b: readonly z.core.$ZodIssue[]): number => Math.max(...b.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
  const rootTypeOnly = branches.every((b) => b.length === 1 && b[0]?.path.length === 0 && (b[0].code === 'invalid_type' || b[0].code === 'invalid_value'));
  if (branches.length === 0 || rootTypeOnly) {
    const wanted = new Set<string>();
    const nonFinite = typeof valueAt(data, path) === 'number';
    for (const b of branches) {
      const first = b[0];
      if (first?.code === 'invalid_type') wanted.add(nonFinite && first.expected === 'number' ? 'a finite number' : article(first.expected));
      else if (first?.code === 'invalid_value') for (const v of first.values) wanted.add(JSON.stringify(v));
    }
    return [{ path, anchor: 'value', message: `expected ${oneOf([...wanted])}, got ${describe(valueAt(data, path))}` }];
  }
  const best = [...branches].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
  return issuesToProblems(best, data, path);
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const op = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  if (issue.origin === 'array') return `expected ${op} ${String(bound)} item${String(bound) === '1' ? '' : 's'}`;
  if (issue.origin === 'string') return `expected ${op} ${String(bound)} character${String(bound) === '1' ? '' : 's'}`;
  return `expected a number ${op} ${String(bound)}`;
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key as string];
  }
  return value;
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'not a number (.nan)' : value > 0 ? 'infinity (.inf)' : 'minus infinity (-.inf)';
  const shown = JSON.stringify(value);
  return `${article(typeof value)} (${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown})`;
}

function oneOf(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'something else';
  if (items.length > 3) return `one of ${items.join(', ')}`;
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** ` (did you mean "url"?)` for a key one or two edits away from an allowed one. */
function suggest(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best === undefined ? '' : `, did you mean ${JSON.stringify(best)}?`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
    }
  }
  return row[b.length] ?? 0;
}
