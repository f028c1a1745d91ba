import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { parseShard, selectShard } from '../../src/suite/shard.js';

describe('parseShard', () => {
  test.each([
    ['1/1', { index: 1, total: 1 }],
    ['2/4', { index: 2, total: 4 }],
    [' 3 / 3 ', { index: 3, total: 3 }],
  ])('%s', (text, shard) => expect(parseShard(text)).toEqual(shard));

  test.each(['0/2', '3/2', '1/0', 'a/b', '1', '1/2/3', '-1/2', '1.5/2'])('%s is a usage error', (text) => {
    expect(() => parseShard(text)).toThrow(UsageError);
  });
});

describe('selectShard', () => {
  const files = ['b.yaml', 'a.yaml', 'd/e.yaml', 'c.json', 'B.yaml', 'a-b.yaml', 'a/z.yaml'];

  test('sorts by code units (locale-independent) without a shard', () => {
    expect(selectShard(files, null)).toEqual(['B.yaml', 'a-b.yaml', 'a.yaml', 'a/z.yaml', 'b.yaml', 'c.json', 'd/e.yaml']);
  });

  test('contiguous slices whose sizes differ by at most one', () => {
    expect(selectShard(files, { index: 1, total: 3 })).toEqual(['B.yaml', 'a-b.yaml']);
    expect(selectShard(files, { index: 2, total: 3 })).toEqual(['a.yaml', 'a/z.yaml']);
    expect(selectShard(files, { index: 3, total: 3 })).toEqual(['b.yaml', 'c.json', 'd/e.yaml']);
  });

  test.each([1, 2, 3, 5, 7, 8, 12])('every file in exactly one of %i shards, whatever the input order', (total) => {
    const shuffled = [...files].reverse();
    const all = Array.from({ length: total }, (_, i) => selectShard(shuffled, { index: i + 1, total })).flat();
    expect(all).toEqual(selectShard(files, null));
    const sizes = Array.from({ length: total }, (_, i) => selectShard(files, { index: i + 1, total }).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});
