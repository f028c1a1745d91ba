/**
 * The settled record of a load run: histogram → document (percentiles, counts, the encoded histogram that decodes
 * back), the SLO subjects and their figures, the table, JUnit, and the published schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createLoadRecorder, createStepTally, tallyStep } from '../../src/load/recorder.js';
import { createHistogram, decodeHistogram, recordMs } from '../../src/load/hdr.js';
import { bucketsOf, figuresOf, settleLoad } from '../../src/load/load-report.js';
import type { LoadRun } from '../../src/load/run-load.js';
import { evaluateLoadExpectation, parseLoadExpectation } from '../../src/expect/load-expectation.js';
import { LOAD_OUTPUT_SCHEMA_PATH, loadOutputSchema, loadOutputSchemaText } from '../../src/model/load-document-json-schema.js';
import { renderLoadTable } from '../../src/render/load-report.js';
import { renderLoadJunit } from '../../src/render/reporters/load-junit.js';
import { createTheme } from '../../src/render/theme.js';
import { UsageError } from '../../src/errors.js';

const ok = (status = 200, bytes = 100) => ({ status, bytes, retryAfter: status === 429 ? '2' : null, errorKind: null });

/** 1,000 requests in 2 s: latencies 1..1000 ms (uniform), 10 of them 503, 5 of them 429, 3 timeouts. */
function sampleRun(corrected: boolean): LoadRun {
  const r = createLoadRecorder(corrected);
  for (let i = 1; i <= 982; i++) r.record(ok(), i, corrected ? i / 2 : i);
  for (let i = 0; i < 10; i++) r.record(ok(503), 1000, 1000);
  for (let i = 0; i < 5; i++) r.record(ok(429), 1, 1);
  for (let i = 0; i < 3; i++) r.record({ status: null, bytes: 0, retryAfter: null, errorKind: 'timeout' }, 0, 0);
  return { recorder: r, elapsedMs: 2000, stoppedBy: 'duration', measureStart: 0 };
}

const META = { url: 'http://127.0.0.1:3000/users', connections: 10, rate: null, warmupMs: 0 };

