/**
 * The listener's replay protection as pure steps, with an injected clock: the store of delivery ids, the
 * verdict on a replayed delivery, and the replay window the command chooses.
 */
import { describe, expect, test } from '@jest/globals';
import { DEFAULT_REPLAY_WINDOW_MS, replayWindowFor } from '../../src/cli/commands/webhook-listen.js';
import { UsageError } from '../../src/errors.js';
import { MAX_REMEMBERED_IDS, ReplayGuard } from '../../src/webhook/listener/replay-guard.js';
import { REPLAY_REASON, verifyDelivery } from '../../src/webhook/listener/verify-delivery.js';
import type { VerifyResult } from '../../src/webhook/scheme.js';

const MINUTE = 60_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ReplayGuard (ids of verified deliveries, remembered for the window)', () => {
  test('the same id within the window is a replay; other ids are not', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now });
    expect(guard.isReplay('d-1')).toBe(false);
    expect(guard.isReplay('d-2')).toBe(false);
    clock.advance(5 * MINUTE - 1);
    expect(guard.isReplay('d-1')).toBe(true);
    expect(guard.isReplay('d-2')).toBe(true);
    expect(guard.isReplay('d-3')).toBe(false);
  });

  test('the window is inclusive, then the id is forgotten and accepted again (and remembered anew)', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now });
    guard.isReplay('d-1');
    clock.advance(5 * MINUTE);
    expect(guard.isReplay('d-1')).toBe(true);
    clock.advance(1);
    expect(guard.isReplay('d-1')).toBe(false);
    clock.advance(MINUTE);
    expect(guard.isReplay('d-1')).toBe(true);
  });

  test('a replay does not extend the window of the first delivery', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: MINUTE, now: clock.now });
    guard.isReplay('d-1');
    clock.advance(MINUTE / 2);
    expect(guard.isReplay('d-1')).toBe(true);
    clock.advance(MINUTE / 2 + 1);
    expect(guard.isReplay('d-1')).toBe(false);
  });

  test('a delivery signed in the future (a sender clock ahead) is remembered until its timestamp plus the window', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now });
    const signedAt = clock.now() + 4 * MINUTE;
    expect(guard.isReplay('evt_1', signedAt)).toBe(false);
    clock.advance(8 * MINUTE); // a timestamp check with a 5-minute tolerance still accepts it (4 minutes old)
    expect(guard.isReplay('evt_1', signedAt)).toBe(true);
    clock.advance(MINUTE + 1);
    expect(guard.isReplay('evt_1', signedAt)).toBe(false);
  });

  test('a delivery signed in the past is remembered from its arrival', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now });
    expect(guard.isReplay('evt_2', clock.now() - 4 * MINUTE)).toBe(false);
    clock.advance(5 * MINUTE);
    expect(guard.isReplay('evt_2', clock.now() - 9 * MINUTE)).toBe(true);
  });

  test('expired ids are dropped as new ones arrive: the store does not grow past what the window holds', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 1000, now: clock.now });
    for (let i = 0; i < 10_000; i++) {
      guard.isReplay(`id-${i}`);
      clock.advance(10); // 100 ids per window
    }
    expect(guard.size).toBeLessThanOrEqual(101);
  });

  test('at most maxIds are kept; the oldest is forgotten first', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now, maxIds: 3 });
    for (const id of ['a', 'b', 'c', 'd']) guard.isReplay(id);
    expect(guard.size).toBe(3);
    expect(guard.isReplay('d')).toBe(true);
    expect(guard.isReplay('c')).toBe(true);
    expect(guard.isReplay('a')).toBe(false); // forgotten early: the documented cost of the cap
  });

  test('the default cap is 100,000 ids', () => {
    expect(MAX_REMEMBERED_IDS).toBe(100_000);
  });

  test('ids that look like object keys, and very long ids, are ids like any other', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: MINUTE, now: clock.now });
    const long = 'x'.repeat(1024 * 1024);
    for (const id of ['__proto__', 'constructor', 'toString', '', long]) expect(guard.isReplay(id)).toBe(false);
    for (const id of ['__proto__', 'constructor', 'toString', '', long]) expect(guard.isReplay(id)).toBe(true);
    expect(guard.isReplay(`${long}y`)).toBe(false);
  });
});

