import { describe, expect, test } from '@jest/globals';
import { firstHeaderValue, allHeaderValues, type HeaderMap } from '../../src/util/header-map.js';

const headers: HeaderMap = {
  'content-type': 'application/json',
  link: ['<a>; rel=next', '<b>; rel=last'],
  'X-Odd-Case': 'kept',
  empty: [],
  missing: undefined,
};

describe('firstHeaderValue', () => {
  test.each([
    ['content-type', 'application/json'],
    ['Content-Type', 'application/json'],
    ['link', '<a>; rel=next'],
    ['x-odd-case', 'kept'],
    ['empty', undefined],
    ['missing', undefined],
    ['nope', undefined],
  ])('%s -> %j', (name, value) => {
    expect(firstHeaderValue(headers, name)).toBe(value);
  });
});

describe('allHeaderValues', () => {
  test.each([
    ['LINK', ['<a>; rel=next', '<b>; rel=last']],
    ['content-type', ['application/json']],
    ['missing', []],
    ['nope', []],
  ])('%s -> %j', (name, values) => {
    expect(allHeaderValues(headers, name)).toEqual(values);
  });
});
