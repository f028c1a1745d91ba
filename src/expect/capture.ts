/**
 * Captures: values taken from a response (`capture: { userId: $.id, etag: header etag }`), each a subject of the
 * expectation language resolved against the response's facts.
 */
import type { Subject } from './expression.js';
import { resolveSubject, type ResponseFacts } from './subject-context.js';

export interface CaptureSpec {
  readonly name: string;
  readonly source: string;
  readonly subject: Subject;
}

export interface CaptureOutcome {
  readonly name: string;
  readonly source: string;
  readonly ok: boolean;
  readonly value?: unknown;
  /** Why it has no value, e.g. `$.id: it does not exist`. */
  readonly reason?: string;
}

/** Evaluates a step's captures against its response, in the order written. Pure. */
export function evaluateCaptures(specs: readonly CaptureSpec[], facts: ResponseFacts): CaptureOutcome[] {
  return specs.map((spec) => {
    try {
      const resolved = resolveSubject(spec.subject, facts);
      if (resolved.found) return { name: spec.name, source: spec.source, ok: true, value: resolved.value };
      return { name: spec.name, source: spec.source, ok: false, reason: `${spec.source}: ${resolved.reason}` };
    } catch (error) {
      return { name: spec.name, source: spec.source, ok: false, reason: `${spec.source}: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
}
