/**
 * RFC 9535 JSONPath, through `json-p3` (the only file that imports it):
 * a strict RFC 9535 implementation that passes the JSONPath Compliance
 * Test Suite, has no dependencies and runs on Node 20.
 */
import { compile } from 'json-p3';
import type { JSONValue } from 'json-p3';
import { UsageError } from '../errors.js';

export interface CompiledPath {
  /** The expression as written. */
  readonly source: string;
  /** The values of the nodes the query selects, in document order. */
  readonly select: (value: unknown) => unknown[];
}

/**
 * Compiled queries by path text: a suite compiles each path when it is loaded and evaluates it at every step
 * (and every capture), so each path is parsed once per run. Bounded, for paths built from interpolated text.
 */
const compiled = new Map<string, CompiledPath>();
const MAX_COMPILED = 1000;

/** Parses an RFC 9535 JSONPath query; a syntax or well-typedness error is a `UsageError` (not cached). */
export function compileJsonPath(path: string): CompiledPath {
  const cached = compiled.get(path);
  if (cached !== undefined) return cached;
  try {
    const query = compile(path);
    const result: CompiledPath = { source: path, select: (value) => query.query(value as JSONValue).values() };
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(path, result);
    return result;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`invalid JSONPath "${path}": ${reason}`, {
      hint: "JSONPath follows RFC 9535, e.g. $.items[0].id, $..name, $.items[?@.price < 10]",
      cause: error,
    });
  }
}

/** The values selected by `compiled` in `value` (may throw on pathological input, e.g. recursion limits). */
export function queryJsonPath(compiled: CompiledPath, value: unknown): unknown[] {
  return compiled.select(value);
}
