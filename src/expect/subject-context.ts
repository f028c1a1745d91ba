/**
 * What an expectation can look at in a response, and how a subject resolves
 * to a value there.
 */
import { assertNever } from '../util/assert-never.js';
import type { Subject } from './expression.js';
import { compileJsonPath, queryJsonPath } from './jsonpath.js';

export interface ResponseFacts {
  status: number;
  /** Lower-case names; a repeated header may be an array. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  bodyText: string;
  /** The parsed body, or `undefined` when the body is not JSON. */
  json: unknown;
  /** Why `json` is undefined for a JSON body (nested too deep to query), when that is the reason. */
  jsonUnavailable?: string;
  /** Total time in milliseconds. */
  durationMs: number;
  sizeBytes: number;
  /** What the HTTP cache did, when the run used one (`--cache`). */
  cache?: { readonly status: string; readonly storable: boolean; readonly ttl: number | null; readonly age: number | null };
}

/** A subject's value in a response, or why there is none. */
export type Resolved =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly reason: string };

const NOT_JSON: Resolved = { found: false, reason: 'the body is not JSON' };

/**
 * A JSONPath subject with one match is that value, with several the array of
 * matches, with none it does not exist. `count` is the number of matches, or
 * the length of the one match when that is an array. A header repeated in the
 * response is its values joined with ", ".
 */
export function resolveSubject(subject: Subject, facts: ResponseFacts): Resolved {
  switch (subject.kind) {
    case 'status':
      return { found: true, value: facts.status };
    case 'body':
      return { found: true, value: facts.bodyText };
    case 'duration':
      return { found: true, value: facts.durationMs };
    case 'size':
      return { found: true, value: facts.sizeBytes };
    case 'cache':
      if (facts.cache === undefined) return { found: false, reason: 'the HTTP cache was not used (add --cache)' };
      if (subject.field === 'ttl' || subject.field === 'age') {
        const value = facts.cache[subject.field];
        return value === null ? { found: false, reason: `the cache has no ${subject.field} for this response (${facts.cache.status})` } : { found: true, value };
      }
      return { found: true, value: facts.cache[subject.field] };
    case 'header':
      return resolveHeader(subject.name, facts.headers);
    case 'jsonpath': {
      if (facts.json === undefined) return notJson(facts);
      const matches = queryJsonPath(compileJsonPath(subject.path), facts.json);
      if (matches.length === 0) return { found: false, reason: 'it does not exist' };
      return { found: true, value: matches.length === 1 ? matches[0] : matches };
    }
    case 'count': {
      if (facts.json === undefined) return notJson(facts);
      const matches = queryJsonPath(compileJsonPath(subject.path), facts.json);
      const only = matches.length === 1 ? matches[0] : undefined;
      return { found: true, value: Array.isArray(only) ? only.length : matches.length };
    }
    default:
      return assertNever(subject);
  }
}

function notJson(facts: ResponseFacts): Resolved {
  return facts.jsonUnavailable === undefined ? NOT_JSON : { found: false, reason: facts.jsonUnavailable };
}

function resolveHeader(name: string, headers: ResponseFacts['headers']): Resolved {
  const wanted = name.toLowerCase();
  const key = Object.hasOwn(headers, wanted) ? wanted : Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const raw = key === undefined ? undefined : headers[key];
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    return { found: false, reason: 'the response has no such header' };
  }
  return { found: true, value: Array.isArray(raw) ? raw.join(', ') : raw };
}
