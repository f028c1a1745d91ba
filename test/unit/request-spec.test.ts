/** The one request constructor: every rule about what can be sent, with messages that name where a value came from. */
import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { createRequestSpec, FLAG_LABELS, MAX_TIMEOUT_MS, NO_AUTH, withUrl, type AuthSpec, type InputLabels, type RequestInput } from '../../src/model/request-spec.js';
import { Secret } from '../../src/redact/secret.js';

const LABELS: InputLabels = FLAG_LABELS;

function input(over: Partial<RequestInput> = {}): RequestInput {
  return {
    url: 'http://api.test/x',
    method: null,
    headers: [],
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

const bearer = (token: string): AuthSpec => ({ authorization: { kind: 'bearer', token: new Secret(token) }, apiKey: null });

const build = (over: Partial<RequestInput>, labels: InputLabels = LABELS) => createRequestSpec(input(over), labels);

describe('createRequestSpec', () => {
  test('defaults: GET without a body, POST with one; methods upper-cased; the spec is frozen', () => {
    expect(build({}).method).toBe('GET');
    expect(build({ body: { kind: 'bytes', data: Buffer.from('x') } }).method).toBe('POST');
    expect(build({ method: 'patch' }).method).toBe('PATCH');
    expect(Object.isFrozen(build({}))).toBe(true);
  });

  test.each([
    ['{"a":1}', 'application/json'],
    ['[1,2]', 'application/json'],
    ['a=1&b=two%20words', 'application/x-www-form-urlencoded'],
    ['name=Ann', 'application/x-www-form-urlencoded'],
    ['hello', 'text/plain; charset=utf-8'],
    ['a = 1', 'text/plain; charset=utf-8'],
    ['', 'text/plain; charset=utf-8'],
  ])('a byte body %j without Content-Type is sent as %s', (text, type) => {
    expect(build({ body: { kind: 'bytes', data: Buffer.from(text) } }).headers).toEqual([['Content-Type', type]]);
  });

  test('a Content-Type given (any case) is kept', () => {
    expect(build({ headers: [['content-type', 'text/csv']], body: { kind: 'bytes', data: Buffer.from('{}') } }).headers).toEqual([['content-type', 'text/csv']]);
  });

  test.each<[Partial<RequestInput>, RegExp]>([
    [{ url: 'ftp://x/' }, /^URL: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/"$/],
    [{ url: 'not a url' }, /^URL: expected an http:\/\/ or https:\/\/ URL/],
    [{ url: 'http://user:s3cret@[oops' }, /^URL: invalid URL "http:\/\/user:\*\*\*\*@\[oops"$/],
    [{ method: 'G T' }, /^-X\/--method: invalid method "G T"$/],
    [{ headers: [['X A', '1', '-H/--header']] }, /^-H\/--header: invalid header name "X A"$/],
    [{ headers: [['X-A', 'a\r\nb', '--headers']] }, /^--headers: the value of header X-A contains a CR, LF or NUL character$/],
    [{ headers: [['X-A', '✓']] }, /^-H\/--header: the value of header X-A contains "✓", which is not a Latin-1 character/],
    [{ auth: bearer('') }, /^--bearer: the token is empty$/],
    [{ auth: bearer('tok\u0007en-secret-value') }, /^--bearer: the token contains the control character U\+0007$/],
    [{ auth: { authorization: null, apiKey: { key: new Secret('k'), header: 'Bad Header', query: null } } }, /^--api-key-header: invalid header name "Bad Header"$/],
    [{ auth: { authorization: { kind: 'basic', user: 'a:b', password: new Secret('p') }, apiKey: null } }, /^-u\/--user: the user name contains ":"/],
    // The header is named as the credential sets it, whatever case the -H used.
    [{ auth: bearer('tok-123456'), headers: [['authorization', 'Bearer x', '-H/--header']] }, /^--bearer and -H\/--header both set the Authorization header$/],
    [{ auth: { authorization: null, apiKey: { key: new Secret('k'), header: 'X-Key', query: null } }, headers: [['x-key', 'v', '--headers']] }, /^--api-key and --headers both set the X-Key header$/],
    // The URL's user:password is sent as Basic auth: one more source of the Authorization header.
    [{ url: 'http://a:pw@h.test/', auth: bearer('tok-123456') }, /^--bearer and the user:password of the URL both set the Authorization header$/],
    [{ url: 'http://a@h.test/', auth: { authorization: { kind: 'basic', user: 'b', password: new Secret('p') }, apiKey: null } }, /^-u\/--user and the user:password of the URL both set the Authorization header$/],
    [{ url: 'http://a:pw@h.test/', headers: [['authorization', 'Basic x', '-H/--header']] }, /^the user:password of the URL and -H\/--header both set the Authorization header$/],
    [{ timeoutMs: 0 }, /^--timeout: invalid duration 0ms$/],
    [{ timeoutMs: MAX_TIMEOUT_MS + 1 }, /^--timeout: 2147483648ms is longer than the longest allowed/],
    [{ connectTimeoutMs: 1.5 }, /^--connect-timeout: invalid duration/],
    [{ maxRedirects: 1001 }, /^--max-redirects: expected a whole number from 0 to 1000/],
  ])('%j is a usage error naming its source', (over, message) => {
    expect(() => build(over)).toThrow(UsageError);
    expect(() => build(over)).toThrow(message);
  });

  test('an API key combines with a bearer token', () => {
    const spec = build({ auth: { authorization: { kind: 'bearer', token: new Secret('tok-123456') }, apiKey: { key: new Secret('k'), header: 'X-API-Key', query: null } } });
    expect(spec.auth.authorization?.kind).toBe('bearer');
    expect(spec.auth.apiKey?.header).toBe('X-API-Key');
  });

  test('a credential is never shown in a message', () => {
    expect(() => build({ auth: bearer('tok\nsecret-value') })).not.toThrow(/secret-value/);
  });

  test("a note says the values are what templates produced (suite steps)", () => {
    expect(() => build({ url: 'ftp://x/' }, { ...LABELS, url: 'url', note: '(after interpolation)' })).toThrow(/^url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x\/" \(after interpolation\)$/);
  });
});

describe('withUrl', () => {
  test('the same request to another URL, checked like any other', () => {
    const spec = build({ method: 'GET', headers: [['Accept', 'application/json']] });
    const next = withUrl(spec, 'http://api.test/x?page=2');
    expect(next).toEqual({ ...spec, url: 'http://api.test/x?page=2' });
    expect(() => withUrl(spec, 'file:///etc/passwd')).toThrow(/^next page: expected an http:\/\/ or https:\/\/ URL/);
  });
});
