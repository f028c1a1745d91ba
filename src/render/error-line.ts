import { ERROR_KINDS, type ErrorKind } from '../errors.js';

/** What the one error line says: already masked by whoever built it. */
export interface ErrorLine {
  readonly kind: ErrorKind;
  readonly message: string;
  /** How to fix it; null falls back to the kind's default hint (errors.ts), if it has one. */
  readonly hint: string | null;
  /** The error behind it, whose stack `--debug` shows (already source-mapped and masked, see below). */
  readonly stack: string | null;
}

/**
 * The one-line error report every command uses: `apitest: error: <what happened> (<hint>)`; the stack of the
 * error behind it follows only with --debug.
 */
export function renderErrorLine(error: ErrorLine, debug: boolean): string {
  const hint = error.hint ?? ERROR_KINDS[error.kind].defaultHint;
  const stack = debug && error.stack !== null ? `\n${error.stack}` : '';
  return `apitest: error: ${error.message}${hint ? ` (${hint})` : ''}${stack}\n`;
}
