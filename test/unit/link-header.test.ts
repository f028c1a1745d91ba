import { describe, expect, test } from '@jest/globals';
import { findLink, parseLinkHeader, type LinkValue } from '../../src/paginate/link-header.js';

const BASE = 'https://api.example.com/v1/items?page=1';

/** Just url + rel, for compact tables. */
const brief = (links: LinkValue[]): Array<[string, string[]]> => links.map((l) => [l.url, l.rel]);

describe('parseLinkHeader', () => {
  test.each<[string, string | string[] | undefined, Array<[string, string[]]>]>([
    ['undefined', undefined, []],
    ['empty', '', []],
    [
      'GitHub pagination',
      '<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"',
      [
        ['https://api.github.com/repositories/1300192/issues?page=2', ['prev']],
        ['https://api.github.com/repositories/1300192/issues?page=4', ['next']],
        ['https://api.github.com/repositories/1300192/issues?page=515', ['last']],
        ['https://api.github.com/repositories/1300192/issues?page=1', ['first']],
      ],
    ],
    ['unquoted rel', '<https://x.test/2>; rel=next', [['https://x.test/2', ['next']]]],
    ['relative URL resolved against the base', '</v1/items?page=2>; rel="next"', [['https://api.example.com/v1/items?page=2', ['next']]]],
    ['path-relative URL', '<?page=3>; rel=next', [['https://api.example.com/v1/items?page=3', ['next']]]],
    ['several rel types', '<https://x.test/9>; rel="next last"', [['https://x.test/9', ['next', 'last']]]],
    ['rel lower-cased', '<https://x.test/2>; REL="Next"', [['https://x.test/2', ['next']]]],
    [
      'comma inside the URL does not split',
      '<https://x.test/items?ids=1,2,3&page=2>; rel="next", <https://x.test/items?ids=1,2,3&page=1>; rel="prev"',
      [
        ['https://x.test/items?ids=1,2,3&page=2', ['next']],
        ['https://x.test/items?ids=1,2,3&page=1', ['prev']],
      ],
    ],
    [
      'comma and semicolon inside a quoted param do not split',
      '<https://x.test/a>; title="a, b; c"; rel="next", <https://x.test/b>; rel=prev',
      [
        ['https://x.test/a', ['next']],
        ['https://x.test/b', ['prev']],
      ],
    ],
    [
      'generous whitespace',
      '  <https://x.test/a>  ;  rel = "next"  ,   <https://x.test/b>;rel=prev  ',
      [
        ['https://x.test/a', ['next']],
        ['https://x.test/b', ['prev']],
      ],
    ],
    [
      'several header lines',
      ['<https://x.test/a>; rel="next"', '<https://x.test/b>; rel="last"'],
      [
        ['https://x.test/a', ['next']],
        ['https://x.test/b', ['last']],
      ],
    ],
    ['link without rel', '<https://x.test/a>; type="text/html"', [['https://x.test/a', []]]],
    ['only the first rel counts', '<https://x.test/a>; rel=next; rel=prev', [['https://x.test/a', ['next']]]],
    [
      'malformed parts are skipped',
      'garbage, <https://x.test/a>; rel=next, rel="prev", ;;;, <https://x.test/b>; rel=last',
      [
        ['https://x.test/a', ['next']],
        ['https://x.test/b', ['last']],
      ],
    ],
    ['unterminated target', '<https://x.test/a; rel=next', []],
    ['unterminated quoted value keeps the link', '<https://x.test/a>; rel="next', [['https://x.test/a', ['next']]]],
    [
      'junk after a parameter keeps the link and moves on',
      '<https://x.test/a>; rel=next junk, <https://x.test/b>; rel=prev',
      [
        ['https://x.test/a', ['next']],
        ['https://x.test/b', ['prev']],
      ],
    ],
    ['empty target is the base', '<>; rel=self', [[BASE, ['self']]]],
    [
      'extension relation type (a URI)',
      '<https://x.test/a>; rel="https://example.com/rels/Thing next"',
      [['https://x.test/a', ['https://example.com/rels/thing', 'next']]],
    ],
  ])('%s', (_name, value, expected) => {
    expect(brief(parseLinkHeader(value, BASE))).toEqual(expected);
  });

  test('parameters: quoted, bare, escaped, valueless, RFC 8187', () => {
    const [link] = parseLinkHeader(
      `<https://x.test/a>; rel="next"; type=text/html; title="say \\"hi\\""; hreflang=en; crossorigin; title*=UTF-8'de'n%c3%a4chste`,
      BASE,
    );
    expect(link?.params).toEqual({
      rel: 'next',
      type: 'text/html',
      title: 'say "hi"',
      hreflang: 'en',
      crossorigin: '',
      'title*': 'nächste',
    });
  });

  test('a __proto__ parameter is plain data', () => {
    const [link] = parseLinkHeader('<https://x.test/a>; __proto__=x; rel=next', BASE);
    expect(link?.params['__proto__']).toBe('x');
    expect(link?.rel).toEqual(['next']);
  });

  test('a bad base URL still keeps absolute targets', () => {
    expect(brief(parseLinkHeader('<https://x.test/a>; rel=next, </rel>; rel=prev', 'not a url'))).toEqual([
      ['https://x.test/a', ['next']],
    ]);
  });

  test('never throws on odd input', () => {
    for (const text of ['<', '>', '"', ';', ',', '<>;', '<a>;=', '<a>; rel="\\', '\u0000<\u0000>']) {
      expect(() => parseLinkHeader(text, BASE)).not.toThrow();
    }
  });
});

describe('findLink', () => {
  const links = parseLinkHeader('<https://x.test/2>; rel="next last", <https://x.test/1>; rel=prev', BASE);
  test.each([
    ['next', 'https://x.test/2'],
    ['LAST', 'https://x.test/2'],
    ['prev', 'https://x.test/1'],
    ['first', undefined],
  ])('%s -> %j', (rel, url) => {
    expect(findLink(links, rel)).toBe(url);
  });
});
