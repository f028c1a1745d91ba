/**
 * The load runner on a discrete-event clock (test/helpers/fake-load-timers.ts): the closed and open models, the
 * corrected and uncorrected latencies of a stall (coordinated omission), warm-up, the drain at the end, Ctrl-C.
 */
import { describe, expect, test } from '@jest/globals';
import { startLoad, type LoadPlan } from '../../src/load/run-load.js';
import { createRateSchedule, isLate, LATE_MS, rateWindow } from '../../src/load/schedule.js';
import { summaryOf } from '../../src/load/load-report.js';
import { fakeServer, fakeTimers } from '../helpers/fake-load-timers.js';

const PLAN: LoadPlan = { connections: 1, pipelining: 1, durationMs: null, requests: null, warmupMs: 0, rate: null, drainMs: 2000 };

async function run(plan: Partial<LoadPlan>, latency: (i: number, at: number) => number | null, signal?: AbortSignal) {
  const timers = fakeTimers();
  const server = fakeServer(timers, latency);
  const started = startLoad({ ...PLAN, ...plan }, { send: server.send, timers, ...(signal === undefined ? {} : { signal }) });
  timers.runAll();
  const result = await started.done;
  return { result, server, summary: summaryOf(result.recorder.latency), uncorrected: result.recorder.uncorrected === null ? null : summaryOf(result.recorder.uncorrected) };
}

describe('rate schedule', () => {
  test('request i is due at start + i / rate, whatever happened before', () => {
    const s = createRateSchedule({ count: 100, perMs: 1000 }, 5000);
    expect(s.intervalMs).toBe(10);
    expect(s.intendedAt(0)).toBe(5000);
    expect(s.intendedAt(7)).toBe(5070);
    expect(s.dueBy(4999)).toBe(0);
    expect(s.dueBy(5000)).toBe(1);
    expect(s.dueBy(5095)).toBe(10);
    // The end of a 1 s window at 200/s, computed in floating point: exactly 200 requests are due before it.
    const t = createRateSchedule({ count: 200, perMs: 1000 }, 1234.567);
    expect(t.dueBefore(1234.567 + 0 + 1000)).toBe(200);
    expect(t.dueBefore(1234.567 + 1000.001)).toBe(201);
    // A slow rate (1 per hour): request 0, at the start, is due before the end of a 1 s window.
    const slow = createRateSchedule({ count: 1, perMs: 3_600_000 }, 1000);
    expect(slow.dueBefore(2000)).toBe(1);
    expect(slow.dueBefore(1000)).toBe(0);
  });

  test('the measured window by index: warm-up backlog skipped once it opens, nothing past its end, never-sent counted', () => {
    // 100/s from 1000; a 200 ms warm-up, then 1 s: requests 20..119 are the window's.
    const w = rateWindow(createRateSchedule({ count: 100, perMs: 1000 }, 1000), 1200, 1000);
    expect([w.first, w.end]).toEqual([20, 120]);
    expect(w.resume(5, 1100)).toBe(5); // still in the warm-up: go on
    expect(w.resume(5, 1200)).toBe(20); // the window opened: the warm-up's backlog is skipped
    expect(w.resume(30, 1300)).toBe(30);
    expect(w.due(1500)).toBe(51);
    expect(w.due(5000)).toBe(120);
    expect(w.neverSent(100, 2200)).toBe(20);
    expect(w.neverSent(10, 2200)).toBe(100);
    expect(w.neverSent(120, 2200)).toBe(0);
    expect(rateWindow(createRateSchedule({ count: 100, perMs: 1000 }, 0), 0, null).end).toBe(Number.POSITIVE_INFINITY);
  });

  test.each([
    [0, 0, false],
    [0, LATE_MS, false],
    [0, LATE_MS + 0.001, true],
  ])('sent %p → %p is late: %p', (intended, sent, late) => {
    expect(isLate(intended, sent)).toBe(late);
  });
});

describe('closed model', () => {
  test('-n 100 on 2 connections: exactly 100 requests, latency as the server answered', async () => {
    const { result, server, summary } = await run({ connections: 2, requests: 100 }, () => 10);
    expect(server.sent).toHaveLength(100);
    expect(result.recorder.total).toBe(100);
    expect(result.recorder.ok).toBe(100);
    expect(result.stoppedBy).toBe('requests');
    // HDR keeps a value within 0.1% (it reports the highest equivalent value of its bucket).
    expect(summary.p50).toBeCloseTo(10, 1);
    expect(summary.max).toBeCloseTo(10, 1);
    // 2 at a time, 10 ms each: 50 rounds.
    expect(result.elapsedMs).toBeCloseTo(500, 0);
    expect(result.recorder.uncorrected).toBeNull();
  });

  test('-d: stops sending at the duration, waits for the requests in flight', async () => {
    const { result, server } = await run({ connections: 3, pipelining: 2, durationMs: 1000 }, () => 100);
    // 6 slots, 100 ms each, 1000 ms: 10 rounds of 6, and the 11th round is sent at t=1000 only if before the end.
    expect(result.recorder.total).toBe(server.sent.length);
    expect(result.recorder.total).toBeGreaterThanOrEqual(60);
    expect(result.recorder.total).toBeLessThanOrEqual(66);
    expect(result.stoppedBy).toBe('duration');
  });

  test('--warmup: requests sent during the warm-up are not counted', async () => {
    const { result, server } = await run({ connections: 1, durationMs: 1000, warmupMs: 500 }, () => 10);
    expect(server.sent.length).toBeGreaterThanOrEqual(149);
    expect(result.recorder.total).toBeGreaterThanOrEqual(99);
    expect(result.recorder.total).toBeLessThanOrEqual(101);
    expect(result.elapsedMs).toBeCloseTo(1000, -1);
  });

  test('requests never answered are recorded as unfinished after the drain', async () => {
    const { result } = await run({ connections: 2, requests: 4, drainMs: 300 }, (i) => (i < 2 ? 5 : null));
    expect(result.recorder.total).toBe(4);
    expect(result.recorder.ok).toBe(2);
    expect(Object.fromEntries(result.recorder.errors)).toEqual({ unfinished: 2 });
  });

  test('Ctrl-C: stops at once with what finished', async () => {
    const timers = fakeTimers();
    const server = fakeServer(timers, () => 10);
    const abort = new AbortController();
    const started = startLoad({ ...PLAN, durationMs: 10_000 }, { send: server.send, timers, signal: abort.signal });
    timers.after(95, () => abort.abort());
    timers.runAll();
    const result = await started.done;
    expect(result.stoppedBy).toBe('interrupt');
    expect(result.recorder.total).toBe(9);
    expect(result.elapsedMs).toBeCloseTo(95, 0);
  });
});

