import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { suggest } from '../suggest.js';

export const IMPORT_DESCRIPTION = 'turn a curl command line, a Postman collection or a HAR file into a suite file';

const EXAMPLES = `
Examples:
  $ apitest import curl 'curl -X POST https://api.example.com/users -H "Content-Type: application/json" -d "{\\"name\\":\\"Ann\\"}"'
  $ pbpaste | apitest import curl -o users.yaml          (the command on stdin, e.g. "Copy as cURL")
  $ apitest import curl -o users.yaml -- curl -u ann https://api.example.com/me
  $ apitest import postman collection.json --environment dev.postman_environment.json -o api.yaml
  $ apitest import har session.har -o replay.yaml

The suite (YAML) goes to stdout, or to -o FILE. Every part of the input that has no suite equivalent is listed on
stderr with its position (curl argument, Postman item path, HAR entry); --strict makes that exit 1 and write
nothing. Credentials given in clear are not written into the suite: it reads them from environment variables
(named on stderr). Exit codes: 0 written, 1 --strict and something was not imported, 2 the input cannot be read.
Docs: docs/import.md`;

const KINDS = ['curl', 'postman', 'har'] as const;

/** `apitest import <curl|postman|har>`: commander definitions only; the importers load when the command runs. */
export function registerImportCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const command = program
    .command('import')
    .description(IMPORT_DESCRIPTION)
    .usage('<curl|postman|har> [input...] [options]')
    .argument('<kind>', 'curl, postman or har')
    .argument('[input...]', "curl: the command line (one argument, words after --, or stdin); postman, har: the file (- for stdin)")
    .option('-o, --output <file>', 'write the suite to this file (atomically) instead of stdout')
    .option('--strict', 'exit 1, writing nothing, when any part of the input cannot be imported')
    .option('-e, --environment <file>', 'postman: a Postman environment file whose variables join (and override) the collection\'s')
    .option('--no-color', 'no colours on stderr')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', EXAMPLES)
    .action(async (kind: string, input: string[], opts: Record<string, unknown>) => {
      if (!(KINDS as readonly string[]).includes(kind)) {
        const guess = suggest(kind, [...KINDS]);
        throw new UsageError(`import: unknown kind ${JSON.stringify(kind)}`, { hint: guess !== null ? `did you mean import ${guess}?` : 'use curl, postman or har' });
      }
      if (opts.environment !== undefined && kind !== 'postman') throw new UsageError(`import ${kind}: --environment is for import postman`);
      const { runImportCommand } = await import('../commands/import.js');
      setResult(await runImportCommand(kind as (typeof KINDS)[number], input, opts as unknown as Parameters<typeof runImportCommand>[2], io));
    });
  return void command;
}
