import { describe, expect, test } from '@jest/globals';
import { compileJsonPath } from '../../src/expect/jsonpath.js';
import { detectStyle, firstPageUrl, nextPage, positionOf, type PageFacts, type WalkState } from '../../src/paginate/next-page.js';
import type { PaginateOptions } from '../../src/paginate/walk-options.js';
import { extractItems, findCursor, findHasMore } from '../../src/paginate/read-body.js';

const base: PaginateOptions = {
  style: 'auto',
  pageParam: 'page',
  startPage: 1,
  pageSize: null,
  pageSizeParam: 'per_page',
  offsetParam: 'offset',
  limitParam: 'limit',
  cursorPath: null,
  cursorParam: 'cursor',
  itemsPath: null,
  hasMorePath: null,
  maxPages: 100,
  maxItems: null,
};
const opts = (o: Partial<PaginateOptions>): PaginateOptions => ({ ...base, ...o });
const state = (o: Partial<WalkState>): WalkState => ({ style: 'link', baseUrl: 'http://h/x', position: 1, pagesFetched: 1, itemsFetched: 10, seen: new Set(), pageSize: null, ...o });
const page = (body: unknown, headers: Record<string, string> = {}, url = 'http://h/x'): PageFacts => ({ url, headers, body });
const ten = Array.from({ length: 10 }, (_, i) => ({ id: i }));

describe('extractItems', () => {
  test.each([
    ['a plain array', [1, 2], [1, 2]],
    ['data', { data: [1], items: [2] }, [1]],
    ['items', { items: [2] }, [2]],
    ['results', { meta: {}, results: [3] }, [3]],
    ['records', { records: [4] }, [4]],
    ['entries', { entries: [5] }, [5]],
    ['no list', { a: 1 }, null],
    ['not JSON', undefined, null],
  ])('%s', (_name, body, expected) => {
    expect(extractItems(body, null)).toEqual(expected);
  });
  test('--items-path selects one array or the matches', () => {
    expect(extractItems({ x: { list: [1, 2] } }, compileJsonPath('$.x.list'))).toEqual([1, 2]);
    expect(extractItems({ x: [{ id: 1 }, { id: 2 }] }, compileJsonPath('$.x[*].id'))).toEqual([1, 2]);
    expect(extractItems({}, compileJsonPath('$.x'))).toBeNull();
  });
});

describe('findCursor and findHasMore', () => {
  test.each([
    [{ next_cursor: 'abc' }, 'abc'],
    [{ next: 'http://h/x?c=2' }, 'http://h/x?c=2'],
    [{ nextPageToken: 'tok' }, 'tok'],
    [{ cursor: 7 }, '7'],
    [{ meta: { next: 'm' } }, 'm'],
    [{ pagination: { next_cursor: 'p' } }, 'p'],
    [{ next_cursor: null }, null],
    [{ next_cursor: '' }, null],
    [{ other: 1 }, null],
  ])('%j → %s', (body, cursor) => {
    expect(findCursor(body, null).value).toBe(cursor);
  });
  test('--cursor-path', () => {
    expect(findCursor({ a: { b: 'z' } }, compileJsonPath('$.a.b')).value).toBe('z');
  });
  test.each([
    [{ has_more: false }, false],
    [{ hasMore: true }, true],
    [{ has_more: 'no' }, null],
    [[1], null],
  ])('has more %j → %s', (body, expected) => {
    expect(findHasMore(body, null)).toBe(expected);
  });
});

describe('firstPageUrl, detectStyle and positionOf', () => {
  test('page style sets the start page and the page size', () => {
    expect(firstPageUrl('http://h/x?q=1', opts({ style: 'page', pageSize: 5, startPage: 0 }))).toBe('http://h/x?q=1&page=0&per_page=5');
  });
  test('offset style starts at 0 with the limit parameter', () => {
    expect(firstPageUrl('http://h/x', opts({ style: 'offset', pageSize: 20 }))).toBe('http://h/x?offset=0&limit=20');
  });
  test('a page already in the URL is kept', () => {
    expect(firstPageUrl('http://h/x?page=3', opts({ style: 'page' }))).toBe('http://h/x?page=3');
  });
  test.each([
    ['link header', page([1], { link: '<http://h/x?page=2>; rel="next"' }), 'link'],
    ['cursor in the body', page({ data: [1], next_cursor: 'c' }), 'cursor'],
    ['null cursor: a plain list', page({ data: [1], next_cursor: null }), 'none'],
    ['a plain array', page([1, 2]), 'none'],
  ])('auto detects %s', (_n, facts, style) => {
    expect(detectStyle(facts, base)).toBe(style);
  });
  test('positions read back from the URL', () => {
    expect(positionOf('http://h/x?page=4', 'page', base)).toBe(4);
    expect(positionOf('http://h/x?offset=30', 'offset', base)).toBe(30);
  });
});

