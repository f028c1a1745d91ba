import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.js';
import { parseHeaderFlags, parseHeadersJson } from '../../src/cli/parse/header-flags.js';
import { createRequestSpec, FLAG_LABELS, NO_AUTH, type HeaderInput, type InputLabels, type RequestInput } from '../../src/model/request-spec.js';
import { Secret } from '../../src/redact/secret.js';
import { blank, checkProperty, deepNesting, hostileText, mutated, outcome, PROPERTY_TIMEOUT_MS, PROTOTYPE_KEYS, timed, withLongRun } from './fuzz.js';

const LABELS: InputLabels = FLAG_LABELS;

function requestWith(headers: readonly HeaderInput[], over: Partial<RequestInput> = {}): RequestInput {
  return {
    url: 'http://127.0.0.1:1/x',
    method: null,
    headers,
    body: { kind: 'none' },
    auth: NO_AUTH,
    timeoutMs: 30_000,
    connectTimeoutMs: null,
    followRedirects: false,
    maxRedirects: 10,
    insecure: false,
    ca: null,
    maxBodyBytes: null,
    ...over,
  };
}

const TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-".split('');
/**
 * RFC 9110 tokens, the prototype keys among them; not Content-Length, which must agree with the body, nor
 * __proto__, which is refused (it could not be sent: model/header-syntax.ts; its own test is in hardening.test.ts).
 */
const headerName = fc
  .oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'Accept', 'X-Request-Id', 'If-None-Match', 'Cache-Control'), fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 30 }))
  .filter((name) => name.toLowerCase() !== 'content-length' && name.toLowerCase() !== '__proto__');

/** What HTTP can carry in a value (visible ASCII, Latin-1, inner blanks), without blank ends (the flag trims them). */
const VALUE_CHARS = [...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)), ...Array.from({ length: 0xff - 0xa1 + 1 }, (_, i) => String.fromCharCode(0xa1 + i)), '\u0080', '\u0085'];
const headerValue = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom(...VALUE_CHARS), fc.string({ unit: fc.oneof(fc.constantFrom(...VALUE_CHARS), fc.constantFrom(' ', '\t')), maxLength: 60 }), fc.constantFrom(...VALUE_CHARS)).map(([a, middle, b]) => `${a}${middle}${b}`),
);

const validFlag = fc.record({ name: headerName, value: headerValue, a: blank, b: blank, c: blank }).map(({ name, value, a, b, c }) => ({ raw: `${a}${name}${b}:${c}${value}${a}`, name, value }));

const anyFlag = fc.oneof(validFlag.map((f) => f.raw), mutated(validFlag.map((f) => f.raw)), withLongRun(validFlag.map((f) => f.raw)), hostileText);

/** A JSON object text written key by key (so `__proto__` is an ordinary key, as JSON.parse reads it). */
function objectText(entries: ReadonlyArray<readonly [string, unknown]>, space: string): string {
  return `{${entries.map(([key, value]) => `${space}${JSON.stringify(key)}${space}:${space}${JSON.stringify(value)}`).join(',')}${space}}`;
}

const validHeadersJson = fc
  .record({ entries: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 8, selector: ([name]) => name }), space: blank })
  .map(({ entries, space }) => ({ text: objectText(entries, space), entries }));

const anyJsonValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string()), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }));
const anyHeadersJson = fc.oneof(
  validHeadersJson.map((h) => h.text),
  mutated(validHeadersJson.map((h) => h.text)),
  withLongRun(validHeadersJson.map((h) => h.text)),
  anyJsonValue.map((value) => JSON.stringify(value)),
  fc.uniqueArray(fc.tuple(fc.oneof(headerName, hostileText), fc.oneof(headerValue, hostileText, anyJsonValue)), { maxLength: 6, selector: ([name]) => name }).map((entries) => objectText(entries, '')),
  deepNesting,
  hostileText,
);

/** A credential header name, as a malformed -H (no colon) might start. */
const credentialName = fc.constantFrom('Authorization', 'authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-API-KEY', 'Api-Key', 'X-Token', 'X-Auth-Token', 'X-Secret', 'Password', 'X-Passwd');
const secret = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/=.'.split('')), minLength: 16, maxLength: 80 });

