/**
 * CSV rows (RFC 4180 with the usual quirks): the first record is the header, naming the fields; each later record
 * is a row, an object from header name to field text (null-prototype, so a `__proto__` or `constructor` column is
 * an ordinary field). Quoted fields may hold commas, quotes ("") and line breaks; LF, CRLF and CR line endings
 * may be mixed; a UTF-8 byte order mark is dropped; blank lines are not rows. A record with more or fewer fields
 * than the header, and a malformed quote, are invalid rows (reported with their row and line number); reading
 * goes on with the next record. A header with an empty or repeated name is bad input.
 *
 * The parser is csv-parse (streaming), loaded only when a CSV input is read.
 */
import { Readable } from 'node:stream';
import type { ByteSource, RowItem } from './row.js';
import { BadInputError } from './read-json-array.js';

interface Skipped {
  line: number;
  problem: string;
}

export async function* readCsvRows(source: ByteSource, delimiter = ','): AsyncGenerator<RowItem> {
  const { parse } = await import('csv-parse');
  const skipped: Skipped[] = [];
  const parser = parse({
    bom: true,
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    // Called as the parser meets a malformed record, before it reads on: kept in order with the records.
    on_skip: (error: Error & { lines?: number } | undefined) => {
      if (error !== undefined) skipped.push({ line: error.lines ?? 0, problem: csvProblem(error) });
    },
  });
  const input = Readable.from(source).pipe(parser);
  let header: string[] | null = null;
  let index = 0;
  const invalid = (s: Skipped): RowItem => {
    index++;
    return { kind: 'invalid', index, line: s.line, problem: s.problem, text: '' };
  };
  for await (const item of input as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { record, info } = item;
    // Malformed records met before this one (they end on earlier lines) come first.
    while (skipped.length > 0 && (skipped[0] as Skipped).line < info.lines) {
      const s = skipped.shift() as Skipped;
      if (header === null) throw new BadInputError(`the CSV header (line ${s.line}) cannot be read: ${s.problem}`);
      yield invalid(s);
    }
    if (header === null) {
      header = checkHeader(record, info.lines);
      continue;
    }
    index++;
    const text = JSON.stringify(record);
    if (record.length !== header.length) {
      yield { kind: 'invalid', index, line: info.lines, problem: `${record.length} field${record.length === 1 ? '' : 's'}, but the header has ${header.length}`, text };
      continue;
    }
    const value = Object.create(null) as Record<string, string>;
    for (let i = 0; i < header.length; i++) value[header[i] as string] = record[i] as string;
    yield { kind: 'row', index, line: info.lines, value, text };
  }
  for (const s of skipped) {
    if (header === null) throw new BadInputError(`the CSV header (line ${s.line}) cannot be read: ${s.problem}`);
    yield invalid(s);
  }
}

function checkHeader(record: string[], line: number): string[] {
  const seen = new Set<string>();
  record.forEach((name, i) => {
    if (name.trim() === '') throw new BadInputError(`the CSV header (line ${line}) has an empty name for field ${i + 1}`);
    if (seen.has(name)) throw new BadInputError(`the CSV header (line ${line}) names ${JSON.stringify(name)} twice`);
    seen.add(name);
  });
  return record;
}

function csvProblem(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed (it runs to the end of the input)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a quoted field is not doubled ("")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote in the middle of an unquoted field';
    default:
      return error.message;
  }
}