describe('histogram → document', () => {
  const report = settleLoad(sampleRun(false), META, []);
  const d = report.document;

  test('counts: total, ok, failed, statuses, errors, throttled, rps, bytes/s', () => {
    expect(d.requests).toEqual({ total: 1000, ok: 982, failed: 18, notSentOnTime: 0 });
    expect(d.statuses).toEqual({ '200': 982, '429': 5, '503': 10 });
    expect(d.errors).toEqual({ timeout: 3 });
    expect(d.throttled).toBe(5);
    expect(d.rps).toBe(500);
    expect(d.bytesPerSecond).toBe((997 * 100) / 2);
    expect(d.latencyUncorrected).toBeNull();
    expect(report.retryAfter).toEqual({ count: 5, last: '2' });
  });

  test('percentiles in ms from the HDR histogram (within 0.1%), responses only', () => {
    expect(d.latency.p50).toBeCloseTo(492, -1);
    // The 10 slowest of 997 responses took 1000 ms: p99 is one of them.
    expect(d.latency.p99).toBeCloseTo(1000, 0);
    expect(d.latency.p90).toBeCloseTo(897, -1);
    expect(d.latency.max).toBeCloseTo(1000, 0);
    expect(d.latency.p999).toBeLessThanOrEqual(d.latency.max);
    expect(d.latency.p50).toBeLessThan(d.latency.p90);
  });

  test('the encoded histogram decodes to the same distribution', () => {
    const h = decodeHistogram(d.histogram);
    expect(h.totalCount).toBe(997);
    expect(h.getValueAtPercentile(50) / 1000).toBeCloseTo(d.latency.p50, 3);
    // Decoded, the maximum is its bucket's highest value: within 0.1%.
    expect(Math.abs(h.maxValue / 1000 - d.latency.max)).toBeLessThanOrEqual(d.latency.max * 0.001);
  });

  test('the table holds buckets that add up to the responses', () => {
    expect(report.buckets).toHaveLength(10);
    expect(report.buckets.reduce((n, b) => n + b.count, 0)).toBe(997);
    const table = renderLoadTable(report, createTheme(0));
    expect(table).toContain('Latency distribution');
    expect(table).toContain('429  5  throttled');
    expect(table).toContain('timeout');
    expect(renderLoadTable(report, createTheme(0), true)).not.toMatch(/\d+\.\d+ ms/);
  });

  test('one distinct latency: one bar, not ten that read the same', () => {
    const h = createHistogram();
    for (let i = 0; i < 5; i++) recordMs(h, 2);
    expect(bucketsOf(h).buckets).toEqual([{ toMs: 2, count: 5 }]);
  });

  test('with --rate: corrected and uncorrected latencies', () => {
    const corrected = settleLoad(sampleRun(true), { ...META, rate: 500 }, []).document;
    expect(corrected.latencyUncorrected).not.toBeNull();
    expect(corrected.latencyUncorrected!.p50).toBeLessThan(corrected.latency.p50);
  });

  test('--suite: each step\'s figures (requests, ok, failed, its own percentiles), in order; null without --suite', () => {
    expect(d.steps).toBeNull();
    const login = createStepTally('login');
    const list = createStepTally('list');
    for (let i = 1; i <= 100; i++) tallyStep(login, true, true, i);
    for (let i = 1; i <= 50; i++) tallyStep(list, i > 10, true, 1000 + i);
    tallyStep(list, false, false, 0); // not sent: a capture it needed failed
    const withSteps = settleLoad({ ...sampleRun(false), steps: [login, list] }, META, []);
    const steps = withSteps.document.steps ?? [];
    expect(steps.map((t) => [t.name, t.requests, t.ok, t.failed])).toEqual([
      ['login', 100, 100, 0],
      ['list', 51, 40, 11],
    ]);
    expect(steps[0]?.latency.p50).toBeCloseTo(50, 0);
    expect(steps[1]?.latency.max).toBeCloseTo(1050, 0);
    const table = renderLoadTable(withSteps, createTheme(0));
    expect(table).toContain('  Steps (latency of their responses)\n    login  100 req   0 failed  p50 50.02 ms  p99 99.01 ms  max 100.0 ms\n    list    51 req  11 failed  p50 1,025 ms  p99 1,050 ms  max 1,050 ms\n');
    expect(new Ajv2020({ strict: false }).compile(loadOutputSchema())(withSteps.document)).toBe(true);
  });

  test('the document validates against docs/load-output.schema.json, which is what gen-schemas writes', () => {
    const committed = readFileSync(new URL(`../../${LOAD_OUTPUT_SCHEMA_PATH}`, import.meta.url), 'utf8');
    expect(committed).toBe(loadOutputSchemaText());
    const validate = new Ajv2020({ strict: false }).compile(loadOutputSchema());
    expect(validate(d)).toBe(true);
    expect(validate({ ...d, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...d, errors: { bogus: 1 } })).toBe(false);
  });
});

