import { describe, expect, test } from '@jest/globals';
import { readNdjsonRows } from '../../src/batch/read-ndjson.js';
import { BadInputError, readJsonArrayRows } from '../../src/batch/read-json-array.js';
import { readCsvRows } from '../../src/batch/read-csv.js';
import type { RowItem } from '../../src/batch/row.js';

/** The text as a byte source cut into pieces of `size` bytes (a row may straddle any cut). */
function chunks(text: string, size = 7): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function collect(rows: AsyncIterable<RowItem>): Promise<RowItem[]> {
  const out: RowItem[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('NDJSON rows', () => {
  test('one value per line; blank lines, CRLF and a BOM are no rows; numbering from 1', async () => {
    const rows = await collect(readNdjsonRows(chunks('\uFEFF{"id":1}\r\n\n  \n{"id":2}\n[3]\n"four"')));
    expect(rows.map((r) => [r.kind, r.index, r.line])).toEqual([
      ['row', 1, 1],
      ['row', 2, 4],
      ['row', 3, 5],
      ['row', 4, 6],
    ]);
    expect(rows.map((r) => (r.kind === 'row' ? plain(r.value) : null))).toEqual([{ id: 1 }, { id: 2 }, [3], 'four']);
  });

  test('a line that is not JSON is an invalid row, and reading goes on', async () => {
    const rows = await collect(readNdjsonRows(chunks('{"id":1}\n{oops\n{"id":3}\n')));
    expect(rows.map((r) => r.kind)).toEqual(['row', 'invalid', 'row']);
    expect(rows[1]).toMatchObject({ index: 2, line: 2 });
    expect(rows[1]?.kind === 'invalid' && rows[1].problem).toMatch(/^not JSON/);
  });

  test('__proto__ and constructor are plain keys of a null-prototype row', async () => {
    const [row] = await collect(readNdjsonRows(['{"__proto__":{"polluted":1},"constructor":"c"}\n']));
    expect(row?.kind).toBe('row');
    const value = (row as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(value.constructor).toBe('c');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a row nested too deep is invalid, not a stack overflow', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const rows = await collect(readNdjsonRows([`${deep}\n{"ok":1}\n`]));
    expect(rows.map((r) => r.kind)).toEqual(['invalid', 'row']);
  });

  test('a last line without a newline is a row', async () => {
    const rows = await collect(readNdjsonRows(['{"a":1}\n{"a":', '2}']));
    expect(rows.map((r) => (r.kind === 'row' ? plain(r.value) : r.kind))).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('JSON array rows', () => {
  const text = '[\n {"id":1,"s":"a,]}[{\\"q"},\n  {"id":2, "n":[1,[2,{"x":"]"}]]},\n 3, "four", null\n]\n';
  test.each([1, 2, 3, 5, 8, 64])('elements are read whatever the chunk size (%i bytes)', async (size) => {
    const rows = await collect(readJsonArrayRows(chunks(text, size)));
    expect(rows.map((r) => (r.kind === 'row' ? plain(r.value) : r.kind))).toEqual([{ id: 1, s: 'a,]}[{"q' }, { id: 2, n: [1, [2, { x: ']' }]] }, 3, 'four', null]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 4, 4]);
  });

  test('an element that is not JSON is one invalid row; the next is read', async () => {
    const rows = await collect(readJsonArrayRows(['[{"a":1}, {b:2}, {"c":3}]']));
    expect(rows.map((r) => r.kind)).toEqual(['row', 'invalid', 'row']);
    expect(rows[1]?.index).toBe(2);
  });

  test('input that is not an array is bad input; an empty array or empty input has no rows', async () => {
    await expect(collect(readJsonArrayRows(['{"a":1}']))).rejects.toBeInstanceOf(BadInputError);
    expect(await collect(readJsonArrayRows(['  [ ]  ']))).toEqual([]);
    expect(await collect(readJsonArrayRows([]))).toEqual([]);
  });

  test('a file cut off inside an element ends with that element as an invalid row; a trailing comma is allowed', async () => {
    expect((await collect(readJsonArrayRows(['[{"a":1},{"b":']))).map((r) => r.kind)).toEqual(['row', 'invalid']);
    expect((await collect(readJsonArrayRows(['[1,2,]']))).map((r) => r.kind)).toEqual(['row', 'row']);
    expect((await collect(readJsonArrayRows(['[1] x']))).map((r) => r.kind)).toEqual(['row', 'invalid']);
  });
});

describe('CSV rows', () => {
  const csv = async (text: string, size = 5, delimiter = ','): Promise<RowItem[]> => collect(readCsvRows(chunks(text, size), delimiter));
  const values = (rows: RowItem[]): unknown[] => rows.map((r) => (r.kind === 'row' ? plain(r.value) : { invalid: r.index, line: r.line }));

  test('the header names the fields; quotes hold commas, "" and line breaks; line endings may be mixed', async () => {
    const rows = await csv('\uFEFFid,name,note\r\n1,"Ann, A.","said ""hi""\nthen left"\n2,Bob,\r\n\n3,Cid,x\r');
    expect(values(rows)).toEqual([
      { id: '1', name: 'Ann, A.', note: 'said "hi"\nthen left' },
      { id: '2', name: 'Bob', note: '' },
      { id: '3', name: 'Cid', note: 'x' },
    ]);
    expect(rows.map((r) => r.index)).toEqual([1, 2, 3]);
  });

  test('a record with the wrong number of fields, or a malformed quote, is an invalid row; the next is read', async () => {
    const rows = await csv('a,b\n1,2\n3\n4,5,6\nx"y,7\n8,9\n');
    expect(values(rows)).toEqual([{ a: '1', b: '2' }, { invalid: 2, line: 3 }, { invalid: 3, line: 4 }, { invalid: 4, line: 5 }, { a: '8', b: '9' }]);
  });

  test('__proto__ and constructor columns are plain fields', async () => {
    const [row] = await csv('__proto__,constructor,toString\np,c,t\n');
    const value = (row as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.entries(value)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
  });

  test('a header with an empty or repeated name is bad input', async () => {
    await expect(csv('a,,b\n1,2,3\n')).rejects.toBeInstanceOf(BadInputError);
    await expect(csv('a,b,a\n1,2,3\n')).rejects.toThrow(/names "a" twice/);
  });

  test('tab-separated values with a tab delimiter', async () => {
    expect(values(await csv('a\tb\n1\t2,3\n', 4, '\t'))).toEqual([{ a: '1', b: '2,3' }]);
  });
});
