import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { colorLevel, type ColorLevel } from '../../render/theme.js';
import type { RawOutputOptions } from '../flags/output-flags.js';

type RawViewOptions = RawOutputOptions & { ndjson?: boolean };

export type OutputFormat = 'table' | 'json' | 'body';

/** How to print, decided once from flags, env and TTY state. */
export interface OutputView {
  format: OutputFormat;
  color: ColorLevel;
  /** Colours for stderr (verbose, warnings, errors). */
  errColor: ColorLevel;
  verbose: boolean;
  showSecrets: boolean;
  fail: boolean;
  debug: boolean;
  outputFile: string | null;
  /** Cut long bodies on a TTY. */
  maxBodyLines: number | null;
  columns: number | null;
  placeholderTimings: boolean;
  spinner: boolean;
  /** `--ndjson` (paginated runs): one item per line. */
  ndjson: boolean;
}

const TTY_BODY_LINES = 200;

export function decideOutputView(raw: RawViewOptions, io: Io): OutputView {
  if (raw.json === true && raw.format !== undefined && raw.format !== 'json') {
    throw new UsageError(`--json and --format ${raw.format} disagree`, { hint: 'give one of them' });
  }
  // `-o -` writes the body to stdout, as curl does: the same as --format body (the report goes nowhere).
  if (raw.output === '-' && (raw.json === true || (raw.format !== undefined && raw.format !== 'body'))) {
    throw new UsageError(`-o - writes the body to stdout, and so would ${raw.json === true ? '--json' : `--format ${raw.format}`}`, { hint: 'drop one of them, or give -o a file' });
  }
  if (raw.format === 'body' && raw.output !== undefined && raw.output !== '-') {
    throw new UsageError('--format body and -o FILE both ask for the body', { hint: 'use -o FILE (the report stays on stdout), or --format body (or -o -) for stdout' });
  }
  const format: OutputFormat = raw.json === true ? 'json' : raw.output === '-' ? 'body' : ((raw.format as OutputFormat | undefined) ?? 'table');
  const stdoutTTY = io.stdout.isTTY === true;
  const stderrTTY = io.stderr.isTTY === true;
  return {
    format,
    color: colorLevel({ flag: raw.color, isTTY: stdoutTTY, env: io.env }),
    errColor: colorLevel({ flag: raw.color, isTTY: stderrTTY, env: io.env }),
    verbose: raw.verbose === true,
    showSecrets: raw.showSecrets === true,
    fail: raw.fail,
    debug: raw.debug === true,
    outputFile: raw.output === undefined || raw.output === '-' ? null : raw.output,
    maxBodyLines: stdoutTTY ? TTY_BODY_LINES : null,
    columns: stdoutTTY ? (io.stdout.columns ?? 100) : null,
    placeholderTimings: io.env.APITEST_PLACEHOLDER_TIMINGS === '1',
    // (A terminal that reports no width gets no spinner: ora cannot lay out a line in 0 columns.)
    spinner: stderrTTY && (io.stderr.columns ?? 0) > 0 && (io.env.CI === undefined || io.env.CI === '') && !raw.verbose,
    ndjson: raw.ndjson === true,
  };
}
