/**
 * The batch run (batch/run-batch.ts) with a fake transport and journal: concurrency bound, the journal before the
 * result line, selection, --strict, Ctrl-C (drain), and the window halving on a 429.
 */
import { describe, expect, test } from '@jest/globals';
import { createBatchGate } from '../../src/batch/batch-gate.js';
import { createConcurrencyWindow } from '../../src/batch/concurrency-window.js';
import type { JournalWriter } from '../../src/batch/journal.js';
import { readNdjsonRows } from '../../src/batch/read-ndjson.js';
import { parseRowSelection } from '../../src/batch/row-selection.js';
import type { RequestTemplates } from '../../src/batch/row-request.js';
import { compileTemplate } from '../../src/batch/row-template.js';
import { runBatch, type BatchDeps, type BatchPlan } from '../../src/batch/run-batch.js';
import type { SendResult, Transport } from '../../src/engine/transport.js';
import { EMPTY_TIMINGS } from '../../src/engine/types.js';
import { createRequestSpec, NO_AUTH } from '../../src/model/request-spec.js';
import { createRedactor } from '../../src/redact/redactor.js';
import { NO_CHECKS } from '../../src/result/settle.js';
import { systemClock } from '../../src/util/clock.js';

const base = createRequestSpec(
  { url: 'http://batch.invalid/', method: null, headers: [], body: { kind: 'none' }, auth: NO_AUTH, timeoutMs: 5000, connectTimeoutMs: null, followRedirects: false, maxRedirects: 10, insecure: false, ca: null, maxBodyBytes: null },
  { url: 'URL', method: '-X', headers: '-H', bearer: '--bearer', basic: '-u', apiKey: '--api-key', apiKeyHeader: '--api-key-header', timeout: '--timeout', connectTimeout: '--connect-timeout', maxRedirects: '--max-redirects', maxBody: '--max-body' },
);
const templates: RequestTemplates = { base, method: null, url: compileTemplate('http://127.0.0.1:9/x/{{ id }}', 'url'), query: [], headers: [], body: { kind: 'row' }, batch: null, key: { kind: 'auto' } };

/** Answers after `delayMs`; `status(n)` decides the n-th answer; records how many were in flight at most. */
function fakeTransport(status: (n: number, url: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 201 }), delayMs = 3) {
  let inFlight = 0;
  let n = 0;
  const stats = { max: 0, sent: [] as string[], maxAfter429: 0, saw429: false };
  const transport: Transport = {
    close: () => undefined,
    send: async (request) => {
      n++;
      const answer = status(n, request.url);
      inFlight++;
      stats.max = Math.max(stats.max, inFlight);
      if (stats.saw429) stats.maxAfter429 = Math.max(stats.maxAfter429, inFlight);
      stats.sent.push(request.url);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      if (answer.status === 429) stats.saw429 = true;
      const result: SendResult = {
        kind: 'response',
        head: { status: answer.status, statusText: '', httpVersion: '1.1', headers: answer.headers ?? {}, rawHeaders: [] },
        body: Buffer.from('{"ok":true}'),
        size: 11,
        undecoded: [],
        sent: null,
        timings: EMPTY_TIMINGS,
      };
      return result;
    },
  };
  return { transport, stats };
}

function rows(n: number, extra = ''): AsyncIterable<import('../../src/batch/row.js').RowItem> {
  return readNdjsonRows([Array.from({ length: n }, (_, i) => `{"id":${i + 1}}\n`).join('') + extra]);
}

function plan(over: Partial<BatchPlan> = {}): BatchPlan {
  return { rows: rows(40), templates, selection: null, onlyFailed: null, resume: null, strict: false, retry: { limit: 0, retryOn: [429, 503], baseDelayMs: 1, maxDelayMs: 1000, factor: 2, allMethods: false }, checks: NO_CHECKS, withBody: false, env: {}, dryRun: null, ...over };
}

