/**
 * `__proto__` as a key of a map the suite file defines (headers, query, vars, capture, expect.headers, …):
 * the schema library builds its maps as plain objects and skips that key rather than let it replace the map's
 * prototype, so the header, parameter or expectation would vanish without a word. Found by comparing what was
 * written with what was parsed, and reported as a problem of the file. (A `json:` body is kept as written: its
 * `__proto__` keys are sent.)
 */
import { MAX_DEPTH } from './check-structure.js';
import type { PathKey, RawProblem } from './locate-issue.js';

const PROTO = '__proto__';

/** Every place where `written` has an own `__proto__` key that `parsed`, at the same place, lost. */
export function droppedProtoKeys(written: unknown, parsed: unknown): RawProblem[] {
  const problems: RawProblem[] = [];
  const walk = (w: unknown, p: unknown, path: PathKey[]): void => {
    if (path.length > MAX_DEPTH || w === p || typeof w !== 'object' || w === null || typeof p !== 'object' || p === null) return;
    if (Array.isArray(w)) {
      if (Array.isArray(p)) for (let i = 0; i < Math.min(w.length, p.length); i++) walk(w[i], p[i], [...path, i]);
      return;
    }
    if (Array.isArray(p)) return;
    if (Object.hasOwn(w, PROTO) && !Object.hasOwn(p, PROTO)) {
      problems.push({ path: [...path, PROTO], anchor: 'key', message: messageFor(path) });
    }
    for (const key of Object.keys(p)) {
      if (key !== PROTO && Object.hasOwn(w, key)) walk((w as Record<string, unknown>)[key], (p as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(written, parsed, []);
  return problems;
}

function messageFor(path: readonly PathKey[]): string {
  const base = '"__proto__" cannot be a key here (apitest keeps such maps as JavaScript objects, where that name is reserved)';
  return path[path.length - 1] === 'query' ? `${base}; write that parameter in the url instead, e.g. url: /path?__proto__=value` : base;
}
