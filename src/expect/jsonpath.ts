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

/** Parses an RFC 9535 JSONPath query; a syntax or well-typedness error is a `UsageError`. */
export function compileJsonPath(path: string): CompiledPath {
  try {
    const query = compile(path);
    return { source: path, select: (value) => query.query(value as JSONValue).values() };
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
