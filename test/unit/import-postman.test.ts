import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import type { ImportResult } from '../../src/import/findings.js';
import { importPostman, type PostmanImportOptions } from '../../src/import/from-postman.js';
import { suiteProblems } from '../helpers/imported-suite.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/import/', import.meta.url));
const fixture = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');
const lines = (result: ImportResult, severity: 'unmapped' | 'note'): string[] => result.findings.filter((f) => f.severity === severity).map((f) => `${f.where}: ${f.message}`);

async function imported(text: string, options: PostmanImportOptions = {}): Promise<ImportResult> {
  const result = importPostman(text, options);
  expect(await suiteProblems(result, FIXTURES)).toEqual([]);
  return result;
}

function usageError(text: string, options: PostmanImportOptions = {}): string {
  try {
    importPostman(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

const collection = (items: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ info: { name: 'C', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: items, ...extra });

describe('import postman: a v2.1 collection with an environment', () => {
  test('folders are name prefixes, variables are vars (the environment winning), {{var}} kept', async () => {
    const result = await imported(fixture('users.postman_collection.json'), { environment: fixture('dev.postman_environment.json'), supportsOAuth2: true });
    const suite = result.suite;
    expect(suite.name).toBe('Users API');
    expect(suite.vars).toEqual({ baseUrl: 'http://127.0.0.1:3001', user_name: 'Ann', pageSize: 20, timestamp: '', missing: '' });
    expect(suite.defaults).toEqual({ followRedirects: true, auth: { bearer: '{{ env.ACCESS_TOKEN }}' } });
    expect(suite.steps.map((s) => s.name)).toEqual([
      'Users/Create user', 'Users/Get user', 'Users/List users', 'Users/Admin/Stats', 'Users/Admin/Public',
      'Forms/Urlencoded', 'Forms/Upload', 'Forms/GraphQL', 'Forms/Binary', 'Auth kinds/Basic', 'Auth kinds/OAuth2', 'Auth kinds/Digest',
    ]);
    const [create, get, list, stats, pub, urlencoded, upload, graphql] = suite.steps;
    expect(create).toEqual({
      name: 'Users/Create user', method: 'POST', url: '{{ baseUrl }}/users', headers: { 'Content-Type': 'application/json' },
      body: '{\n  "name": "{{ user_name }}",\n  "email": "ann@example.com"\n}', expect: { status: 201 },
    });
    expect(get?.url).toBe('{{ baseUrl }}/users/1?verbose=1');
    expect(list?.url).toBe('{{ baseUrl }}/users?per_page={{ pageSize }}&ts={{ timestamp }}');
    expect(stats?.auth).toEqual({ apiKey: '{{ env.API_KEY }}', header: 'X-Admin-Key' });
    expect(pub?.auth).toBe('none');
    expect(urlencoded?.form).toEqual({ a: '1', b: '{{ missing }}' });
    expect(upload?.form).toEqual({ note: 'hi', file: { file: 'payload.txt' } });
    expect(graphql?.json).toEqual({ query: 'query { user(id: 1) { name } }', variables: { id: 1 } });
  });

  test('scripts, dynamic variables and what has no equivalent are listed with the item path', async () => {
    const result = await imported(fixture('users.postman_collection.json'), { environment: fixture('dev.postman_environment.json'), supportsOAuth2: true });
    expect(lines(result, 'unmapped')).toEqual([
      'collection "Users API": pre-request script not imported (it runs for every request below)',
      'Users/Create user: test script not imported; its status check became expect: { status: 201 }',
      'Users/List users: {{$timestamp}} (a Postman dynamic variable) is not imported: it reads the variable timestamp, empty in the suite (give it with --var timestamp=…)',
      'Users/Admin: pre-request script not imported (it runs for every request below)',
      'Forms/Binary: the body (a file) is not imported: a suite body is text, a form, or JSON',
      'Auth kinds/Digest: digest auth not imported: a suite has Basic, Bearer, API-key and OAuth2 auth',
    ]);
    expect(lines(result, 'note')).toEqual(
      expect.arrayContaining([
        'Users/Create user: the header X-Debug is disabled in Postman: left out',
        'Users/Get user: the query parameter debug is disabled in Postman: left out',
        'Forms/Urlencoded: the form field c is disabled in Postman: left out',
        expect.stringMatching(/^Forms\/Urlencoded: the variable missing is not defined/),
        expect.stringMatching(/^collection "Users API" variables: the variable "user\.name" is named user_name/),
      ]),
    );
  });

  test('credentials are never written into the suite: they are read from environment variables, named on stderr', async () => {
    const result = await imported(fixture('users.postman_collection.json'), { environment: fixture('dev.postman_environment.json'), supportsOAuth2: true });
    const text = JSON.stringify(result.suite);
    for (const secret of ['tok-Postman-1234567890', 'adm-Secret-998877', 'pw-Basic-445566', 'demo-secret', 'sec-Env-332211']) expect(text).not.toContain(secret);
    expect(lines(result, 'note')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/the variable accessToken looks like a credential: the suite reads it from \$ACCESS_TOKEN/),
        expect.stringMatching(/^Auth kinds\/Basic: the basic auth password is not written into the suite: it is read from \$API_PASSWORD/),
      ]),
    );
    expect(result.suite.steps.find((s) => s.name === 'Auth kinds/Basic')?.auth).toEqual({ basic: { user: 'ann', password: '{{ env.API_PASSWORD }}' } });
  });

  test('OAuth2 client credentials map to auth.oauth2 (the suite schema has it), the client secret read from $CLIENT_SECRET', async () => {
    const result = await imported(fixture('users.postman_collection.json'), { supportsOAuth2: true });
    expect(result.suite.steps.find((s) => s.name === 'Auth kinds/OAuth2')?.auth).toEqual({
      oauth2: { tokenUrl: '{{ baseUrl }}/oauth/token', clientId: 'demo-client', clientSecret: '{{ env.CLIENT_SECRET }}', scope: 'read write', authMethod: 'post' },
    });
    expect(lines(result, 'unmapped').some((l) => l.includes('oauth2'))).toBe(false);
    expect(lines(result, 'note')).toContain('Auth kinds/OAuth2: the OAuth2 client secret is not written into the suite: it is read from $CLIENT_SECRET (set it before running the suite)');
  });

  test('OAuth2 where suites have no auth.oauth2, or another grant: not imported, Bearer $ACCESS_TOKEN instead', async () => {
    const without = await imported(fixture('users.postman_collection.json'), { supportsOAuth2: false });
    expect(without.suite.steps.find((s) => s.name === 'Auth kinds/OAuth2')?.auth).toEqual({ bearer: '{{ env.ACCESS_TOKEN_2 }}' });
    expect(lines(without, 'unmapped')).toContain('Auth kinds/OAuth2: oauth2 auth (grant client_credentials) not imported: suites of this apitest have no auth.oauth2 yet; the requests send Authorization: Bearer $ACCESS_TOKEN_2 instead (set it to a token)');
    const code = collection([{ name: 'R', request: { method: 'GET', url: 'http://h.test/', auth: { type: 'oauth2', oauth2: [{ key: 'grant_type', value: 'authorization_code' }] } } }]);
    const other = await imported(code, { supportsOAuth2: true });
    expect(other.suite.steps[0]?.auth).toEqual({ bearer: '{{ env.ACCESS_TOKEN }}' });
    expect(lines(other, 'unmapped')).toEqual(['R: oauth2 auth (grant authorization_code) not imported: only the client_credentials grant can be mapped; the requests send Authorization: Bearer $ACCESS_TOKEN instead (set it to a token)']);
  });
});