function deps(transport: Transport, over: Partial<BatchDeps> = {}, concurrency = 4) {
  const journaled = new Set<number>();
  const order: string[] = [];
  const journal: JournalWriter = {
    append: async (entries) => {
      await new Promise((r) => setTimeout(r, 1));
      for (const e of entries) journaled.add(e.i);
    },
    close: async () => undefined,
  };
  const emitted: any[] = [];
  const d: BatchDeps = {
    engine: { transport, random: () => 0.5 },
    clock: systemClock,
    limiter: null,
    gate: createBatchGate(systemClock, 1000, true),
    window: createConcurrencyWindow(concurrency, () => Date.now()),
    drain: new AbortController().signal,
    abort: new AbortController().signal,
    journal,
    emit: async (line) => {
      const parsed = JSON.parse(line);
      // A result line is written only once the row's journal entry is durable.
      order.push(journaled.has(parsed.index) ? 'journaled-first' : 'EMITTED-BEFORE-JOURNAL');
      emitted.push(parsed);
    },
    redactor: () => createRedactor(),
    ...over,
  };
  return { d, emitted, order, journaled };
}

describe('runBatch', () => {
  test('never more than -c requests in flight; every row one result, journaled before it is written', async () => {
    const { transport, stats } = fakeTransport();
    const { d, emitted, order } = deps(transport);
    const outcome = await runBatch(plan(), d);
    expect(stats.max).toBeLessThanOrEqual(4);
    expect(stats.max).toBe(4);
    expect(emitted.map((e) => e.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(order)).toEqual(new Set(['journaled-first']));
    expect(outcome).toMatchObject({ stoppedBy: 'end', counts: { rows: 40, ok: 40, failed: 0, requests: 40 } });
  });

  test('--rows selects, and reading stops after the last row selected', async () => {
    const { transport, stats } = fakeTransport();
    const { d } = deps(transport);
    await runBatch(plan({ selection: parseRowSelection('3,5-6') }), d);
    expect(stats.sent.sort()).toEqual(['http://127.0.0.1:9/x/3', 'http://127.0.0.1:9/x/5', 'http://127.0.0.1:9/x/6']);
  });

  test('an invalid row is a failed result (the run goes on); with --strict the run stops there', async () => {
    const { transport } = fakeTransport();
    const loose = deps(transport);
    const outcome = await runBatch(plan({ rows: rows(3, 'oops\n{"id":5}\n') }), loose.d);
    expect(outcome.counts).toMatchObject({ rows: 5, ok: 4, failed: 1, invalid: 1 });
    const strictRun = deps(fakeTransport().transport, {}, 1);
    const strict = await runBatch(plan({ rows: rows(3, 'oops\n' + '{"id":9}\n'.repeat(20)), strict: true }), strictRun.d);
    expect(strict.stoppedBy).toBe('strict');
    expect(strict.strictRow).toMatchObject({ index: 4 });
    expect(strict.counts.rows).toBeLessThan(10);
  });

  test('Ctrl-C (drain): no row starts after it; rows in flight finish and are recorded', async () => {
    const { transport, stats } = fakeTransport(() => ({ status: 201 }), 5);
    const drain = new AbortController();
    const { d, emitted } = deps(transport, { drain: drain.signal, onProgress: (c) => (c.rows >= 10 ? drain.abort() : undefined) });
    const outcome = await runBatch(plan({ rows: rows(200) }), d);
    expect(outcome.stoppedBy).toBe('interrupt');
    expect(stats.sent.length).toBeLessThan(30);
    expect(emitted).toHaveLength(stats.sent.length);
    expect(outcome.counts.interrupted).toBe(0);
  });

  test('a 429 halves the window: fewer requests in flight after it', async () => {
    const { transport, stats } = fakeTransport((n) => (n === 10 ? { status: 429 } : { status: 201 }), 5);
    const { d } = deps(transport, {}, 8);
    const outcome = await runBatch(plan({ rows: rows(60) }), d);
    expect(stats.max).toBe(8);
    expect(d.window.stats.decreases).toBe(1);
    expect(outcome.counts.failed).toBe(1);
  });
});
