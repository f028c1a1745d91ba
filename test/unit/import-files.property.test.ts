/**
 * Property tests of the Postman and HAR importers (fast-check): any JSON — and any value in the places a collection
 * or a HAR file has them — gives a suite that loads without problems, or the documented UsageError; never a crash.
 * FUZZ_RUNS sets the number of runs (default 500).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ciSeedOnce } from '../property/fuzz.js';
import { UsageError } from '../../src/errors.js';
import type { ImportResult } from '../../src/import/findings.js';
import { importHar } from '../../src/import/from-har.js';
import { importPostman } from '../../src/import/from-postman.js';
import { suiteProblems } from '../helpers/imported-suite.js';

// In CI (`CI` set, FUZZ_RUNS not), one fixed seed, as the property tests of test/property (fuzz.ts): a CI run is
// reproducible and cannot turn red on a newly drawn input.
ciSeedOnce();

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 500) || 500);

/** Values as they come in such files, and as they should not (numbers for strings, objects for lists). */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'x', '{{baseUrl}}', '{{$guid}}', '{{a.b}}', '{{', '}}', 'http://h.test/a?key=k-123456', 'https://{{host}}/u/:id', ':id', 'Bearer t', 'a=1&b=2', '{"a":{{n}}}', '{"a":1}', 'GET', 'POST', 'header', 'query', 'text', 'file', 'raw', 'json') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const field = <T extends string>(keys: readonly T[]) => fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });

const kv = fc.array(field(['key', 'value', 'disabled', 'type', 'src', 'enabled', 'contentType'] as const), { maxLength: 3 });
const auth = fc.record({ type: fc.constantFrom('bearer', 'basic', 'apikey', 'oauth2', 'noauth', 'inherit', 'digest', 'x'), bearer: kv, basic: kv, apikey: kv, oauth2: kv }, { requiredKeys: ['type'] });
const url = fc.oneof(anyValue, fc.record({ raw: anyValue, host: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 2 })), path: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 })), query: kv, variable: kv, protocol: anyValue, port: anyValue }, { requiredKeys: [] }));
const body = fc.record({ mode: fc.constantFrom('raw', 'urlencoded', 'formdata', 'graphql', 'file', 'x'), raw: anyValue, urlencoded: kv, formdata: kv, graphql: fc.record({ query: anyValue, variables: anyValue }), options: fc.constant({ raw: { language: 'json' } }) }, { requiredKeys: ['mode'] });
const request = fc.oneof(anyValue, fc.record({ method: anyValue, url, header: fc.oneof(kv, anyValue), body, auth }, { requiredKeys: [] }));
const event = fc.array(fc.record({ listen: fc.constantFrom('prerequest', 'test', 'x'), script: fc.record({ exec: fc.oneof(fc.array(fc.constantFrom('pm.response.to.have.status(201);', 'x', ''), { maxLength: 2 }), anyValue) }) }), { maxLength: 2 });
const item = fc.letrec((tie) => ({
  item: fc.record({ name: anyValue, request, auth, event, item: fc.array(tie('item'), { maxLength: 2 }), protocolProfileBehavior: fc.dictionary(fc.constantFrom('followRedirects', 'strictSSL', 'other'), fc.oneof(fc.boolean(), anyValue)) }, { requiredKeys: [] }),
})).item;
const collection = fc.record(
  { info: fc.record({ name: anyValue, schema: fc.constantFrom('https://schema.getpostman.com/json/collection/v2.1.0/collection.json', 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json') }), item: fc.array(item, { maxLength: 4 }), variable: kv, auth, event },
  { requiredKeys: ['info', 'item'] },
);

const harEntry = fc.record(
  {
    request: fc.record({ method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT'), anyValue), url: fc.oneof(fc.constantFrom('http://127.0.0.1:3000/a?b=1', 'https://h.test/x?token=t-12345678', 'data:,x', 'about:blank'), anyValue), headers: fc.array(fc.record({ name: anyValue, value: anyValue }), { maxLength: 3 }), postData: fc.record({ mimeType: anyValue, text: anyValue, params: fc.array(fc.record({ name: anyValue, value: anyValue, fileName: anyValue }, { requiredKeys: [] }), { maxLength: 2 }), encoding: fc.constantFrom('base64', undefined) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    response: fc.record({ status: fc.oneof(fc.integer({ min: 0, max: 700 }), anyValue) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const harFile = fc.record({ log: fc.record({ entries: fc.array(harEntry, { maxLength: 4 }), pages: fc.array(fc.record({ title: anyValue }), { maxLength: 1 }) }, { requiredKeys: ['entries'] }) });

async function loadsOrUsageError(run: () => ImportResult): Promise<void> {
  let result: ImportResult;
  try {
    result = run();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return;
  }
  // A formdata file that is not there is said so (the suite then says so when it loads).
  if (result.findings.some((f) => f.message.includes('the suite will not load until it does'))) return;
  expect(await suiteProblems(result)).toEqual([]);
}

describe('Postman and HAR importers (properties)', () => {
  test('any JSON text: a suite or a UsageError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 30 })), async (text) => {
        await loadsOrUsageError(() => importPostman(text));
        await loadsOrUsageError(() => importHar(text));
      }),
      { numRuns: RUNS },
    );
  });

  test('any collection-shaped value: a suite that loads, or a UsageError', async () => {
    await fc.assert(fc.asyncProperty(collection, async (c) => loadsOrUsageError(() => importPostman(JSON.stringify(c), { formFile: (src) => ({ path: src, exists: false }) }))), { numRuns: RUNS });
  });

  test('a value whose toString is not a function (a collection\'s { "toString": "" }) is no value, not a crash', async () => {
    // Found by the property above on a random seed: String() of such an object throws a TypeError.
    const odd = { toString: '' };
    await loadsOrUsageError(() => importPostman(JSON.stringify({ info: { name: '', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [{ request: { url: { protocol: odd, host: [odd, 'h'], port: odd } } }] })));
    await loadsOrUsageError(() => importPostman(JSON.stringify({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [{ request: { url: 'http://127.0.0.1:1/a', auth: { type: 'bearer', bearer: [{ key: 'token', value: odd }] } }, event: [{ listen: odd, script: { exec: ['x'] } }] }] })));
  });

  test('any HAR-shaped value: a suite that loads, or a UsageError', async () => {
    await fc.assert(fc.asyncProperty(harFile, async (h) => loadsOrUsageError(() => importHar(JSON.stringify(h)))), { numRuns: RUNS });
  });
});
