/**
 * A finished load run settled once into one record: the `--json` document (model/load-document.ts), the SLO
 * results, and what only the table shows (the latency distribution as buckets, Retry-After). Every view — the
 * table, `--json`, JUnit, the exit code — is built from this record; none recomputes a figure. Pure.
 */
import type { LatencySummary, LoadDocument } from '../model/load-document.js';
import { evaluateLoadExpectation, type LoadCheckResult, type LoadExpectation, type LoadFigures } from '../expect/load-expectation.js';
import { encodeHistogram, recordedValues, type Histogram } from './hdr.js';
import type { LoadRun } from './run-load.js';

export interface LatencyBucket {
  /** Upper bound of the bucket, ms (the first bucket starts at the fastest response). */
  readonly toMs: number;
  readonly count: number;
}

export interface LoadReport {
  readonly document: LoadDocument;
  readonly checks: readonly LoadCheckResult[];
  readonly buckets: readonly LatencyBucket[];
  readonly fastestMs: number;
  readonly retryAfter: { readonly count: number; readonly last: string | null };
  readonly stoppedBy: LoadRun['stoppedBy'];
  readonly warmupMs: number;
  /** Of `requests.notSentOnTime`, those due in the first second of the measured window. */
  readonly lateFirstSecond: number;
  /** Of `requests.notSentOnTime`, those never sent (still waiting for a connection when the window ended). */
  readonly neverSent: number;
}

export interface LoadMeta {
  /** Masked. */
  readonly url: string;
  readonly connections: number;
  /** Requests per second (--suite: passes per second), or null (closed model). */
  readonly rate: number | null;
  readonly warmupMs: number;
}

/** The number of bars of the table's latency histogram (hey prints 11, oha 11). */
export const BUCKETS = 10;

export function settleLoad(run: LoadRun, meta: LoadMeta, expectations: readonly LoadExpectation[]): LoadReport {
  const r = run.recorder;
  const seconds = run.elapsedMs / 1000;
  const statuses: Record<string, number> = {};
  for (const [status, n] of [...r.statuses].sort((a, b) => a[0] - b[0])) statuses[String(status)] = n;
  const errors: Record<string, number> = {};
  for (const [kind, n] of [...r.errors].sort((a, b) => a[0].localeCompare(b[0]))) errors[kind] = n;
  const latency = summaryOf(r.latency);
  const document: LoadDocument = {
    schemaVersion: 1,
    url: meta.url,
    connections: meta.connections,
    rate: meta.rate,
    durationMs: round3(run.elapsedMs),
    requests: { total: r.total, ok: r.ok, failed: r.total - r.ok, notSentOnTime: r.notSentOnTime },
    rps: seconds > 0 ? round3(r.total / seconds) : 0,
    bytesPerSecond: seconds > 0 ? round3(r.bytes / seconds) : 0,
    latency,
    latencyUncorrected: r.uncorrected === null ? null : summaryOf(r.uncorrected),
    statuses,
    errors: errors as LoadDocument['errors'],
    throttled: r.throttled,
    steps: run.steps === undefined ? null : run.steps.map((t) => ({ name: t.name, requests: t.total, ok: t.ok, failed: t.total - t.ok, latency: summaryOf(t.latency) })),
    histogram: encodeHistogram(r.latency),
    expectations: [],
  };
  const figures = figuresOf(document, r.throttledFailed);
  const checks = expectations.map((e) => evaluateLoadExpectation(e, figures));
  document.expectations = checks.map((c) => ({ expression: c.expression, ok: c.ok, expected: c.expected, actual: c.actual, message: c.message ?? null }));
  const { buckets, fastestMs } = bucketsOf(r.latency);
  return { document, checks, buckets, fastestMs, retryAfter: { count: r.retryAfter.count, last: r.retryAfter.last }, stoppedBy: run.stoppedBy, warmupMs: meta.warmupMs, lateFirstSecond: r.lateFirstSecond, neverSent: r.neverSent };
}

/**
 * The SLO subjects' values, from the document. `errors`: failed requests but the 429s that failed only by their
 * status (`throttledFailed`, recorder.ts; every 429 without --suite).
 */
export function figuresOf(doc: LoadDocument, throttledFailed: number = doc.throttled): LoadFigures {
  const status5xx = Object.entries(doc.statuses).reduce((n, [s, c]) => (s.startsWith('5') ? n + c : n), 0);
  const errors = doc.requests.failed - throttledFailed;
  return {
    p50: doc.latency.p50,
    p90: doc.latency.p90,
    p95: doc.latency.p95,
    p99: doc.latency.p99,
    'p99.9': doc.latency.p999,
    max: doc.latency.max,
    mean: doc.latency.mean,
    rps: doc.rps,
    errors,
    error_rate: doc.requests.total === 0 ? 0 : errors / doc.requests.total,
    status_5xx: status5xx,
    throttled: doc.throttled,
  };
}

export function summaryOf(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const ms = (us: number): number => round3(us / 1000);
  // A percentile is the highest value of its bucket (within 0.1%); never shown above the largest value recorded.
  const at = (p: number): number => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

/**
 * BUCKETS buckets from the fastest to the slowest response. Their bounds grow geometrically (each bucket is the
 * same factor wider than the one before), so a long tail — one 200 ms response among thousands of 1 ms ones —
 * does not squeeze every other response into the first bar, as equal widths (hey's) would.
 */
export function bucketsOf(h: Histogram): { buckets: LatencyBucket[]; fastestMs: number } {
  const values = recordedValues(h);
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return { buckets: [], fastestMs: 0 };
  // One distinct value: one bar (ten would all read the same bound).
  if (first.us === last.us) return { buckets: [{ toMs: round3(last.us / 1000), count: first.count }], fastestMs: round3(first.us / 1000) };
  const lo = Math.max(1, first.us);
  const hi = Math.max(lo + 1, last.us);
  const edges = Array.from({ length: BUCKETS }, (_, i) => lo * (hi / lo) ** ((i + 1) / BUCKETS));
  edges[BUCKETS - 1] = hi;
  const counts = new Array<number>(BUCKETS).fill(0);
  let i = 0;
  for (const v of values) {
    while (i < BUCKETS - 1 && v.us > (edges[i] as number)) i++;
    counts[i] = (counts[i] ?? 0) + v.count;
  }
  return { buckets: counts.map((count, k) => ({ toMs: round3((edges[k] as number) / 1000), count })), fastestMs: round3(first.us / 1000) };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
