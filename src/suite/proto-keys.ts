/**
 * `__proto__` as a key of a map the suite file defines (a header, a query parameter, a variable, a capture, a header
 * expectation): legal, and kept. The schema library builds its maps as plain objects and skips that key (rather
 * than let it replace the map's prototype), so the file is parsed with every `__proto__` key renamed to a
 * placeholder no key of the file uses, and the parsed value is given its `__proto__` keys back, as own properties
 * (which the code after reads with Object.entries / Object.hasOwn, as it reads every key from input).
 * The data is the file's own parsed copy: renamed in place. Walks are bounded (depth, and each object once).
 */
import type { PathKey, RawProblem } from './locate-issue.js';

const PROTO = '__proto__';
const MAX_WALK_DEPTH = 1000;

/** A key no object of `data` has: `__apitest_proto__`, or that with a suffix. */
export function protoPlaceholder(data: unknown): string {
  const keys = new Set<string>();
  walk(data, (obj) => {
    for (const key of Object.keys(obj)) if (key.startsWith('__apitest_proto')) keys.add(key);
  });
  let candidate = '__apitest_proto__';
  for (let i = 1; keys.has(candidate); i++) candidate = `__apitest_proto_${i}__`;
  return candidate;
}

/** Renames the own key `from` to `to` in every object of `data` (in place); returns whether any was renamed. */
export function renameKeys(data: unknown, from: string, to: string): boolean {
  let renamed = false;
  walk(data, (obj) => {
    if (!Object.hasOwn(obj, from)) return;
    const value = (obj as Record<string, unknown>)[from];
    Object.defineProperty(obj, to, { value, enumerable: true, writable: true, configurable: true });
    delete (obj as Record<string, unknown>)[from];
    renamed = true;
  });
  return renamed;
}

/** A problem found in the renamed data, said of the file as written. */
export function unrenameProblem(problem: RawProblem, placeholder: string): RawProblem {
  if (!problem.path.includes(placeholder) && !problem.message.includes(placeholder)) return problem;
  return { ...problem, path: problem.path.map((k: PathKey) => (k === placeholder ? PROTO : k)), message: problem.message.split(placeholder).join(PROTO) };
}

export const PROTO_KEY = PROTO;

function walk(data: unknown, visit: (obj: object) => void): void {
  const seen = new Set<object>();
  const go = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || depth > MAX_WALK_DEPTH || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) go(item, depth + 1);
      return;
    }
    visit(value);
    for (const key of Object.keys(value)) go((value as Record<string, unknown>)[key], depth + 1);
  };
  go(data, 0);
}