describe('import postman: v2.0 and the smaller forms', () => {
  test('v2.0: auth settings as an object, headers as a string, a request as a URL string', async () => {
    const result = await imported(fixture('legacy-v2.0.postman_collection.json'));
    expect(result.suite.defaults?.auth).toEqual({ basic: { user: '{{ user }}', password: '{{ env.PASSWORD }}' } });
    expect(result.suite.steps).toEqual([
      { name: 'Ping', method: 'GET', url: 'http://127.0.0.1:3000/echo/ping' },
      { name: 'Post', method: 'POST', url: 'http://127.0.0.1:3000/echo/post', headers: { 'X-One': '1', 'X-Two': '2', 'Content-Type': 'application/xml' }, body: '<a>1</a>' },
    ]);
  });

  test('a variable that refers to others is written where it is used; one that refers to itself is empty', async () => {
    const text = collection([{ name: 'R', request: { method: 'GET', url: '{{api}}/x' } }], { variable: [{ key: 'host', value: 'h.test' }, { key: 'api', value: 'https://{{host}}/v1' }, { key: 'loop', value: '{{loop}}' }] });
    const result = await imported(text);
    expect(result.suite.steps[0]?.url).toBe('https://{{ host }}/v1/x');
    expect(result.suite.vars).toEqual({ host: 'h.test' });
  });

  test('path variables without a value read a variable; literal text with {{ is kept literal', async () => {
    const text = collection([{ name: 'R', request: { method: 'POST', url: { raw: 'http://h.test/users/:id', path: ['users', ':id'] }, body: { mode: 'raw', raw: 'a {{ b' } } }]);
    const result = await imported(text);
    expect(result.suite.steps[0]).toMatchObject({ url: 'http://h.test/users/{{ id }}', body: '{{ text_1 }}' });
    expect(result.suite.vars).toEqual({ id: '', text_1: 'a {{ b' });
  });

  test('an unmappable request auth sends none rather than the collection\'s', async () => {
    const text = collection([{ name: 'R', request: { method: 'GET', url: 'http://h.test/', auth: { type: 'hawk', hawk: [] } } }], { auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{t}}' }] }, variable: [{ key: 't', value: '' }] });
    const result = await imported(text);
    expect(result.suite.steps[0]?.auth).toBe('none');
    expect(lines(result, 'unmapped')).toEqual(['R: hawk auth not imported: a suite has Basic, Bearer and API-key auth']);
  });
});

describe('import postman: input that is not a collection', () => {
  test('invalid JSON, a v1 collection, a HAR file, an empty collection, a bad environment: usage errors', () => {
    expect(usageError('{ nope')).toMatch(/^the collection is not valid JSON/);
    expect(usageError(JSON.stringify({ name: 'old', requests: [] }))).toMatch(/collection v1 is not supported/);
    expect(usageError(JSON.stringify({ log: { entries: [] } }))).toMatch(/^not a Postman collection/);
    expect(usageError(JSON.stringify([1, 2]))).toMatch(/^not a Postman collection/);
    expect(usageError(collection([]))).toMatch(/has no request to import/);
    expect(usageError(collection([{ name: 'R', request: 'http://h.test' }]), { environment: '{"x":1}' })).toMatch(/^not a Postman environment/);
    expect(usageError(JSON.stringify({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v3.0.0/' }, item: [] }))).toMatch(/unsupported Postman collection schema/);
  });
});
