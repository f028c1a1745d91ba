/**
 * `--input <file|->` → rows. The format is `--input-format`, else the file's extension (.csv, .tsv, .ndjson,
 * .jsonl), else what the input starts with: `[` is a JSON array, `{` (or any other JSON value) NDJSON, anything else
 * CSV. Bytes are streamed; the readers hold one row at a time.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from '../errors.js';
import { readNdjsonRows } from './read-ndjson.js';
import { readJsonArrayRows } from './read-json-array.js';
import type { ByteSource, InputFormat, RowItem } from './row.js';

export const INPUT_FORMATS: readonly InputFormat[] = ['ndjson', 'json', 'csv'];

export interface OpenedInput {
  readonly format: InputFormat;
  /** The delimiter of a CSV input (a tab for .tsv). */
  readonly delimiter: string;
  readonly rows: AsyncIterable<RowItem>;
  /** The file's absolute path; null for standard input. */
  readonly path: string | null;
}

/** Checks the file now (before anything is sent); the rows are read as the run asks for them. */
export async function openInput(input: string, format: InputFormat | null, cwd: string, stdin: () => Readable): Promise<OpenedInput> {
  let source: AsyncIterable<Buffer | string>;
  let path: string | null = null;
  let byName: InputFormat | null = null;
  let delimiter = ',';
  if (input === '-') source = stdin();
  else {
    path = resolve(cwd, input);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--input: cannot read ${JSON.stringify(input)}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { hint: 'give a file of rows (NDJSON, a JSON array or CSV), or - for standard input' });
    });
    if (info.isDirectory()) throw new UsageError(`--input: ${JSON.stringify(input)} is a directory`, { hint: 'give a file of rows' });
    const ext = extname(path).toLowerCase();
    byName = ext === '.csv' || ext === '.tsv' ? 'csv' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : null;
    if (ext === '.tsv') delimiter = '\t';
    source = createReadStream(path, { highWaterMark: 256 * 1024 });
  }
  let chosen = format ?? byName;
  if (chosen === null) {
    const sniffed = await sniff(source);
    source = sniffed.source;
    chosen = sniffed.format;
  }
  return { format: chosen, delimiter, path, rows: rowsOf(chosen, source, delimiter) };
}

function rowsOf(format: InputFormat, source: ByteSource, delimiter: string): AsyncIterable<RowItem> {
  switch (format) {
    case 'ndjson':
      return readNdjsonRows(source);
    case 'json':
      return readJsonArrayRows(source);
    case 'csv':
      return {
        [Symbol.asyncIterator]: () => lazyCsv(source, delimiter),
      };
  }
}

async function* lazyCsv(source: ByteSource, delimiter: string): AsyncGenerator<RowItem> {
  // csv-parse is loaded only for CSV input.
  const { readCsvRows } = await import('./read-csv.js');
  yield* readCsvRows(source, delimiter);
}

/** Reads up to the first byte that is not blank, and gives a source that yields everything from the start again. */
async function sniff(source: AsyncIterable<Buffer | string>): Promise<{ format: InputFormat; source: AsyncIterable<Buffer | string> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Array<Buffer | string> = [];
  let first: number | null = null;
  for (let bytes = 0; first === null && bytes < 1024 * 1024; ) {
    const next = await iterator.next();
    if (next.done === true) break;
    seen.push(next.value);
    const buf = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    bytes += buf.length;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] as number;
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || (bytes - buf.length === 0 && i < 3 && [0xef, 0xbb, 0xbf][i] === b)) continue;
      first = b;
      break;
    }
  }
  const format: InputFormat = first === 0x5b ? 'json' : first === null || first === 0x7b || first === 0x22 || (first >= 0x30 && first <= 0x39) || first === 0x2d ? 'ndjson' : 'csv';
  async function* replay(): AsyncGenerator<Buffer | string> {
    yield* seen;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return { format, source: replay() };
}
