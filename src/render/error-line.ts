import type { ApitestError } from '../errors.js';
import type { Redactor } from '../redact/redactor.js';

/** The one-line error report: `apitest: error: <what> (hint: <how to fix>)`, masked; stack only with --debug. */
export function formatErrorLine(error: ApitestError, redactor: Redactor | null, debug: boolean): string {
  const text = `apitest: error: ${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  const masked = redactor ? redactor.text(text) : text;
  const cause = error.cause instanceof Error && error.cause.stack ? error.cause : error;
  const stack = debug && cause.stack ? `\n${cause.stack}` : '';
  return `${masked}${redactor && stack ? redactor.text(stack) : stack}\n`;
}

/** An unexpected (non-apitest) error: a bug. One line unless --debug. */
export function formatInternalError(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `apitest: error: internal error: ${message} (run with --debug for details, and please report it)${stack}\n`;
}