describe('verifyDelivery with replay protection', () => {
  const body = Buffer.from('{"a":1}');
  const verified = (id: string | null, signedAt?: number) => (): VerifyResult => ({ ok: true, event: 'push', id, ...(signedAt === undefined ? {} : { signedAt }) });

  test('the second delivery of an id → 401 replay, reported as reason "replay" with its event', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: 5 * MINUTE, now: clock.now });
    expect(verifyDelivery(verified('d-1'), body, {}, guard).outcome).toEqual({ event: 'push', size: 7, verified: true, reason: null, status: 200 });
    clock.advance(MINUTE);
    expect(verifyDelivery(verified('d-1'), body, {}, guard)).toEqual({
      answer: { status: 401, payload: { error: 'replay', message: 'delivery id "d-1" was already received (replay window 300s)' } },
      outcome: { event: 'push', size: 7, verified: false, reason: REPLAY_REASON, status: 401 },
    });
    expect(REPLAY_REASON).toBe('replay');
  });

  test('a long id is cut to 64 characters in the message', () => {
    const guard = new ReplayGuard({ windowMs: MINUTE, now: manualClock().now });
    const id = 'i'.repeat(500);
    verifyDelivery(verified(id), body, {}, guard);
    const again = verifyDelivery(verified(id), body, {}, guard);
    expect((again.answer.payload as { message: string }).message).toBe(`delivery id "${'i'.repeat(64)}…" was already received (replay window 60s)`);
  });

  test('the signed timestamp (seconds) sets when the window starts', () => {
    const clock = manualClock();
    const guard = new ReplayGuard({ windowMs: MINUTE, now: clock.now });
    const ahead = (clock.now() + 2 * MINUTE) / 1000;
    verifyDelivery(verified('evt_1', ahead), body, {}, guard);
    clock.advance(2 * MINUTE + MINUTE / 2);
    expect(verifyDelivery(verified('evt_1', ahead), body, {}, guard).outcome.reason).toBe('replay');
  });

  test('deliveries without an id (hmac) are never replays', () => {
    const guard = new ReplayGuard({ windowMs: MINUTE, now: manualClock().now });
    expect(verifyDelivery(verified(null), body, {}, guard).outcome.verified).toBe(true);
    expect(verifyDelivery(verified(null), body, {}, guard).outcome.verified).toBe(true);
    expect(guard.size).toBe(0);
  });

  test('a delivery that fails verification is not remembered: the authentic one with its id is then accepted', () => {
    const guard = new ReplayGuard({ windowMs: MINUTE, now: manualClock().now });
    const forged = (): VerifyResult => ({ ok: false, reason: 'bad-signature', message: 'no match', event: 'push' });
    expect(verifyDelivery(forged, body, {}, guard).outcome.status).toBe(401);
    expect(guard.size).toBe(0);
    expect(verifyDelivery(verified('d-1'), body, {}, guard).outcome.verified).toBe(true);
  });

  test('without a guard (--replay-window 0) the same id is accepted every time', () => {
    expect(verifyDelivery(verified('d-1'), body, {}).outcome.verified).toBe(true);
    expect(verifyDelivery(verified('d-1'), body, {}).outcome.verified).toBe(true);
  });
});

describe('replayWindowFor (the window the command chooses)', () => {
  const tolerance = 10 * MINUTE;
  test.each([
    ['github', undefined, DEFAULT_REPLAY_WINDOW_MS],
    ['stripe', undefined, tolerance],
    ['standard', undefined, tolerance],
    ['hmac', undefined, 0],
    ['github', '90', 90_000],
    ['github', '0', 0],
    ['stripe', '1h', 3_600_000],
    ['standard', '0', 0],
  ] as const)('%s with --replay-window %j → %d ms', (scheme, given, windowMs) => {
    expect(replayWindowFor(scheme, given, tolerance)).toBe(windowMs);
  });

  test('the github default is 5 minutes', () => {
    expect(DEFAULT_REPLAY_WINDOW_MS).toBe(5 * MINUTE);
  });

  test.each([
    ['github', 'soon', '--replay-window: invalid duration "soon" (use 30s, 5m, 1h, or a number of seconds)'],
    ['github', '-5', '--replay-window: invalid duration "-5" (use 30s, 5m, 1h, or a number of seconds)'],
    ['hmac', '5m', '--replay-window: not used by the hmac scheme, whose deliveries carry no id'],
  ] as const)('%s with --replay-window %j is a usage error', (scheme, given, message) => {
    expect(() => replayWindowFor(scheme, given, tolerance)).toThrow(UsageError);
    expect(() => replayWindowFor(scheme, given, tolerance)).toThrow(message);
  });
});