describe('open model (--rate)', () => {
  test('100/s for 1 s on an instant server: 100 requests, all on time, corrected = uncorrected', async () => {
    const { result, summary, uncorrected } = await run({ connections: 2, durationMs: 1000, rate: { count: 100, perMs: 1000 } }, () => 1);
    expect(result.recorder.total).toBe(100);
    expect(result.recorder.notSentOnTime).toBe(0);
    expect(summary.p99).toBeCloseTo(1, 1);
    expect(uncorrected?.p99).toBeCloseTo(1, 1);
  });

  test('a 200 ms stall on 1 connection: the corrected p99 shows it, the uncorrected one hides it', async () => {
    // Answers in 1 ms, except the request sent at 500 ms, which takes 200 ms.
    const { result, summary, uncorrected } = await run({ connections: 1, durationMs: 1000, rate: { count: 100, perMs: 1000 } }, (_i, at) => (at >= 1500 && at < 1501 ? 200 : 1));
    expect(result.recorder.total).toBe(100);
    // The ~19 requests due during the stall waited for the connection: late, and charged for the wait.
    expect(result.recorder.notSentOnTime).toBeGreaterThanOrEqual(18);
    expect(summary.max).toBeGreaterThanOrEqual(199);
    expect(summary.p90).toBeGreaterThan(50);
    expect(uncorrected?.p90).toBeLessThan(2);
    expect(uncorrected?.p95).toBeLessThan(2);
  });

  test('-n with --rate: exactly n requests, on schedule', async () => {
    const { result, server } = await run({ connections: 4, requests: 50, rate: { count: 1000, perMs: 1000 } }, () => 2);
    expect(server.sent).toHaveLength(50);
    expect(result.recorder.total).toBe(50);
    expect(server.sent[49]! - server.sent[0]!).toBeCloseTo(49, 0);
  });

  test('requests still waiting for a connection at the end count as not sent on time', async () => {
    const { result } = await run({ connections: 1, durationMs: 1000, rate: { count: 100, perMs: 1000 }, drainMs: 10 }, () => 400);
    // One at a time, 400 ms each: 3 sent (0, 400, 800), the other 97 due never left on time.
    expect(result.recorder.notSentOnTime).toBe(99);
    expect(result.recorder.neverSent).toBe(97);
  });

  test('a warm-up backlog is dropped when the window opens: the window\'s own requests are sent and counted', async () => {
    // 1 connection, 20 ms per request, 100/s: during a 500 ms warm-up ~25 are sent and ~25 are left waiting.
    const { result, server } = await run({ connections: 1, durationMs: 1000, warmupMs: 500, rate: { count: 100, perMs: 1000 } }, () => 20);
    // The window's requests are the window's: about 50 sent in 1 s (one connection, 20 ms each), all counted.
    expect(result.recorder.total).toBeGreaterThanOrEqual(48);
    expect(server.sent.filter((t) => t >= 1500 && t < 2500).length).toBeGreaterThanOrEqual(48);
  });

  test('late requests due in the first second are counted apart (a slow start)', async () => {
    // The generator wakes 20 ms late during the first 500 ms (as while its code is still being compiled).
    const timers = fakeTimers(1000, (at) => (at < 1500 ? 20 : 0));
    const server = fakeServer(timers, () => 1);
    const started = startLoad({ ...PLAN, connections: 10, durationMs: 2000, rate: { count: 100, perMs: 1000 } }, { send: server.send, timers });
    timers.runAll();
    const { recorder } = await started.done;
    expect(recorder.total).toBe(200);
    // Of each batch sent on a late wake-up, those more than 5 ms late: about 2 in 3 of the first 50.
    expect(recorder.notSentOnTime).toBeGreaterThanOrEqual(25);
    expect(recorder.lateFirstSecond).toBe(recorder.notSentOnTime);
  });

  test('late requests after the first second are not in the first-second count', async () => {
    // One connection; the server takes 50 ms per request from 1.5 s into the run on.
    const { result } = await run({ connections: 1, durationMs: 2000, rate: { count: 100, perMs: 1000 } }, (_i, at) => (at >= 2500 ? 50 : 1));
    expect(result.recorder.notSentOnTime).toBeGreaterThanOrEqual(40);
    expect(result.recorder.lateFirstSecond).toBe(0);
  });
});

