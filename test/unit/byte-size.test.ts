import { describe, expect, test } from '@jest/globals';
import { parseByteSize } from '../../src/util/byte-size.js';

describe('parseByteSize (binary units: 1kb = 1024 bytes)', () => {
  test.each([
    ['1024', 1024],
    ['0', 0],
    ['10b', 10],
    ['512kb', 512 * 1024],
    ['1k', 1024],
    ['1KiB', 1024],
    ['1mb', 1024 ** 2],
    ['1MB', 1024 ** 2],
    ['2MiB', 2 * 1024 ** 2],
    ['1.5mb', 1.5 * 1024 ** 2],
    ['1gb', 1024 ** 3],
    ['1 GB', 1024 ** 3],
    ['1tb', 1024 ** 4],
    ['1.5', 1],
  ])('%j -> %j', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  test.each(['', '-1kb', 'mb', '1xb', '1 m b', 'lots', '1e6', '1kb2'])('rejects %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });

  // Found by the property tests (test/property/sizes.property.test.ts): `\s*` on both sides of an optional unit
  // backtracked quadratically over a long run of blanks before a stray character (100,000 blanks: ~6 s).
  test('a long run of blanks before a stray character is refused at once', () => {
    const started = performance.now();
    expect(parseByteSize(`1${' '.repeat(100_000)}!`)).toBeUndefined();
    expect(parseByteSize(`\t0.12${' '.repeat(100_000)}\u0003MB`)).toBeUndefined();
    expect(parseByteSize(`  1${' '.repeat(100_000)}kb  `)).toBe(1024);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