describe('SLOs', () => {
  const figures = figuresOf(settleLoad(sampleRun(false), META, []).document);

  test('subjects: errors are failures other than 429; error_rate; status_5xx; throttled', () => {
    expect(figures.errors).toBe(13);
    expect(figures.error_rate).toBeCloseTo(0.013, 5);
    expect(figures.status_5xx).toBe(10);
    expect(figures.throttled).toBe(5);
    expect(figures.rps).toBe(500);
    expect(figures['p99.9']).toBeGreaterThanOrEqual(figures.p99);
  });

  test.each([
    ['p99 < 50ms', false],
    ['p99 < 2s', true],
    ['p50 <= 500', true],
    ['p99.9 < 0.5s', false],
    ['p90 < 0.5s', false],
    ['p50 < 0.5s', true],
    ['max <= 1001ms', true],
    ['mean > 1ms', true],
    ['rps >= 1000', false],
    ['rps >= 500/s', true],
    ['errors == 0', false],
    ['errors == 13', true],
    ['error_rate < 1%', false],
    ['error_rate < 0.02', true],
    ['status_5xx == 10', true],
    ['throttled != 0', true],
  ])('%s → %p', (text, expected) => {
    const check = evaluateLoadExpectation(parseLoadExpectation(text), figures);
    expect(check.ok).toBe(expected);
    if (!expected) expect(check.message).toMatch(/^[a-z0-9_.]+: expected /);
  });

  test('a failed SLO names the subject, the bound and the value', () => {
    expect(evaluateLoadExpectation(parseLoadExpectation('errors == 0'), figures).message).toBe('errors: expected == 0, got 13');
    expect(evaluateLoadExpectation(parseLoadExpectation('rps >= 1000'), figures).message).toBe('rps: expected >= 1000 req/s, got 500 req/s');
  });

  test.each([
    ['p50 < 2.5ms', 2.5],
    ['p50 < 0.4ms', 0.4],
    ['max <= 0.0004s', 0.4],
    ['p99 < 0.00026s', 0.26],
    ['p99.9 < 1m', 60_000],
    ['mean < 50 ms', 50],
    ['p90 < 1s250ms', 1250],
    ['p50 < 2.5', 2.5],
    ['p50 < 0.0001ms', 0.0001],
  ])('latency SLO %s keeps its exact value in ms: %p', (text, value) => {
    expect(parseLoadExpectation(text).value).toBe(value);
  });

  test('a sub-millisecond latency SLO is not rounded: 2.5ms fails at 2.637; the message shows the exact bound', () => {
    const p50 = { ...figures, p50: 2.637 };
    const check = evaluateLoadExpectation(parseLoadExpectation('p50 < 2.5ms'), p50);
    expect(check).toMatchObject({ ok: false, expected: 2.5, actual: 2.637, message: 'p50: expected < 2.5 ms, got 2.637 ms' });
    expect(evaluateLoadExpectation(parseLoadExpectation('p50 < 2.7ms'), p50).ok).toBe(true);
    const tiny = evaluateLoadExpectation(parseLoadExpectation('p50 < 0.0000001ms'), { ...figures, p50: 0.001 });
    expect(tiny).toMatchObject({ ok: false, expected: 1e-7, message: 'p50: expected < 0.0000001 ms, got 0.001 ms' });
    expect(evaluateLoadExpectation(parseLoadExpectation('max <= 0.0004s'), { ...figures, max: 0.5 }).message).toBe('max: expected <= 0.4 ms, got 0.5 ms');
  });

  test.each(['status == 200', 'p98 < 1ms', 'p50 < .5', 'p50 < 1e-3ms', 'p50 < -1ms', 'p50 < 250us', 'p99 <', 'p99 < fast', 'errors == 0.5', 'error_rate < 150%', 'p99 ~ 1ms'])('%s is a usage error', (text) => {
    expect(() => parseLoadExpectation(text)).toThrow(UsageError);
  });

  test('the table shows a met SLO with its figure in its unit', () => {
    const report = settleLoad(sampleRun(false), META, [parseLoadExpectation('p99 < 2s'), parseLoadExpectation('rps >= 100'), parseLoadExpectation('errors < 20')]);
    const table = renderLoadTable(report, createTheme(0));
    expect(table).toMatch(/✓ p99 < 2s \(\d+(\.\d+)? ms\)/);
    expect(table).toContain('✓ rps >= 100 (500 req/s)');
    expect(table).toContain('✓ errors < 20 (13)');
  });

  test('JUnit: one testcase per SLO, a failure for each failed one', () => {
    const report = settleLoad(sampleRun(false), META, [parseLoadExpectation('p99 < 2s'), parseLoadExpectation('errors == 0')]);
    const xml = renderLoadJunit(report);
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml).toContain('<testcase name="p99 &lt; 2s"');
    expect(xml).toContain('errors: expected == 0, got 13');
  });
});
