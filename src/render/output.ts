/**
 * The only code that writes to the process's standard streams (test/unit/boundaries.test.ts checks that nothing
 * outside render/ does). Two channels, as curl keeps them: the data channel carries what the user asked to
 * receive, exactly as received; the report channel carries reports, notes and the one error line.
 */
import type { Io } from '../io.js';
import { renderErrorLine, type ErrorLine } from './error-line.js';

/** A report for people or programs (table, JSON document, suite reporters) on stdout. */
export function printReport(io: Io, text: string): void {
  io.stdout.write(text);
}

/** What the user asked to receive (`--format body`, NDJSON items), untouched, on stdout. */
export function printData(io: Io, chunk: string | Uint8Array): void {
  io.stdout.write(chunk);
}

/** Notes, warnings, `-v` wire dumps and problem lists on stderr. */
export function printDiagnostic(io: Io, text: string): void {
  io.stderr.write(text);
}

/** The one error line of a failed run, on stderr. */
export function printErrorLine(io: Io, error: ErrorLine, debug: boolean): void {
  io.stderr.write(renderErrorLine(error, debug));
}
