/**
 * `load --suite` on a discrete-event clock (test/helpers/fake-load-timers.ts), driven one event at a time with the
 * promises of each step settled in between: the closed model (a virtual user keeps its captures) and the open model
 * (--rate: passes started on a schedule, each a new arrival; a stall shows in the corrected latency only).
 */
import { describe, expect, test } from '@jest/globals';
import { startSuiteLoad, type SuiteLoadPlan } from '../../src/load/run-suite-load.js';
import { summaryOf } from '../../src/load/load-report.js';
import type { LoadRun } from '../../src/load/run-load.js';
import type { SuiteLoadOutcome } from '../../src/engine/load-transport.js';
import type { RequestSpec } from '../../src/model/request-spec.js';
import { parseSuiteText } from '../../src/suite/load-suite.js';
import { fakeTimers, type FakeTimers } from '../helpers/fake-load-timers.js';

const SUITE = `baseUrl: http://127.0.0.1:1
steps:
  - name: create
    method: POST
    url: /users
    capture: { id: $.id }
  - name: read
    url: /users/{{ id }}
`;

async function compile(text: string) {
  const loaded = await parseSuiteText(text, 'suite.yaml', '/tmp', { cliVars: new Map(), env: {}, filter: null, schemaCache: new Map() });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.suite;
}

/** Runs the clock until the run is done: one event, then every promise that event let go (bounded). */
async function drive(timers: FakeTimers, done: Promise<LoadRun>): Promise<LoadRun> {
  let finished = false;
  const result = done.finally(() => {
    finished = true;
  });
  const settle = () => new Promise<void>((r) => setImmediate(r));
  for (let i = 0; i < 200_000 && !finished; i++) {
    await settle();
    if (finished) break;
    if (!timers.runNext()) {
      await settle();
      if (!finished && !timers.runNext()) throw new Error('the run is stuck: no event left and not done');
    }
  }
  if (!finished) throw new Error('the run did not end within 200,000 events');
  return result;
}

/** A server on the fake clock: POST /users answers {"id": n} (n counts up), GET /users/n answers 200 when n was created. */
function fakeApi(timers: FakeTimers, latency: (sentAt: number) => number) {
  let created = 0;
  const requests: Array<{ method: string; path: string; at: number }> = [];
  const send = (spec: RequestSpec, _keep: unknown, done: (o: SuiteLoadOutcome) => void): void => {
    const at = timers.now();
    const path = new URL(spec.url).pathname;
    requests.push({ method: spec.method, path, at });
    const answer = (): SuiteLoadOutcome => {
      if (spec.method === 'POST') {
        created += 1;
        const body = Buffer.from(JSON.stringify({ id: created }));
        return { status: 201, bytes: body.length, retryAfter: null, errorKind: null, headers: Object.create(null), body, bodyTooLarge: false, writtenAt: at };
      }
      const n = Number(path.split('/').pop());
      return { status: n >= 1 && n <= created ? 200 : 404, bytes: 2, retryAfter: null, errorKind: null, headers: Object.create(null), body: null, bodyTooLarge: false, writtenAt: at };
    };
    timers.after(latency(at), () => done(answer()));
  };
  return { send, requests };
}

const PLAN = { users: 2, durationMs: 1000, requests: null, warmupMs: 0, rate: null, cliVars: new Map<string, string>(), env: {} } satisfies Omit<SuiteLoadPlan, 'suite'>;

async function run(plan: Partial<SuiteLoadPlan>, latency: (sentAt: number) => number) {
  const suite = await compile(SUITE);
  const timers = fakeTimers();
  const api = fakeApi(timers, latency);
  const started = startSuiteLoad({ ...PLAN, suite, ...plan }, { send: api.send, checkOrigin: async () => undefined, timers });
  const result = await drive(timers, started.done);
  return { result, api, latency: summaryOf(result.recorder.latency), uncorrected: result.recorder.uncorrected === null ? null : summaryOf(result.recorder.uncorrected) };
}

