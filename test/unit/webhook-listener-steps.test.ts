/** The pure steps of the webhook listener: accepting a request, judging its body, and what is reported. */
import { describe, expect, jest, test } from '@jest/globals';
import { declaresTooMuch, pathnameOf, refusalOf } from '../../src/webhook/listener/accept-request.js';
import { clientErrorResponse } from '../../src/webhook/listener/client-error.js';
import { observeSafely, rejection, unknownRequestEvent, type DeliveryEvent } from '../../src/webhook/listener/delivery-event.js';
import { describeError } from '../../src/webhook/listener/describe-error.js';
import { forwardTarget } from '../../src/webhook/listener/forward-delivery.js';
import { verifyDelivery } from '../../src/webhook/listener/verify-delivery.js';
import type { VerifyResult } from '../../src/webhook/scheme.js';

describe('accepting a request', () => {
  test.each([
    ['/hook', '/hook'],
    ['/hook?x=1', '/hook'],
    ['/hook#frag', '/hook'],
    ['/hook/deeper?x', '/hook/deeper'],
    ['', ''],
  ])('pathnameOf(%j) = %j', (target, pathname) => {
    expect(pathnameOf(target)).toBe(pathname);
  });

  test('a POST to the path (any query) is taken', () => {
    expect(refusalOf('POST', '/hook?x=1', '/hook')).toBeNull();
    expect(refusalOf('POST', '/', '/')).toBeNull();
  });

  test('another path → 404, whatever the method', () => {
    expect(refusalOf('GET', '/other', '/hook')).toEqual({ status: 404, payload: { error: 'not found' }, headers: {}, reason: 'path not found (listening on /hook)' });
    expect(refusalOf('POST', '/hook/deeper', '/hook')?.status).toBe(404);
  });

  test('another method on the path → 405 with Allow: POST', () => {
    expect(refusalOf('GET', '/hook', '/hook')).toEqual({ status: 405, payload: { error: 'method not allowed' }, headers: { Allow: 'POST' }, reason: 'method GET not allowed' });
  });

  test.each([
    [undefined, false],
    ['', false],
    ['100', false],
    ['101', true],
    ['1e9', true],
    ['lots', false],
  ])('Content-Length %j over a 100-byte limit: %s', (contentLength, tooMuch) => {
    expect(declaresTooMuch(contentLength, 100)).toBe(tooMuch);
  });
});

describe('verifyDelivery (the scheme result → the answer and the reported outcome)', () => {
  const body = Buffer.from('{"a":1}');

  test('verified → 200 {"ok":true}', () => {
    const verify = jest.fn((_body: Buffer, _headers: unknown): VerifyResult => ({ ok: true, event: 'push', id: 'd1' }));
    expect(verifyDelivery(verify, body, { 'x-a': 'b' })).toEqual({
      answer: { status: 200, payload: { ok: true } },
      outcome: { event: 'push', size: 7, verified: true, reason: null, status: 200 },
    });
    expect(verify).toHaveBeenCalledWith(body, { 'x-a': 'b' });
  });

  test('not verified → 401 with the reason code and message; the event type is still reported', () => {
    const verify = (): VerifyResult => ({ ok: false, reason: 'bad-signature', message: 'X-Hub-Signature-256 does not match the body', event: 'ping' });
    expect(verifyDelivery(verify, body, {})).toEqual({
      answer: { status: 401, payload: { error: 'bad-signature', message: 'X-Hub-Signature-256 does not match the body' } },
      outcome: { event: 'ping', size: 7, verified: false, reason: 'X-Hub-Signature-256 does not match the body', status: 401 },
    });
  });

  test('a check that throws → 500, reported with why', () => {
    const verify = (): VerifyResult => {
      throw new Error('boom');
    };
    expect(verifyDelivery(verify, body, {})).toEqual({
      answer: { status: 500, payload: { error: 'internal error' } },
      outcome: { event: null, size: 7, verified: false, reason: 'verification failed: boom', status: 500 },
    });
  });
});

describe('reporting', () => {
  test('rejection: unverified, no event type unless given', () => {
    expect(rejection(413, 'body too large', 70000)).toEqual({ event: null, size: 70000, verified: false, reason: 'body too large', status: 413 });
    expect(rejection(401, 'bad', 3, 'push').event).toBe('push');
  });

  test('a request node could not parse: method and path "-", size 0', () => {
    expect(unknownRequestEvent(new Date('2026-01-01T10:00:00.000Z'), 431, 'request headers too large')).toEqual({
      time: '2026-01-01T10:00:00.000Z',
      method: '-',
      path: '-',
      event: null,
      size: 0,
      verified: false,
      reason: 'request headers too large',
      status: 431,
    });
  });

  test('observeSafely passes events on and swallows an observer failure', () => {
    const seen: DeliveryEvent[] = [];
    const event = unknownRequestEvent(new Date(0), 400, 'malformed HTTP request');
    observeSafely((e) => seen.push(e))(event);
    expect(seen).toEqual([event]);
    expect(() =>
      observeSafely(() => {
        throw new Error('observer bug');
      })(event),
    ).not.toThrow();
  });

  test.each([
    [400, 'Bad Request', 'bad request'],
    [408, 'Request Timeout', 'request timed out'],
    [431, 'Request Header Fields Too Large', 'request headers too large'],
  ])('clientErrorResponse(%d): a complete answer that closes the connection', (status, text, error) => {
    const body = JSON.stringify({ error });
    expect(clientErrorResponse(status)).toBe(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });

  test('describeError leads with the errno code unless the message has it', () => {
    expect(describeError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: connect refused');
    expect(describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('a string')).toBe('a string');
  });
});

describe('forwardTarget', () => {
  test('http and https URLs are taken', () => {
    expect(forwardTarget('http://127.0.0.1:3000/app?x=1').href).toBe('http://127.0.0.1:3000/app?x=1');
    expect(forwardTarget('https://example.com/').protocol).toBe('https:');
  });

  test('anything else is refused', () => {
    expect(() => forwardTarget('ftp://example.com/')).toThrow('cannot forward to ftp://example.com/: only http and https URLs');
    expect(() => forwardTarget('not a url')).toThrow();
  });
});
