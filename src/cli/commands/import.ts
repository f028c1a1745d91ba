/**
 * `apitest import curl|postman|har`: reads the input (an argument, a file, or stdin), converts it to a suite with
 * the pure importers of src/import/, writes the suite as YAML (stdout, or `-o FILE` atomically), and lists on stderr
 * every part of the input that was not imported. Exit 0; 1 with `--strict` when anything was not imported (then
 * nothing is written); 2 for input that is not what the command reads.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.js';
import { prepareOutputTarget, writeOutputFile } from '../../files/output-target.js';
import type { ImportResult } from '../../import/findings.js';
import { InputTooLargeError, type Io } from '../../io.js';
import { readWholeFile } from '../../files/read-bounded.js';
import { unreadableReason } from '../../util/unreadable-reason.js';
import { renderImportFindings, renderImportSummary } from '../../render/import-findings.js';
import { printDiagnostic, printReport } from '../../render/output.js';
import { colorLevel, createTheme } from '../../render/theme.js';
import { OK, type CommandResult } from '../command-result.js';

export type ImportKind = 'curl' | 'postman' | 'har';

export interface RawImportOptions {
  output?: string;
  strict?: boolean;
  environment?: string;
  color: boolean;
}

/** The longest input file read (a HAR of a long browser session can be large; a suite of it is still text). */
const MAX_INPUT = 256 * 1024 * 1024;

export async function runImportCommand(kind: ImportKind, args: readonly string[], raw: RawImportOptions, io: Io): Promise<CommandResult> {
  const cwd = io.cwd;
  const outputPath = raw.output === undefined || raw.output === '-' ? null : raw.output;
  // Relative file paths of the suite (form files) are relative to the suite file's directory.
  const suiteDir = outputPath === null ? cwd : dirname(resolve(cwd, outputPath));
  const suitePath = (path: string): string => {
    if (isAbsolute(path)) return path;
    const rel = relative(suiteDir, resolve(cwd, path));
    return rel === '' ? path : rel.split('\\').join('/');
  };

  let result: ImportResult;
  let source: string;
  switch (kind) {
    case 'curl': {
      const text = args.length > 1 ? args.map(shellQuote).join(' ') : args.length === 1 && args[0] !== '-' ? (args[0] as string) : await readStdinText(io);
      const { importCurl } = await import('../../import/from-curl.js');
      result = importCurl(text, {
        // A file the command names (-d @file): a regular file up to MAX_INPUT, else not read (the data is left
        // out, with a note), so `-d @/dev/zero` is not read until memory runs out.
        readFile: (path) => {
          try {
            const full = resolve(cwd, path);
            const stat = statSync(full);
            return stat.isFile() && stat.size <= MAX_INPUT ? readFileSync(full) : null;
          } catch {
            return null;
          }
        },
        // A -F file: whether the suite will be able to read it (it reads it when it runs), not its bytes.
        readable: (path) => {
          try {
            const full = resolve(cwd, path);
            accessSync(full, constants.R_OK);
            return !statSync(full).isDirectory();
          } catch {
            return false;
          }
        },
        formFilePath: suitePath,
      });
      source = 'a curl command';
      break;
    }
    case 'postman': {
      const file = requireInput(args, 'postman', 'collection.json');
      const text = await readInput(file, io, 'the collection');
      const environment = raw.environment === undefined ? null : await readInput(raw.environment, io, '--environment');
      const [{ importPostman }, { AuthSchema }] = await Promise.all([import('../../import/from-postman.js'), import('../../suite/suite-schema.js')]);
      // Suites gain auth.oauth2 in another change: map Postman's OAuth2 only when this build's schema accepts it.
      const supportsOAuth2 = AuthSchema.safeParse({ oauth2: { tokenUrl: 'https://auth.example.com/token', clientId: 'id', clientSecret: 'secret' } }).success;
      result = importPostman(text, {
        environment,
        supportsOAuth2,
        formFile: (src) => ({ path: suitePath(src), exists: existsSync(resolve(cwd, src)) }),
      });
      source = file === '-' ? 'a Postman collection' : `the Postman collection ${file}`;
      break;
    }
    case 'har': {
      const file = requireInput(args, 'har', 'file.har');
      const text = await readInput(file, io, 'the HAR file');
      const { importHar } = await import('../../import/from-har.js');
      result = importHar(text);
      source = file === '-' ? 'a HAR file' : `the HAR file ${file}`;
      break;
    }
  }

  const theme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env: io.env }));
  printDiagnostic(io, renderImportFindings(result.findings, theme));
  const unmapped = result.findings.filter((f) => f.severity === 'unmapped').length;
  if (raw.strict === true && unmapped > 0) {
    return {
      exitCode: ExitCode.Expectation,
      error: {
        kind: 'expectation',
        message: `${unmapped} part${unmapped === 1 ? '' : 's'} of the input could not be imported (--strict); nothing was written`,
        hint: 'see the warnings above; without --strict the suite is written without them',
        stack: null,
      },
    };
  }
  const { suiteYaml } = await import('../../import/suite-yaml.js');
  const yaml = suiteYaml(result.suite, source);
  if (outputPath === null) printReport(io, yaml);
  else await writeOutputFile(await prepareOutputTarget(outputPath, cwd, '-o'), yaml);
  printDiagnostic(io, renderImportSummary({ steps: result.suite.steps.length, unmapped, output: outputPath }, theme));
  return OK;
}

function requireInput(args: readonly string[], kind: string, example: string): string {
  const [file, ...rest] = args;
  if (file === undefined) throw new UsageError(`import ${kind}: missing the file to import`, { hint: `apitest import ${kind} ${example} (or - for stdin)` });
  if (rest.length > 0) throw new UsageError(`import ${kind}: one file at a time (got ${args.length})`, { hint: `apitest import ${kind} ${example}` });
  return file;
}

/** Standard input, whole, up to MAX_INPUT. */
async function readStdinBounded(io: Io): Promise<Buffer> {
  try {
    return await io.readStdin(MAX_INPUT);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError('standard input is larger than 256 MB, the most apitest import reads', { hint: 'nothing was imported' });
    throw error;
  }
}

async function readStdinText(io: Io): Promise<string> {
  const bytes = await readStdinBounded(io);
  if (bytes.length === 0) throw new UsageError('import curl: no curl command given', { hint: "give it as one argument (apitest import curl 'curl https://…'), after -- as words, or on stdin" });
  return bytes.toString('utf8');
}

async function readInput(path: string, io: Io, what: string): Promise<string> {
  if (path === '-') return (await readStdinBounded(io)).toString('utf8');
  try {
    return (await readWholeFile(resolve(io.cwd, path), MAX_INPUT)).toString('utf8');
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError(`${what} ${JSON.stringify(path)} is larger than 256 MB, the most apitest import reads`, { hint: 'nothing was imported' });
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${unreadableReason(error)}`, { hint: 'check the path' });
  }
}

/** Words given after `--` (already split by the shell) as one command line again. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
