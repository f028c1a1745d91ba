/**
 * What every command hands back to main: its exit code and the one error line to print, if any. Commands never
 * print their error themselves; main prints it (render/output.ts), so each failure is reported exactly once.
 */
import { ApitestError, ExitCode, exitCodeOf } from '../errors.js';
import type { Redactor } from '../redact/redactor.js';
import type { ErrorLine } from '../render/error-line.js';
import type { FailureRecord } from '../result/record.js';

export interface CommandResult {
  readonly exitCode: number;
  readonly error: ErrorLine | null;
}

export const OK: CommandResult = { exitCode: ExitCode.Ok, error: null };

export function exitWith(exitCode: number): CommandResult {
  return { exitCode, error: null };
}

/** A settled run's failure (already masked) as the command's result. */
export function failedWith(failure: FailureRecord): CommandResult {
  return { exitCode: failure.exitCode, error: { kind: failure.kind, message: failure.message, hint: failure.hint, stack: stackOf(failure.cause) } };
}

/** Any error that reached main: an apitest error keeps its kind; anything else is an internal error (a bug). */
export function resultOfError(error: unknown, redactor: Redactor | null = null): CommandResult {
  const mask = (text: string): string => (redactor === null ? text : redactor.text(text));
  if (error instanceof ApitestError) {
    const stack = stackOf(error);
    return {
      exitCode: exitCodeOf(error.kind),
      error: { kind: error.kind, message: mask(error.message), hint: error.hint === undefined ? null : mask(error.hint), stack: stack === null ? null : mask(stack) },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = stackOf(error);
  return { exitCode: ExitCode.Internal, error: { kind: 'internal', message: `internal error: ${mask(message)}`, hint: null, stack: stack === null ? null : mask(stack) } };
}

/** The error's stack, then its cause's (e.g. the got error behind a connection failure). */
function stackOf(error: unknown): string | null {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return null;
  const cause = error.cause instanceof Error && typeof error.cause.stack === 'string' ? `\nCaused by: ${error.cause.stack}` : '';
  return `${error.stack}${cause}`;
}
