/**
 * What a row reader yields: a row of the input (its 1-based number, the line it ends on, its value with keys in
 * null-prototype objects, and its text as read, which its identity is derived from), or a row that could not be
 * read (a line that is not JSON, a CSV record with the wrong number of fields), with the reason.
 */
export interface Row {
  readonly kind: 'row';
  /** 1-based: the first data row is 1 (a CSV header line is not a row). The numbers `--rows` takes. */
  readonly index: number;
  /** The line of the input the row ends on (1-based). */
  readonly line: number;
  /** The row: objects are null-prototype (a `__proto__` or `constructor` key is a plain key). */
  readonly value: unknown;
  /** The row's text as read (an NDJSON line, a JSON array element, a CSV record as a JSON array of its fields). */
  readonly text: string;
}

export interface InvalidRow {
  readonly kind: 'invalid';
  readonly index: number;
  readonly line: number;
  /** Why the row cannot be read, e.g. `not JSON: Unexpected token`. */
  readonly problem: string;
  /** The row's text as read (cut to a few hundred characters), for its identity. */
  readonly text: string;
}

export type RowItem = Row | InvalidRow;

export type InputFormat = 'ndjson' | 'json' | 'csv';

/** Bytes of input, as a file or standard input gives them. */
export type ByteSource = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/** The longest row accepted (an NDJSON line, a JSON array element): a longer one is an invalid row. */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;
