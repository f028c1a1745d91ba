import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { findLink, parseLinkHeader, type LinkValue } from '../../src/paginate/link-header.js';
import { blank, checkProperty, HEADER_TEXT_MAX, hostileTextUpTo, mutated, outcome, PROPERTY_TIMEOUT_MS, PROTOTYPE_KEYS, timed, withLongRun } from './fuzz.js';

const PARSER = 'Link';
const BASE = 'http://127.0.0.1:3000/pages/link?page=1';

/** Targets: absolute URLs, paths and queries relative to the request, with the commas and semicolons `<>` protects. */
const target = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.record({ page: fc.nat({ max: 1_000_000 }), extra: fc.constantFrom('', '&a=1,2', '&q=x;y', '&s=%20') }).map(({ page, extra }) => `/items?page=${page}${extra}`),
  fc.constantFrom('?page=2', 'next', '../up', '//other.test/x', 'https://api.test/items?cursor=abc,def'),
);

const paramName = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'title', 'type', 'hreflang', 'anchor', 'media'), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/)).filter((name) => name !== 'rel');
/** A value as a quoted string (any text: quotes and backslashes escaped) or a bare token. */
const paramValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((value) => ({ value, quoted: true })),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'+-]{1,20}$/).map((value) => ({ value, quoted: false })),
);
const relTypes = fc.uniqueArray(fc.oneof(fc.constantFrom('next', 'prev', 'last', 'first', 'NEXT', 'Last', ...PROTOTYPE_KEYS), fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/)), { maxLength: 3, selector: (r) => r.toLowerCase() });

interface LinkSpec {
  target: string;
  rel: string[];
  params: Array<{ name: string; value: string; quoted: boolean }>;
  ext: string | null;
  spaces: [string, string, string];
}

const linkSpec: fc.Arbitrary<LinkSpec> = fc.record({
  target,
  rel: relTypes,
  params: fc.uniqueArray(fc.record({ name: paramName, value: paramValue }).map(({ name, value }) => ({ name, ...value })), { maxLength: 4, selector: (p) => p.name.toLowerCase() }),
  ext: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }),
  spaces: fc.tuple(blank, blank, blank),
});

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 8288 as servers write it: `<target>; rel="next last"; title="…"; title*=UTF-8''%E2%82%AC`. */
function printLink(spec: LinkSpec): string {
  const [a, b, c] = spec.spaces;
  const parts = [`<${spec.target}>`];
  if (spec.rel.length > 0) parts.push(`rel=${quote(spec.rel.join(' '))}`);
  for (const p of spec.params) parts.push(`${p.name}${b}=${b}${p.quoted ? quote(p.value) : p.value}`);
  if (spec.ext !== null) parts.push(`title*=UTF-8''${encodeURIComponent(spec.ext)}`);
  return parts.join(`${a};${c}`);
}

/** The parsed links written back as a header (every parameter quoted). */
function printParsed(links: readonly LinkValue[]): string {
  return links.map((link) => [`<${link.url}>`, ...Object.entries(link.params).map(([name, value]) => `${name}=${quote(value)}`)].join('; ')).join(', ');
}

function plain(links: readonly LinkValue[]): unknown {
  return links.map((link) => ({ url: link.url, rel: link.rel, params: Object.entries(link.params) }));
}

const validHeader = fc.record({ links: fc.array(linkSpec, { minLength: 1, maxLength: 5 }), sep: fc.constantFrom(', ', ',', ' , ', ',\t') });

const anyHeader = fc.oneof(
  validHeader.map(({ links, sep }) => links.map(printLink).join(sep)),
  mutated(validHeader.map(({ links, sep }) => links.map(printLink).join(sep))),
  withLongRun(validHeader.map(({ links, sep }) => links.map(printLink).join(sep)), HEADER_TEXT_MAX),
  hostileTextUpTo(HEADER_TEXT_MAX),
);

describe('property: Link headers (RFC 8288: --paginate link)', () => {
  test(
    'a header as servers write it: every link, resolved, its rel types lower-cased, its parameters unquoted',
    async () => {
      await checkProperty(PARSER, 'valid header → links', validHeader, ({ links, sep }) => {
        const header = links.map(printLink).join(sep);
        const parsed = timed('parseLinkHeader', () => parseLinkHeader(header, BASE));
        expect(parsed).toHaveLength(links.length);
        parsed.forEach((link, i) => {
          const spec = links[i] as LinkSpec;
          expect(link.url).toBe(new URL(spec.target, BASE).href);
          expect(link.rel).toEqual(spec.rel.map((r) => r.toLowerCase()));
          for (const p of spec.params) expect(link.params[p.name.toLowerCase()]).toBe(p.value);
          if (spec.ext !== null) expect(link.params['title*']).toBe(spec.ext);
          expect(Object.getPrototypeOf(link.params)).toBeNull();
        });
        for (const rel of ['next', 'last', ...PROTOTYPE_KEYS]) {
          const first = links.find((l) => l.rel.some((r) => r.toLowerCase() === rel.toLowerCase()));
          expect(findLink(parsed, rel)).toBe(first === undefined ? undefined : new URL(first.target, BASE).href);
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'round trip: parsed links written back as a header parse to the same links',
    async () => {
      await checkProperty(PARSER, 'links → header → links', anyHeader, (header) => {
        const once = timed('parseLinkHeader', () => parseLinkHeader(header, BASE));
        const twice = timed('parseLinkHeader', () => parseLinkHeader(printParsed(once), BASE));
        expect(plain(twice)).toEqual(plain(once));
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'any field lines: absolute URLs, rel types without blanks, null-prototype parameters; never a throw; fast',
    async () => {
      const lines = fc.oneof(anyHeader, fc.array(anyHeader, { maxLength: 4 }));
      await checkProperty(PARSER, 'any text → links', fc.tuple(lines, fc.oneof(fc.constant(BASE), fc.webUrl())), ([value, base]) => {
        const result = outcome('parseLinkHeader', [], () => parseLinkHeader(value, base));
        if (!result.ok) return;
        for (const link of result.value) {
          expect(() => new URL(link.url)).not.toThrow();
          for (const rel of link.rel) expect(rel).toMatch(/^[^ \t]+$/);
          for (const rel of link.rel) expect(rel).toBe(rel.toLowerCase());
          expect(Object.getPrototypeOf(link.params)).toBeNull();
          for (const value of Object.values(link.params)) expect(typeof value).toBe('string');
        }
        timed('findLink', () => findLink(result.value, 'next'));
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
