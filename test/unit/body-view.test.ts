import { describe, expect, test } from '@jest/globals';
import { contentTypeOf, viewBody } from '../../src/engine/body-view.js';

const bytes = (s: string | number[]): Uint8Array => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Uint8Array.from(s));

describe('viewBody', () => {
  test('no body or an empty one: none', () => {
    expect(viewBody(null, {})).toEqual({ kind: 'none' });
    expect(viewBody(bytes(''), { 'content-type': 'application/json' })).toEqual({ kind: 'none' });
  });

  test.each(['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'application/vnd.api+json'])('%s is parsed as JSON', (type) => {
    expect(viewBody(bytes('{"a":[1,2]}'), { 'content-type': type })).toEqual({ kind: 'json', value: { a: [1, 2] }, text: '{"a":[1,2]}' });
  });

  test('invalid JSON with a JSON type is text', () => {
    expect(viewBody(bytes('{oops'), { 'content-type': 'application/json' })).toEqual({ kind: 'text', text: '{oops' });
  });

  test('JSON-looking text with a text type stays text', () => {
    expect(viewBody(bytes('{"a":1}'), { 'content-type': 'text/plain' })).toEqual({ kind: 'text', text: '{"a":1}' });
  });

  test.each(['text/plain; charset=utf-8', 'text/html', 'application/xml', 'application/javascript', 'application/x-www-form-urlencoded', ''])('%j with UTF-8 is text', (type) => {
    expect(viewBody(bytes('héllo ✓'), type === '' ? {} : { 'content-type': type })).toEqual({ kind: 'text', text: 'héllo ✓' });
  });

  test('octet-stream, images, and invalid UTF-8 are binary', () => {
    expect(viewBody(bytes('abc'), { 'content-type': 'application/octet-stream' }).kind).toBe('binary');
    expect(viewBody(bytes([0x89, 0x50, 0x4e, 0x47]), { 'content-type': 'image/png' }).kind).toBe('binary');
    expect(viewBody(bytes([0xff, 0xfe, 0x00]), { 'content-type': 'text/plain' }).kind).toBe('binary');
    expect(viewBody(bytes([0xff, 0xfe]), {}).kind).toBe('binary');
  });

  test('contentTypeOf takes the first of repeated values', () => {
    expect(contentTypeOf({ 'content-type': ['text/plain', 'text/html'] })).toBe('text/plain');
    expect(contentTypeOf({})).toBe('');
  });
});
