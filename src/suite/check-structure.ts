/**
 * The shape of the parsed data itself, checked before anything else walks it: YAML anchors and aliases
 * can make a value contain itself (`&m { count: *m }`), and any file can nest deeper than a recursive walk's
 * stack. Each cycle and each over-deep value is a problem at its key path, and is cut out of the data (a
 * key deleted, an array item set to null) so the other checks still run over the rest and report their
 * problems in the same run (those about what was cut are left out: the structure problem says it).
 *
 * Values shared through aliases without a cycle are fine; each object is walked once, so an alias that is
 * used many times costs nothing more.
 */
import type { PathKey, RawProblem } from './locate-issue.js';

/** Deepest nesting accepted (the file's top-level object is depth 0). Every recursive walk stops here. */
export const MAX_DEPTH = 100;

/** The `expect` keys whose values are matchers. */
const MATCHER_KEYS = new Set(['headers', 'jsonpath', 'body', 'duration', 'size']);

/** A structure problem: `path` is where the data was cut, `shownAt` where the problem is reported. */
export interface StructureProblem extends RawProblem {
  shownAt: readonly PathKey[];
}

export function checkStructure(data: unknown): StructureProblem[] {
  const problems: StructureProblem[] = [];
  /** Objects on the path being walked: meeting one again is a cycle. */
  const ancestors = new WeakSet<object>();
  /** Objects walked already, with the height of what is below them (0: no objects inside). */
  const heights = new WeakMap<object, number>();

  /** Walks `value` (at nesting level `depth`); returns how many levels of objects are below it. */
  const walk = (value: object, path: PathKey[], depth: number): number => {
    ancestors.add(value);
    let height = 0;
    const visitChild = (child: unknown, key: PathKey, cut: () => void): void => {
      if (typeof child !== 'object' || child === null) return;
      const at = [...path, key];
      if (ancestors.has(child)) {
        problems.push({ path: at, shownAt: at, anchor: 'value', message: `${isMatcherPath(at) ? 'a matcher' : 'a value'} cannot contain itself (YAML alias cycle)` });
        cut();
        return;
      }
      // The deepest object inside `child` would be at childDepth + its height: past MAX_DEPTH, cut it here.
      const childDepth = depth + 1;
      const known = heights.get(child);
      if (childDepth + (known ?? 0) > MAX_DEPTH) {
        // Shown at the key the author wrote (steps[0].json), not 100 levels down; cut where the limit is.
        problems.push({ path: at, shownAt: userKey(at), anchor: 'value', message: `nested too deep (more than ${MAX_DEPTH} levels)` });
        cut();
        return;
      }
      height = Math.max(height, (known ?? walk(child, at, childDepth)) + 1);
    };
    // A cut value becomes null: what the schema then says about it is at or below the cut, where the
    // structure problem already is (a deleted key could make a "missing key" problem at its parent).
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visitChild(value[i], i, () => (value[i] = null));
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) visitChild(record[key], key, () => (record[key] = null));
    }
    ancestors.delete(value);
    heights.set(value, height);
    return height;
  };

  if (typeof data === 'object' && data !== null) walk(data, [], 0);
  return problems;
}

/** The key a value was written under: `steps[i].<key>`, `steps[i].expect.<key>.<name>`, or `<key>.<name>`. */
function userKey(path: readonly PathKey[]): PathKey[] {
  if (path[0] !== 'steps') return path.slice(0, 2);
  return path.slice(0, path[2] === 'expect' ? 5 : 3);
}

/** `steps[i].expect.<headers|jsonpath|body|duration|size>…` */
function isMatcherPath(path: readonly PathKey[]): boolean {
  return path[0] === 'steps' && path[2] === 'expect' && typeof path[3] === 'string' && MATCHER_KEYS.has(path[3]);
}

/** Past this nesting in the text, the parsers are not even asked (they overflow their stack a few hundred deeper). */
export const MAX_TEXT_DEPTH = 2 * MAX_DEPTH;

/**
 * Where the text of a suite file nests deeper than MAX_TEXT_DEPTH, counted before any parser runs: flow brackets
 * (`[`, `{`) outside quotes, plus block levels (deeper indentation, `- ` items). An over-estimate is fine: a
 * file that passes here is then checked exactly by `checkStructure`. Returns the 1-based line and column, or null.
 */
export function textTooDeep(text: string): { line: number; column: number } | null {
  const indents: number[] = [];
  let flow = 0;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (flow === 0) {
      const content = /^(\s*)(-\s+)*\S/.exec(line);
      if (content === null || /^\s*#/.test(line)) continue;
      const indent = content[1]?.length ?? 0;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
      const dashes = (line.slice(indent).match(/^(-\s+)+/)?.[0].match(/-/g) ?? []).length;
      if (indents.length + dashes > MAX_TEXT_DEPTH) return { line: i + 1, column: indent + 1 };
    }
    let quote: string | null = null;
    for (let j = 0; j < line.length; j++) {
      const ch = line[j];
      if (quote !== null) {
        if (ch === '\\' && quote === '"') j++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === '#' && (j === 0 || /\s/.test(line[j - 1] ?? ''))) break;
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '[' || ch === '{') {
        flow++;
        if (indents.length + flow > MAX_TEXT_DEPTH) return { line: i + 1, column: j + 1 };
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
    }
  }
  return null;
}
