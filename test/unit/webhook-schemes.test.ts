import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { safeEqual } from '../../src/webhook/constant-time.js';
import type { HmacOptions, SchemeName, SignInput, VerifyFailure, VerifyInput, VerifyResult } from '../../src/webhook/scheme.js';
import { foldedHeaderValue } from '../../src/util/header-map.js';
import { parseStripeSignature } from '../../src/webhook/scheme-stripe.js';
import { standardV1Signatures } from '../../src/webhook/scheme-standard.js';
import { DEFAULT_HMAC, getScheme, SCHEME_NAMES } from '../../src/webhook/schemes.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const FIVE_MIN = 5 * 60 * 1000;
const fixedId = () => '00000000-0000-4000-8000-000000000000';

function verifyWith(name: SchemeName, input: Partial<VerifyInput> & Pick<VerifyInput, 'body' | 'headers' | 'secret' | 'nowMs'>): VerifyResult {
  return getScheme(name).verify({ toleranceMs: FIVE_MIN, ...input });
}

function reasonOf(result: VerifyResult): VerifyFailure | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

// ---------------------------------------------------------------------------
// Published known-answer tests
// ---------------------------------------------------------------------------

describe('github known answer (docs.github.com "Validating webhook deliveries", "Testing the webhook payload validation")', () => {
  const secret = "It's a Secret to Everybody";
  const body = utf8('Hello, World!');
  const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  test('sign produces the published X-Hub-Signature-256', () => {
    const headers = getScheme('github', { randomId: fixedId }).sign({ body, secret, nowMs: 0 });
    expect(headers).toEqual({
      'X-Hub-Signature-256': expected,
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': fixedId(),
    });
  });

  test('verify accepts the published signature (any header casing)', () => {
    const result = verifyWith('github', {
      body,
      secret,
      nowMs: 0,
      headers: { 'x-hub-signature-256': expected, 'x-github-event': 'push', 'X-GITHUB-DELIVERY': 'd-1' },
    });
    expect(result).toEqual({ ok: true, event: 'push', id: 'd-1' });
  });

  test('the event and delivery id given are used', () => {
    const headers = getScheme('github').sign({ body, secret, nowMs: 0, event: 'push', id: 'abc' });
    expect(headers['X-GitHub-Event']).toBe('push');
    expect(headers['X-GitHub-Delivery']).toBe('abc');
  });

  test('a generated delivery id is a UUID', () => {
    const headers = getScheme('github').sign({ body, secret, nowMs: 0 });
    expect(headers['X-GitHub-Delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('standard webhooks known answer (standard-webhooks spec libraries, "sign function works")', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = utf8('{"test": 2432232314}');
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

  test('sign produces the published signature', () => {
    const headers = getScheme('standard').sign({ body, secret, nowMs: timestamp * 1000 + 999, id });
    expect(headers).toEqual({ 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected });
  });

  test.each([
    ['with whsec_ prefix', secret],
    ['without prefix (bare base64)', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  ])('verify accepts the published signature, secret %s', (_label, theSecret) => {
    const result = verifyWith('standard', {
      body,
      secret: theSecret,
      nowMs: timestamp * 1000,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected },
    });
    expect(result).toEqual({ ok: true, event: null, id, signedAt: timestamp });
  });

  test('svix-* header names are accepted as well', () => {
    const result = verifyWith('standard', {
      body,
      secret,
      nowMs: timestamp * 1000,
      headers: { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': expected },
    });
    expect(result.ok).toBe(true);
  });

  test('several space-separated signatures: any matching v1 is enough, other versions ignored', () => {
    // Same layout as the library test "multi sig payload is valid".
    const other = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const header = [`v1,${other}`, `v2,${other}`, expected, `v1,${other}`].join(' ');
    const result = verifyWith('standard', {
      body,
      secret,
      nowMs: timestamp * 1000,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': header },
    });
    expect(result.ok).toBe(true);
  });

  test('the valid signature under a non-v1 version is not accepted', () => {
    const result = verifyWith('standard', {
      body,
      secret,
      nowMs: timestamp * 1000,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected.replace('v1,', 'v2,') + ' v1a,AAAA' },
    });
    expect(reasonOf(result)).toBe('malformed-header');
  });

  test('a generated message id is msg_ + random', () => {
    const headers = getScheme('standard', { randomId: fixedId }).sign({ body, secret, nowMs: 0 });
    expect(headers['webhook-id']).toBe('msg_00000000000040008000000000000000');
  });
});

describe('stripe known answer', () => {
  const secret = 'whsec_apitest_known_answer';
  const t = 1700000000;
  const body = utf8('{"id": "evt_test_1", "object": "event", "type": "payment_intent.succeeded"}');
  // Derived once, independently of this code, per Stripe's documented steps
  // (signed_payload = "<t>.<raw body>", HMAC-SHA256 keyed with the whole secret, hex):
  //   printf '%s' '1700000000.{"id": "evt_test_1", "object": "event", "type": "payment_intent.succeeded"}' \
  //     | openssl dgst -sha256 -hmac 'whsec_apitest_known_answer'
  //   → d808e0caecbb23194bc5055f076699c3fe3fe8ecfa15434a7d17c97464fae1a6
  const v1 = 'd808e0caecbb23194bc5055f076699c3fe3fe8ecfa15434a7d17c97464fae1a6';

  test('documented steps computed here agree with the hard-coded vector', () => {
    const computed = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
    expect(computed).toBe(v1);
  });

  test('sign produces the fixed vector', () => {
    expect(getScheme('stripe').sign({ body, secret, nowMs: t * 1000 + 500 })).toEqual({ 'Stripe-Signature': `t=${t},v1=${v1}` });
  });

  test.each([
    ['single v1', `t=${t},v1=${v1}`],
    ['with a v0 (ignored)', `t=${t},v1=${v1},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`],
    ['several v1, the good one last', `t=${t},v1=${'0'.repeat(64)},v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v1=${v1}`],
    ['several v1, the good one first', `t=${t},v1=${v1},v1=${'0'.repeat(64)}`],
    ['spaces after commas', `t=${t}, v1=${v1}`],
  ])('verify accepts %s', (_label, header) => {
    const result = verifyWith('stripe', { body, secret, nowMs: t * 1000, headers: { 'stripe-signature': header } });
    expect(result).toEqual({ ok: true, event: 'payment_intent.succeeded', id: 'evt_test_1', signedAt: t });
  });

  test('a v0 alone with the right digest is not accepted (no downgrade)', () => {
    const result = verifyWith('stripe', { body, secret, nowMs: t * 1000, headers: { 'Stripe-Signature': `t=${t},v0=${v1}` } });
    expect(reasonOf(result)).toBe('malformed-header');
  });
});

describe('hmac known answers (derived with openssl, independent of this code)', () => {
  // printf '%s' 'Hello, World!' | openssl dgst -<alg> -hmac "It's a Secret to Everybody" -binary | xxd -p -c 200   (or | base64)
  const secret = "It's a Secret to Everybody";
  const body = utf8('Hello, World!');
  const table: [HmacOptions['algorithm'], HmacOptions['encoding'], string][] = [
    ['sha1', 'hex', '01dc10d0c83e72ed246219cdd91669667fe2ca59'],
    ['sha1', 'base64', 'AdwQ0Mg+cu0kYhnN2RZpZn/iylk='],
    ['sha256', 'hex', '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'],
    ['sha256', 'base64', 'dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc='],
    [
      'sha512',
      'hex',
      '11ed355a617e98134e842012a7944ccf59c10256cb182357bd7e3a42013ff07c376f8c14cf5cc1923da20b51d64256b2fb8ebbf100aa67a61326f61fea8111bc',
    ],
    ['sha512', 'base64', 'Ee01WmF+mBNOhCASp5RMz1nBAlbLGCNXvX46QgE/8Hw3b4wUz1zBkj2iC1HWQlay+4678QCqZ6YTJvYf6oERvA=='],
  ];

  test.each(table)('%s / %s without prefix', (algorithm, encoding, digest) => {
    const hmac: HmacOptions = { header: 'X-Signature', algorithm, encoding, prefix: '' };
    expect(getScheme('hmac').sign({ body, secret, nowMs: 0, hmac })).toEqual({ 'X-Signature': digest });
    expect(verifyWith('hmac', { body, secret, nowMs: 0, hmac, headers: { 'x-signature': digest } })).toEqual({ ok: true, event: null, id: null });
  });

  test.each(table)('%s / %s with prefix and custom header', (algorithm, encoding, digest) => {
    const hmac: HmacOptions = { header: 'X-Hook-Sig', algorithm, encoding, prefix: `${algorithm}=` };
    expect(getScheme('hmac').sign({ body, secret, nowMs: 0, hmac })).toEqual({ 'X-Hook-Sig': `${algorithm}=${digest}` });
    expect(verifyWith('hmac', { body, secret, nowMs: 0, hmac, headers: { 'X-HOOK-SIG': `${algorithm}=${digest}` } }).ok).toBe(true);
    // The same digest without the expected prefix is malformed.
    expect(reasonOf(verifyWith('hmac', { body, secret, nowMs: 0, hmac, headers: { 'X-Hook-Sig': digest } }))).toBe('malformed-header');
  });

  test('defaults are X-Signature, sha256, hex, no prefix', () => {
    expect(DEFAULT_HMAC).toEqual({ header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: '' });
    expect(getScheme('hmac').sign({ body, secret, nowMs: 0 })).toEqual({
      'X-Signature': '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    });
  });

  test('base64 without padding and URL-safe base64 are read too', () => {
    const hmac: HmacOptions = { header: 'X-Signature', algorithm: 'sha256', encoding: 'base64', prefix: '' };
    for (const value of ['dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc', 'dXEH6g6yUJ_CESIczphLijdXC211hsIsRvQ3nIsEPhc=']) {
      expect(verifyWith('hmac', { body, secret, nowMs: 0, hmac, headers: { 'X-Signature': value } }).ok).toBe(true);
    }
  });

  test.each([
    ['X-Event', { 'x-event': 'order.paid' }],
    ['X-Event-Type', { 'X-Event-Type': 'order.paid' }],
  ])('event from the %s header', (_label, extra) => {
    const signed = getScheme('hmac').sign({ body, secret, nowMs: 0 });
    const result = verifyWith('hmac', { body, secret, nowMs: 0, headers: { ...signed, ...extra } });
    expect(result).toEqual({ ok: true, event: 'order.paid', id: null });
  });
});

// ---------------------------------------------------------------------------
// Round trips and rejections, for every scheme
// ---------------------------------------------------------------------------

const NOW = 1_750_000_000_000;
const SECRETS: Record<SchemeName, { good: string; wrong: string }> = {
  github: { good: 'gh-secret', wrong: 'gh-secret-2' },
  stripe: { good: 'whsec_stripe_secret', wrong: 'whsec_stripe_secret_2' },
  standard: { good: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', wrong: 'whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=' },
  hmac: { good: 'hmac-secret', wrong: 'hmac-secret-2' },
};
const SIGNATURE_HEADER: Record<SchemeName, string> = {
  github: 'X-Hub-Signature-256',
  stripe: 'Stripe-Signature',
  standard: 'webhook-signature',
  hmac: 'X-Signature',
};
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const JSON_BODY = utf8('{ "type" : "invoice.paid",\n\t"id":"evt_9",  "n": 1.0 }\r\n');

function signed(name: SchemeName, body: Uint8Array, overrides: Partial<SignInput> = {}): Record<string, string> {
  return getScheme(name).sign({ body, secret: SECRETS[name].good, nowMs: NOW, event: 'invoice.paid', ...overrides });
}

describe.each(SCHEME_NAMES.map((name) => [name]))('%s scheme', (name) => {
  const verify = (body: Uint8Array, headers: Record<string, string | string[] | undefined>, extra: Partial<VerifyInput> = {}) =>
    verifyWith(name, { body, headers, secret: SECRETS[name].good, nowMs: NOW, ...extra });

  test.each([
    ['binary body with every byte value', ALL_BYTES],
    ['JSON with odd whitespace', JSON_BODY],
    ['empty body', new Uint8Array(0)],
  ])('round trip: %s', (_label, body) => {
    expect(verify(body, signed(name, body))).toMatchObject({ ok: true });
  });

  test('verification uses the bytes as given (a Buffer slice of a bigger buffer works)', () => {
    const big = Buffer.concat([Buffer.from('XXXX'), Buffer.from(JSON_BODY), Buffer.from('YYYY')]);
    const view = big.subarray(4, 4 + JSON_BODY.length);
    expect(verify(view, signed(name, JSON_BODY)).ok).toBe(true);
  });

  test('re-serialised JSON does not verify', () => {
    const reserialised = utf8(JSON.stringify(JSON.parse(new TextDecoder().decode(JSON_BODY))));
    expect(reasonOf(verify(reserialised, signed(name, JSON_BODY)))).toBe('bad-signature');
  });

  test('tampered body → bad-signature', () => {
    const tampered = Uint8Array.from(ALL_BYTES);
    tampered[200] = (tampered[200] ?? 0) ^ 1;
    const result = verify(tampered, signed(name, ALL_BYTES));
    expect(reasonOf(result)).toBe('bad-signature');
    expect(result.ok ? '' : result.message).not.toContain('\n');
  });

  test('wrong secret → bad-signature', () => {
    expect(reasonOf(verify(ALL_BYTES, signed(name, ALL_BYTES), { secret: SECRETS[name].wrong }))).toBe('bad-signature');
  });

  test('empty secret → bad-secret on verify, and sign refuses', () => {
    expect(reasonOf(verify(ALL_BYTES, signed(name, ALL_BYTES), { secret: '' }))).toBe('bad-secret');
    expect(() => getScheme(name).sign({ body: ALL_BYTES, secret: '', nowMs: NOW })).toThrow(/secret/);
  });

  test('missing signature header → missing-header naming the header', () => {
    const headers = signed(name, ALL_BYTES);
    const without = Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== SIGNATURE_HEADER[name].toLowerCase()));
    const result = verify(ALL_BYTES, without);
    expect(result).toMatchObject({ ok: false, reason: 'missing-header', message: `missing header ${SIGNATURE_HEADER[name]}` });
  });

  test.each([['garbage'], [''], ['sha256=zz'], ['t=abc,v1=00'], ['v1']])('malformed signature header %j → malformed-header', (value) => {
    const headers = { ...signed(name, ALL_BYTES), [SIGNATURE_HEADER[name]]: value };
    expect(reasonOf(verify(ALL_BYTES, headers))).toBe('malformed-header');
  });

  test('an undefined header value counts as missing', () => {
    const headers = { ...signed(name, ALL_BYTES), [SIGNATURE_HEADER[name]]: undefined };
    expect(reasonOf(verify(ALL_BYTES, headers))).toBe('missing-header');
  });
});

describe.each([['stripe' as const], ['standard' as const]])('%s timestamps', (name) => {
  const body = JSON_BODY;
  const verify = (signedAtMs: number, nowMs: number, toleranceMs = FIVE_MIN) =>
    verifyWith(name, { body, headers: signed(name, body, { nowMs: signedAtMs }), secret: SECRETS[name].good, nowMs, toleranceMs });

  test.each([
    ['just inside (old)', -FIVE_MIN, 'ok'],
    ['just inside (future)', FIVE_MIN, 'ok'],
    ['expired', -FIVE_MIN - 1000, 'timestamp-outside-tolerance'],
    ['far in the future', FIVE_MIN + 1000, 'timestamp-outside-tolerance'],
    ['a day old', -86_400_000, 'timestamp-outside-tolerance'],
  ])('%s', (_label, offsetMs, expected) => {
    expect(reasonOf(verify(NOW + offsetMs, NOW))).toBe(expected);
  });

  test('the tolerance is configurable', () => {
    expect(reasonOf(verify(NOW - 60_000, NOW, 30_000))).toBe('timestamp-outside-tolerance');
    expect(reasonOf(verify(NOW - 60_000, NOW, 120_000))).toBe('ok');
    expect(reasonOf(verify(0, NOW, Infinity))).toBe('ok');
  });

  test('the expiry message says how old', () => {
    const result = verify(NOW - 10 * 60_000, NOW);
    expect(result.ok ? '' : result.message).toMatch(/600s old/);
  });

  test('changing the timestamp breaks the signature (the timestamp is signed)', () => {
    const headers = signed(name, body);
    const t = String(Math.floor(NOW / 1000));
    const moved = String(Math.floor(NOW / 1000) + 1);
    const altered =
      name === 'stripe'
        ? { 'Stripe-Signature': (headers['Stripe-Signature'] ?? '').replace(`t=${t}`, `t=${moved}`) }
        : { ...headers, 'webhook-timestamp': moved };
    expect(reasonOf(verifyWith(name, { body, headers: altered, secret: SECRETS[name].good, nowMs: NOW }))).toBe('bad-signature');
  });

  test('the event comes from the JSON body type', () => {
    expect(verify(NOW, NOW)).toEqual({ ok: true, event: 'invoice.paid', id: name === 'stripe' ? 'evt_9' : expect.any(String), signedAt: Math.floor(NOW / 1000) });
    expect(getScheme(name).eventOf({}, body)).toBe('invoice.paid');
    expect(getScheme(name).eventOf({}, ALL_BYTES)).toBeNull();
    expect(getScheme(name).eventOf({})).toBeNull();
  });
});

describe('scheme-specific rejections', () => {
  const t = Math.floor(NOW / 1000);

  test.each([
    ['no t', 'v1=' + '0'.repeat(64), /no t= timestamp/],
    ['no v1', `t=${t}`, /no v1= signature/],
    ['t not a number', `t=12x,v1=${'0'.repeat(64)}`, /not unix seconds/],
    ['two different t', `t=${t},t=${t + 1},v1=${'0'.repeat(64)}`, /two different timestamps/],
    ['element without =', `t=${t},v1`, /not key=value/],
  ])('stripe header %s → malformed-header', (_label, header, message) => {
    const result = verifyWith('stripe', { body: JSON_BODY, secret: 's', nowMs: NOW, headers: { 'stripe-signature': header } });
    expect(result).toMatchObject({ ok: false, reason: 'malformed-header', message: expect.stringMatching(message) });
  });

  test('stripe: several v1 values, only one right', () => {
    const good = signed('stripe', JSON_BODY)['Stripe-Signature'] ?? '';
    const v1 = good.split('v1=')[1] ?? '';
    const header = `t=${t},v1=${'a'.repeat(64)},v1=not-hex,v1=${v1},v0=${'b'.repeat(64)}`;
    expect(verifyWith('stripe', { body: JSON_BODY, secret: SECRETS.stripe.good, nowMs: NOW, headers: { 'Stripe-Signature': header } }).ok).toBe(true);
  });

  test('stripe: several v1 values, none right → bad-signature', () => {
    const header = `t=${t},v1=${'a'.repeat(64)},v1=${'b'.repeat(64)}`;
    expect(reasonOf(verifyWith('stripe', { body: JSON_BODY, secret: SECRETS.stripe.good, nowMs: NOW, headers: { 'Stripe-Signature': header } }))).toBe(
      'bad-signature',
    );
  });

  test.each([
    ['webhook-id', 'missing header webhook-id'],
    ['webhook-timestamp', 'missing header webhook-timestamp'],
  ])('standard: without %s → missing-header', (dropped, message) => {
    const headers = signed('standard', JSON_BODY);
    delete headers[dropped];
    expect(verifyWith('standard', { body: JSON_BODY, secret: SECRETS.standard.good, nowMs: NOW, headers })).toMatchObject({
      ok: false,
      reason: 'missing-header',
      message,
    });
  });

  test.each([['hello'], ['-5'], ['1.5']])('standard: timestamp %j → malformed-header', (value) => {
    const headers = { ...signed('standard', JSON_BODY), 'webhook-timestamp': value };
    expect(reasonOf(verifyWith('standard', { body: JSON_BODY, secret: SECRETS.standard.good, nowMs: NOW, headers }))).toBe('malformed-header');
  });

  test('standard: a truncated signature is a mismatch, not an exception', () => {
    const headers = signed('standard', JSON_BODY);
    for (const value of [(headers['webhook-signature'] ?? '').slice(0, 8), 'v1,', 'v1,dawfeoifkpqwoekfpqoekf']) {
      const result = verifyWith('standard', { body: JSON_BODY, secret: SECRETS.standard.good, nowMs: NOW, headers: { ...headers, 'webhook-signature': value } });
      expect(result.ok).toBe(false);
    }
  });

  test.each([['whsec_not base64!'], ['whsec_'], ['whsec_abcde']])('standard: secret %j → bad-secret', (secret) => {
    const headers = signed('standard', JSON_BODY);
    expect(reasonOf(verifyWith('standard', { body: JSON_BODY, secret, nowMs: NOW, headers }))).toBe('bad-secret');
    expect(() => getScheme('standard').sign({ body: JSON_BODY, secret, nowMs: NOW })).toThrow(/secret/);
  });

  test('github: wrong prefix and wrong length are malformed, uppercase hex is fine', () => {
    const good = signed('github', JSON_BODY)['X-Hub-Signature-256'] ?? '';
    const run = (value: string) =>
      reasonOf(verifyWith('github', { body: JSON_BODY, secret: SECRETS.github.good, nowMs: NOW, headers: { 'X-Hub-Signature-256': value } }));
    expect(run(good.replace('sha256=', 'sha1='))).toBe('malformed-header');
    expect(run(good.slice(0, -2))).toBe('malformed-header');
    expect(run(`${good}00`)).toBe('malformed-header');
    expect(run(`sha256=${good.slice(7).toUpperCase()}`)).toBe('ok');
  });

  test('github: the event is reported even when verification fails', () => {
    const result = verifyWith('github', { body: JSON_BODY, secret: 'x', nowMs: NOW, headers: { 'X-GitHub-Event': 'issues' } });
    expect(result).toEqual({ ok: false, reason: 'missing-header', message: 'missing header X-Hub-Signature-256', event: 'issues' });
  });
});

describe('helpers', () => {
  test.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
    [Buffer.from([1, 2, 3]), Uint8Array.from([1, 2, 3]), true],
    [Buffer.from([1, 2, 3]), Uint8Array.from([1, 2]), false],
    ['é', Buffer.from('é', 'utf8'), true],
  ] as [string | Uint8Array, string | Uint8Array, boolean][])('safeEqual(%p, %p) = %p', (a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
  });

  test('foldedHeaderValue matches names case-insensitively and folds repeats', () => {
    expect(foldedHeaderValue({ 'X-A': '1' }, 'x-a')).toBe('1');
    expect(foldedHeaderValue({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1, 2');
    expect(foldedHeaderValue({ 'x-a': undefined }, 'X-A')).toBeUndefined();
    expect(foldedHeaderValue({}, 'X-A')).toBeUndefined();
  });

  test('parseStripeSignature keeps every v1 and drops other schemes', () => {
    expect(parseStripeSignature('t=1,v1=a,v0=b,v1=c')).toEqual({ timestamp: 1, v1: ['a', 'c'] });
  });

  test('standardV1Signatures splits on spaces and tolerates folded ", " joins', () => {
    expect(standardV1Signatures('v1,AAA= v1a,BBB v2,CCC  v1,DDD')).toEqual(['AAA=', 'DDD']);
    expect(standardV1Signatures('v1,AAA=, v1,BBB=')).toEqual(['AAA=', 'BBB=']);
  });

  test('getScheme returns each scheme under its name', () => {
    for (const name of SCHEME_NAMES) expect(getScheme(name).name).toBe(name);
  });
});
