import { describe, expect, test } from '@jest/globals';
import { timingsOf, type Marks } from '../../src/engine/request-timings.js';

const sum = (t: ReturnType<typeof timingsOf>): number =>
  [t.wait, t.dns, t.tcp, t.tls, t.send, t.firstByte, t.download].reduce<number>((a, b) => a + (b ?? 0), 0);

describe('timingsOf', () => {
  test('a new https connection to a host name: every phase, adding up to the total', () => {
    const marks: Marks = { start: 100, dns: true, tls: true, socket: 100.5, lookup: 101.25, connect: 102, secure: 105.5, sent: 105.75, response: 120, end: 121.5 };
    const t = timingsOf(marks);
    expect(t).toEqual({ wait: 0.5, dns: 0.75, tcp: 0.75, tls: 3.5, send: 0.25, firstByte: 14.25, download: 1.5, total: 21.5 });
    expect(sum(t)).toBeCloseTo(t.total ?? 0, 9);
  });

  test('a kept-alive connection: no dns, tcp or tls', () => {
    const t = timingsOf({ start: 0, dns: true, tls: false, reused: true, socket: 0.1, sent: 0.3, response: 2, end: 2.5 });
    expect(t).toMatchObject({ dns: null, tcp: null, tls: null });
    expect(sum(t)).toBeCloseTo(2.5, 9);
  });

  test('an IP address over http: no dns, no tls', () => {
    const t = timingsOf({ start: 0, dns: false, tls: false, socket: 0.1, connect: 0.4, sent: 0.5, response: 3, end: 3.2 });
    expect(t).toMatchObject({ dns: null, tls: null, tcp: 0.30000000000000004 });
    expect(sum(t)).toBeCloseTo(3.2, 9);
  });

  test('a connection refused: the tcp phase runs until the failure, the later phases are null', () => {
    const t = timingsOf({ start: 0, dns: false, tls: false, socket: 0.5, end: 3 });
    expect(t).toEqual({ wait: 0.5, dns: null, tcp: 2.5, tls: null, send: null, firstByte: null, download: null, total: 3 });
  });

  test('a reset after the request was sent: waiting for the first byte until the failure; no download', () => {
    const t = timingsOf({ start: 0, dns: false, tls: false, socket: 1, connect: 2, sent: 2.5, end: 10 });
    expect(t).toMatchObject({ firstByte: 7.5, download: null, total: 10 });
    expect(sum(t)).toBeCloseTo(10, 9);
  });

  test('marks out of order (a "finish" reported late) are clamped: the phases still add up', () => {
    const t = timingsOf({ start: 0, dns: false, tls: false, socket: 1, connect: 2, sent: 5, response: 4, end: 6 });
    expect(sum(t)).toBeCloseTo(6, 9);
    expect(Object.values(t).every((v) => v === null || v >= 0)).toBe(true);
  });

  test('no end yet: nothing measured', () => {
    expect(timingsOf({ start: 0, dns: true, tls: true }).total).toBeNull();
  });
});