describe('property: header flags (-H, --api-key-header) and --headers', () => {
  test(
    '-H "Name: value": the name and value, trimmed, and a request that sends them',
    async () => {
      await checkProperty('header flags', '-H valid → headers', fc.array(validFlag, { minLength: 1, maxLength: 6 }), (flags) => {
        const parsed = timed('parseHeaderFlags', () => parseHeaderFlags(flags.map((f) => f.raw), '-H/--header'));
        expect(parsed).toEqual(flags.map((f) => [f.name, f.value, '-H/--header']));
        const spec = timed('createRequestSpec', () => createRequestSpec(requestWith(parsed), LABELS));
        for (const { name, value } of flags) expect(spec.headers).toContainEqual([name, value]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '-H with any text: a request, or a UsageError (exit 2) naming -H that shows at most 20 characters of a malformed flag',
    async () => {
      await checkProperty('header flags', '-H any → headers or UsageError', fc.array(anyFlag, { minLength: 1, maxLength: 4 }), (raws) => {
        const result = outcome('-H', [UsageError], () => createRequestSpec(requestWith(parseHeaderFlags(raws, '-H/--header')), LABELS));
        if (result.ok) return;
        expect((result.error as UsageError).exitCode).toBe(2);
        expect(result.error.message).toMatch(/^-H\/--header: /);
        const shown = /^-H\/--header: expected "Name: value", got ("(?:[^"\\]|\\.)*")$/.exec(result.error.message);
        if (shown !== null) expect((JSON.parse(shown[1] as string) as string).length).toBeLessThanOrEqual(24);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'a malformed -H that starts with a credential header name never shows what follows the name',
    async () => {
      await checkProperty(
        'header flags',
        '-H credential without colon → masked',
        fc.record({ name: credentialName, sep: fc.constantFrom('', ' ', '\t', '=', '  '), secret, more: fc.constantFrom('', ' more words', '\tx') }),
        ({ name, sep, secret: value, more }) => {
          const result = outcome('-H', [UsageError], () => parseHeaderFlags([`${name}${sep}${value}${more}`], '-H/--header'));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.message).not.toContain(value);
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '--api-key-header with any name: a request, or a UsageError (exit 2) naming --api-key-header',
    async () => {
      await checkProperty('header flags', '--api-key-header any → request or UsageError', fc.oneof(headerName, mutated(headerName), hostileText), (name) => {
        const auth = { authorization: null, apiKey: { key: new Secret('k3y-value'), header: name, query: null } };
        const result = outcome('createRequestSpec', [UsageError], () => createRequestSpec(requestWith([], { auth }), LABELS));
        if (!result.ok) {
          expect((result.error as UsageError).exitCode).toBe(2);
          expect(result.error.message).toMatch(/^--api-key-header: /);
          expect(result.error.message).not.toContain('k3y-value');
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "--headers '{...}': every name and value, and a request that sends them",
    async () => {
      await checkProperty('--headers', 'valid JSON object → headers', validHeadersJson, ({ text, entries }) => {
        const parsed = timed('parseHeadersJson', () => parseHeadersJson(text));
        // Object.entries puts integer-like names first: compare without order.
        const sorted = (list: ReadonlyArray<readonly unknown[]>) => list.map((e) => JSON.stringify(e)).sort();
        expect(sorted(parsed)).toEqual(sorted(entries.map(([name, value]) => [name, value, '--headers'])));
        const spec = timed('createRequestSpec', () => createRequestSpec(requestWith(parsed), LABELS));
        expect(spec.headers).toHaveLength(entries.length);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    '--headers with any text: a request, or a UsageError (exit 2) naming --headers',
    async () => {
      await checkProperty('--headers', 'any text → headers or UsageError', anyHeadersJson, (text) => {
        const result = outcome('--headers', [UsageError], () => createRequestSpec(requestWith(parseHeadersJson(text)), LABELS));
        if (!result.ok) {
          expect((result.error as UsageError).exitCode).toBe(2);
          expect(result.error.message).toMatch(/^--headers: /);
        }
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});