describe('nextPage: each style and stop rule', () => {
  test('link: follows rel=next (relative URLs resolved)', () => {
    const step = nextPage(state({ style: 'link' }), page(ten, { link: '</x?page=2>; rel="next", </x?page=5>; rel="last"' }), base);
    expect(step).toEqual({ kind: 'next', url: 'http://h/x?page=2', key: 'http://h/x?page=2' });
  });
  test('link: no next link is the last page', () => {
    expect(nextPage(state({ style: 'link' }), page(ten, { link: '</x?page=1>; rel="first"' }), base)).toEqual({ kind: 'stop', reason: 'last-page' });
  });
  test('link: a URL seen before is a loop', () => {
    const step = nextPage(state({ style: 'link', seen: new Set(['http://h/x']) }), page(ten, { link: '</x>; rel="next"' }), base);
    expect(step).toEqual({ kind: 'stop', reason: 'loop' });
  });
  test('page: increments the page parameter on the base URL', () => {
    const step = nextPage(state({ style: 'page', baseUrl: 'http://h/x?page=1&per_page=10', position: 1, pageSize: 10 }), page({ data: ten }), base);
    expect(step).toMatchObject({ kind: 'next', url: 'http://h/x?page=2&per_page=10' });
  });
  test('page: a short page is the last', () => {
    expect(nextPage(state({ style: 'page', pageSize: 10 }), page({ data: [1, 2] }), base)).toEqual({ kind: 'stop', reason: 'short-page' });
  });
  test('offset: advances by the item count', () => {
    const step = nextPage(state({ style: 'offset', baseUrl: 'http://h/x?offset=0&limit=10', position: 20, pageSize: 10 }), page({ items: ten }), base);
    expect(step).toMatchObject({ kind: 'next', url: 'http://h/x?offset=30&limit=10' });
  });
  test('cursor: sends the cursor as a parameter', () => {
    const step = nextPage(state({ style: 'cursor', baseUrl: 'http://h/x?limit=5' }), page({ data: ten, next_cursor: 'abc' }), base);
    expect(step).toEqual({ kind: 'next', url: 'http://h/x?limit=5&cursor=abc', key: 'cursor:abc' });
  });
  test('cursor: a full URL is followed as a URL', () => {
    const step = nextPage(state({ style: 'cursor' }), page({ data: ten, next: 'http://h/other?after=9' }), base);
    expect(step).toMatchObject({ kind: 'next', url: 'http://h/other?after=9' });
  });
  test('cursor: a null cursor is the last page; a repeated cursor is a loop', () => {
    expect(nextPage(state({ style: 'cursor' }), page({ data: ten, next_cursor: null }), base)).toEqual({ kind: 'stop', reason: 'last-page' });
    expect(nextPage(state({ style: 'cursor', seen: new Set(['cursor:abc']) }), page({ data: ten, next_cursor: 'abc' }), base)).toEqual({ kind: 'stop', reason: 'loop' });
  });
  test.each([
    ['an empty page', state({ style: 'link' }), page([], { link: '</x?p=2>; rel="next"' }), base, 'empty-page'],
    ['has_more false', state({ style: 'cursor' }), page({ data: ten, has_more: false, next_cursor: 'z' }), base, 'has-more-false'],
    ['--has-more-path false', state({ style: 'page' }), page({ data: ten, meta: { more: false } }), opts({ hasMorePath: compileJsonPath('$.meta.more') }), 'has-more-false'],
    ['--max-items reached', state({ style: 'link', itemsFetched: 10 }), page(ten, { link: '</x?p=2>; rel="next"' }), opts({ maxItems: 10 }), 'max-items'],
    ['--max-pages reached', state({ style: 'link', pagesFetched: 3 }), page(ten, { link: '</x?p=2>; rel="next"' }), opts({ maxPages: 3 }), 'max-pages'],
    ['a plain list (auto found no style)', state({ style: 'none' }), page(ten), base, 'last-page'],
    ['page style without a list', state({ style: 'page' }), page({ nothing: true }), base, 'empty-page'],
  ])('stops on %s', (_n, s, facts, o, reason) => {
    expect(nextPage(s, facts, o)).toEqual({ kind: 'stop', reason });
  });
});
