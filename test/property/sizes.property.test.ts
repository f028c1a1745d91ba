import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseByteSize } from '../../src/util/byte-size.js';
import { blank, checkProperty, hostileText, mutated, outcome, PROPERTY_TIMEOUT_MS, timed, withLongRun } from './fuzz.js';

const PARSER = 'sizes';
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['', 1],
  ['b', 1],
  ['k', 1024],
  ['kb', 1024],
  ['kib', 1024],
  ['m', 1024 ** 2],
  ['mb', 1024 ** 2],
  ['mib', 1024 ** 2],
  ['g', 1024 ** 3],
  ['gb', 1024 ** 3],
  ['gib', 1024 ** 3],
  ['t', 1024 ** 4],
  ['tb', 1024 ** 4],
  ['tib', 1024 ** 4],
];

/** `512kb`, ` 1.5 MiB `, `1024`: the text, and the bytes as a whole number and 1/8 fractions (exact in binary). */
const validSize = fc
  .record({
    whole: fc.nat({ max: 4096 }),
    eighths: fc.nat({ max: 7 }),
    unit: fc.constantFrom(...UNITS).chain(([name, factor]) => fc.mixedCase(fc.constant(name)).map((text) => ({ text, factor }))),
    before: blank,
    gap: blank,
    after: blank,
  })
  .map(({ whole, eighths, unit, before, gap, after }) => ({
    text: `${before}${whole}${eighths === 0 ? '' : `.${String(eighths * 125).padStart(3, '0')}`}${gap}${unit.text}${after}`,
    bytes: Math.floor((whole + eighths / 8) * unit.factor),
  }));

const sizeText = fc.oneof(validSize.map((s) => s.text), mutated(validSize.map((s) => s.text)), withLongRun(validSize.map((s) => s.text)), hostileText);

describe('property: sizes (parseByteSize: --max-body, suite maxBody, webhook listen --max-body)', () => {
  test(
    'a valid size reads as its whole bytes',
    async () => {
      await checkProperty(
        PARSER,
        'valid text → bytes',
        validSize, ({ text, bytes }) => {
          expect(timed('parseByteSize', () => parseByteSize(text))).toBe(bytes);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any text: a safe whole number of bytes >= 0, or undefined; never a throw; fast',
    async () => {
      await checkProperty(
        PARSER,
        'any text → bytes or undefined',
        sizeText, (text) => {
          const result = outcome('parseByteSize', [], () => parseByteSize(text));
          if (result.ok && result.value !== undefined) {
            expect(Number.isSafeInteger(result.value)).toBe(true);
            expect(result.value).toBeGreaterThanOrEqual(0);
          }
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
