/**
 * Property tests of the batch parsers of user input: the --rows list and the three row readers. Runs per property:
 * FUZZ_RUNS (default 500).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ciSeedOnce } from '../property/fuzz.js';
import { parseRowSelection } from '../../src/batch/row-selection.js';
import { readNdjsonRows } from '../../src/batch/read-ndjson.js';
import { readJsonArrayRows } from '../../src/batch/read-json-array.js';
import { readCsvRows } from '../../src/batch/read-csv.js';
import type { RowItem } from '../../src/batch/row.js';
import { UsageError } from '../../src/errors.js';

// In CI (`CI` set, FUZZ_RUNS not), one fixed seed, as the property tests of test/property (fuzz.ts): a CI run is
// reproducible and cannot turn red on a newly drawn input.
ciSeedOnce();

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

async function collect(rows: AsyncIterable<RowItem>): Promise<RowItem[]> {
  const out: RowItem[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Cuts bytes at the given points (any cut: inside a character, a quote, an escape). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out.filter((b) => b.length > 0);
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('--rows', () => {
  const range = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.oneof(fc.constant('single'), fc.constant('open'), fc.integer({ min: 0, max: 50 })));
  test('has(i) is exactly "i is in one of the ranges written"', () => {
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom('', ' '), { minLength: 16, maxLength: 16 }), (ranges, blanks) => {
        const text = ranges.map(([first, kind], i) => `${blanks[i] ?? ''}${kind === 'single' ? first : kind === 'open' ? `${first}-` : `${first}-${first + kind}`}${blanks[i + 8] ?? ''}`).join(',');
        const selection = parseRowSelection(text);
        const inside = (i: number): boolean => ranges.some(([first, kind]) => (kind === 'single' ? i === first : kind === 'open' ? i >= first : i >= first && i <= first + kind));
        const all = Array.from({ length: 400 }, (_, i) => i + 1);
        expect(all.filter((i) => selection.has(i))).toEqual(all.filter(inside));
        const open = ranges.some(([, kind]) => kind === 'open');
        expect(selection.last).toBe(open ? null : Math.max(...ranges.map(([first, kind]) => (kind === 'single' ? first : first + (kind as number)))));
      }),
      { numRuns: RUNS },
    );
  });

  test('anything else is a usage error, never a crash or a silent selection', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        try {
          const s = parseRowSelection(text);
          // What parses is made of digits, ranges, commas and blanks only, and selects from 1.
          expect(text).toMatch(/^[\d\s,-]+$/);
          expect(s.has(0)).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('row readers read back what was written, however the bytes are cut', () => {
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a"b', 'é,x'));
  const value = fc.jsonValue({ maxDepth: 3 });
  const object = fc.dictionary(key, value, { maxKeys: 5 });
  const rows = fc.array(fc.oneof(object, value), { maxLength: 12 });
  const cuts = fc.array(fc.nat(), { maxLength: 10 });

  test('NDJSON', async () => {
    await fc.assert(
      fc.asyncProperty(rows, cuts, fc.constantFrom('\n', '\r\n'), async (values, points, eol) => {
        const bytes = Buffer.from(values.map((v) => JSON.stringify(v)).join(eol) + eol, 'utf8');
        const read = await collect(readNdjsonRows(cut(bytes, points)));
        expect(read.every((r) => r.kind === 'row')).toBe(true);
        expect(read.map((r) => (r.kind === 'row' ? plain(r.value) : null))).toEqual(values.map(plain));
        expect(read.map((r) => r.index)).toEqual(values.map((_, i) => i + 1));
      }),
      { numRuns: RUNS },
    );
  });

  test('JSON array', async () => {
    await fc.assert(
      fc.asyncProperty(rows, cuts, fc.boolean(), async (values, points, pretty) => {
        const bytes = Buffer.from(JSON.stringify(values, null, pretty ? 2 : undefined), 'utf8');
        const read = await collect(readJsonArrayRows(cut(bytes, points)));
        expect(read.map((r) => (r.kind === 'row' ? plain(r.value) : r.kind))).toEqual(values.map(plain));
      }),
      { numRuns: RUNS },
    );
  });

  test('CSV', async () => {
    const field = fc.string({ maxLength: 10 }).map((s) => s.replace(/\r/g, ''));
    const name = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== '' && !s.includes('\r'));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), fc.array(fc.array(field, { minLength: 5, maxLength: 5 }), { maxLength: 10 }), cuts, async (header, records, points) => {
        const quote = (f: string): string => `"${f.replace(/"/g, '""')}"`;
        const lines = [header, ...records.map((r) => r.slice(0, header.length))].map((r) => r.map(quote).join(','));
        const bytes = Buffer.from(`${lines.join('\r\n')}\n`, 'utf8');
        const read = await collect(readCsvRows(cut(bytes, points)));
        // Compared as sorted entries: JavaScript lists integer-like keys ("0") first in any object.
        const sorted = (entries: Array<[string, unknown]>): Array<[string, unknown]> => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const expected = records.map((r) => sorted(header.map((h, i): [string, unknown] => [h, r[i]])));
        expect(read.map((r) => (r.kind === 'row' ? sorted(Object.entries(r.value as object)) : r))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
