import { z } from 'zod';
import { ExpectationResultSchema } from './request-document.js';

/**
 * The `--json` document of `apitest load`, version 1. The code builds documents of this type and the published
 * JSON Schema (docs/load-output.schema.json) is generated from this schema (scripts/gen-schemas.mjs), so the two
 * cannot drift. Times are milliseconds (floats, 0.001 ms resolution).
 */
const Ms = z.number().nonnegative();
const Count = z.number().int().nonnegative();

export const LatencySummarySchema = z
  .object({ p50: Ms, p90: Ms, p95: Ms, p99: Ms, p999: Ms, max: Ms, mean: Ms })
  .describe('Latency percentiles, maximum and mean in milliseconds, from the HDR histogram (values kept within 0.1%). All 0 when no response was received.');

export const LoadDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  url: z.string().describe('The URL loaded (credentials in it masked); with --suite, the suite file.'),
  connections: z.number().int().positive(),
  rate: z.number().positive().nullable().describe('--rate in requests per second (open model; with --suite, passes of the suite started per second); null: closed model, each connection sends as fast as it is answered.'),
  durationMs: Ms.describe('The measured window (after --warmup): from its start until the last counted request finished.'),
  requests: z.object({
    total: Count.describe('Requests sent in the measured window (a server-side count of the same window equals it).'),
    ok: Count.describe('Answered with a status below 400.'),
    failed: Count.describe('total - ok: no response (see errors), or a status of 400 or more (429 included: see throttled).'),
    notSentOnTime: Count.describe('With --rate: requests that left more than 5 ms after their intended time (no free connection, or the generator was busy), or were still waiting when the run ended. With --suite: passes of the suite that started late or never. 0 without --rate.'),
  }),
  rps: z.number().nonnegative().describe('total / durationMs, per second.'),
  bytesPerSecond: z.number().nonnegative().describe('Response body bytes received per second.'),
  latency: LatencySummarySchema.describe('With --rate: from each request\'s intended send time (coordinated omission corrected); without: from its send. Responses only.'),
  latencyUncorrected: LatencySummarySchema.nullable().describe('With --rate: from the actual send time (hides a stall: see docs/load.md); null without --rate.'),
  statuses: z.record(z.string().regex(/^\d{3}$/), Count).describe('Responses by status code.'),
  errors: z.partialRecord(z.enum(['connect', 'dns', 'tls', 'timeout', 'reset', 'aborted', 'unfinished', 'variable', 'expectation', 'other']), Count).describe('Requests without a response, by kind: connect (refused, unreachable, or no file descriptor left for the socket), dns, tls, timeout (--timeout), reset (the connection closed or reset), aborted, unfinished (no answer by the end of the run), variable (--suite: a step needed a capture that failed; not sent), expectation (--suite: a response that did not meet its step\'s expect: block; it has a status and a latency), other.'),
  throttled: Count.describe('429 responses (the server rate-limits; counted in failed, apart from 5xx).'),
  steps: z
    .array(
      z.object({
        name: z.string().describe('The step\'s name (masked as the report is).'),
        requests: Count.describe('Its requests in the measured window, those not sent because a capture they needed failed included (a `variable` error).'),
        ok: Count.describe('Those that met the step\'s expect: (without one: a status below 400).'),
        failed: Count.describe('requests - ok.'),
        latency: LatencySummarySchema.describe('Of its responses, as `latency` (with --rate: corrected).'),
      }),
    )
    .nullable()
    .describe('With --suite: the figures of each step, in the order of the file (a step repeated by load.weight appears once; a skipped step or one of weight 0 not at all), so the slow or failing step of a scenario shows. null without --suite.'),
  histogram: z.string().describe('The latency histogram (as `latency`, in microseconds) in HdrHistogram\'s compressed base64 encoding, to compare or merge runs.'),
  expectations: z.array(ExpectationResultSchema).describe('One entry per --expect, in order; empty without.'),
});

export type LoadDocument = z.infer<typeof LoadDocumentSchema>;
export type LatencySummary = z.infer<typeof LatencySummarySchema>;
