import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { compileJsonPath, queryJsonPath } from '../../src/expect/jsonpath.js';

const data = {
  store: {
    book: [
      { title: 'A', price: 8, author: 'Nigel Rees' },
      { title: 'B', price: 12, author: 'Evelyn Waugh' },
      { title: 'C', price: 9, author: 'Herman Melville', isbn: '0-553-21311-3' },
    ],
    bicycle: { color: 'red', price: 399 },
  },
  'a b': 1,
};

describe('RFC 9535 JSONPath', () => {
  test.each<[string, unknown[]]>([
    ['$.store.book[0].title', ['A']],
    ['$.store.book[*].price', [8, 12, 9]],
    ['$.store.book[-1].title', ['C']],
    ['$.store.book[0:2].title', ['A', 'B']],
    ['$..title', ['A', 'B', 'C']],
    ['$.store.book[?@.isbn].title', ['C']],
    ['$.store.book[?@.price < 10].title', ['A', 'C']],
    ["$.store.book[?@.author == 'Evelyn Waugh'].title", ['B']],
    ["$.store.book[?match(@.author, 'N.*')].title", ['A']],
    ["$.store.book[?search(@.author, 'Mel')].title", ['C']],
    ['$.store.book[?length(@.title) == 1].price', [8, 12, 9]],
    ["$['a b']", [1]],
    ['$.nothing', []],
    ['$', [data]],
  ])('%s', (path, values) => {
    expect(queryJsonPath(compileJsonPath(path), data)).toEqual(values);
  });

  test.each([
    ['store.book', /invalid JSONPath "store\.book"/],
    ['$.store.book[', /invalid JSONPath/],
    ['$.store.book[?@.price <]', /invalid JSONPath/],
    ['$.store.book[?foo(@.x)]', /invalid JSONPath/],
    ['$..[?@.a =~ /x/]', /invalid JSONPath/],
    ['$.store.book[01]', /invalid JSONPath/],
  ])('%s is rejected', (path, message) => {
    expect(() => compileJsonPath(path)).toThrow(UsageError);
    expect(() => compileJsonPath(path)).toThrow(message);
  });
});