describe('load --suite, closed model', () => {
  test('each user creates then reads back its own user, over and over; uncorrected latency is not kept', async () => {
    const { result, api } = await run({ users: 2, durationMs: 100 }, () => 5);
    // 2 users, 5 ms per request, 100 ms: 20 requests each (the last answered after the end is counted too).
    expect(result.recorder.total).toBeGreaterThanOrEqual(40);
    expect(result.recorder.ok).toBe(result.recorder.total);
    expect(result.recorder.uncorrected).toBeNull();
    expect(api.requests.filter((r) => r.method === 'GET').every((r) => r.path !== '/users/undefined')).toBe(true);
    expect(result.steps?.map((t) => t.name)).toEqual(['create', 'read']);
  });
});

describe('load --suite --rate (open model)', () => {
  test('10 passes/s for 1 s on a fast server: 10 passes (20 requests), each started on time, a new arrival each', async () => {
    const { result, api, latency, uncorrected } = await run({ users: 2, durationMs: 1000, rate: { count: 10, perMs: 1000 } }, () => 2);
    expect(result.recorder.total).toBe(20);
    expect(result.recorder.ok).toBe(20);
    expect(result.recorder.notSentOnTime).toBe(0);
    // Pass i starts at 1000 + 100 i: its create then its read 2 ms later.
    const creates = api.requests.filter((r) => r.method === 'POST').map((r) => r.at);
    expect(creates).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + 100 * i));
    // Each pass read back the user it created (ids 1..10 in order).
    expect(api.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/users/${i + 1}`));
    expect(latency.p99).toBeCloseTo(2, 1);
    expect(uncorrected?.p99).toBeCloseTo(2, 1);
    expect(result.steps?.map((t) => [t.name, t.total, t.ok])).toEqual([
      ['create', 10, 10],
      ['read', 10, 10],
    ]);
  });

  test('a 300 ms stall with 1 virtual user: the passes due meanwhile wait; the corrected latency shows it, the uncorrected one hides it', async () => {
    // 50 passes/s (one every 20 ms) for 1 s; every request takes 1 ms, but the one sent at 1200 ms takes 300.
    const { result, latency, uncorrected } = await run({ users: 1, durationMs: 1000, rate: { count: 50, perMs: 1000 } }, (at) => (at === 1200 ? 300 : 1));
    expect(result.recorder.total).toBe(100);
    // The ~15 passes due during the stall started late.
    expect(result.recorder.notSentOnTime).toBeGreaterThanOrEqual(13);
    expect(latency.max).toBeGreaterThanOrEqual(299);
    expect(latency.p90).toBeGreaterThan(50);
    expect(uncorrected?.p90).toBeLessThan(2);
  });

  test('-n 7: exactly 7 requests counted, and the run ends', async () => {
    const { result } = await run({ users: 3, durationMs: null, requests: 7, rate: { count: 100, perMs: 1000 } }, () => 3);
    expect(result.recorder.total).toBe(7);
    expect(result.stoppedBy).toBe('requests');
  });

  test('passes due but never started by the end (every user busy): not started on time, never started', async () => {
    // 1 user, a pass due every 10 ms, each request answered in 100 ms: most passes never start.
    const { result } = await run({ users: 1, durationMs: 500, rate: { count: 100, perMs: 1000 } }, () => 100);
    expect(result.recorder.neverSent).toBeGreaterThan(40);
    expect(result.recorder.notSentOnTime).toBeGreaterThanOrEqual(result.recorder.neverSent);
  });

  test('--warmup: passes meant to start in the warm-up are not counted', async () => {
    const { result, api } = await run({ users: 2, durationMs: 500, warmupMs: 300, rate: { count: 10, perMs: 1000 } }, () => 2);
    expect(api.requests).toHaveLength(16); // 3 passes of warm-up, 5 measured
    expect(result.recorder.total).toBe(10);
  });
});
