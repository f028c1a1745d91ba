import { z } from 'zod';
import { ERROR_KINDS, STEP_ERROR_KINDS } from '../errors.js';
import { CacheInfoSchema, HeaderValueSchema, TimingsSchema } from './request-document.js';

/**
 * The report of `apitest run`, version 1: what `--reporter json` prints, and the data every reporter
 * renders. The published JSON Schema (docs/suite-report.schema.json) is generated from this schema.
 * Response bodies are not kept; expected/actual values longer than a few KiB are cut (see `capValue` in
 * suite-report-util.ts).
 *
 * The CLI imports only TYPES from this file (erased at build time): its schemas use the full zod, which is
 * kept out of the bundle every command loads. Runtime helpers live in suite-report-util.ts.
 */

export const StepErrorKindSchema = z
  .enum(STEP_ERROR_KINDS)
  .describe(STEP_ERROR_KINDS.map((kind) => `${kind}: ${ERROR_KINDS[kind].meaning}`).join('; '));

export const StepErrorSchema = z.object({
  kind: StepErrorKindSchema,
  code: z.string().describe('A stable machine word: ECONNREFUSED, ETIMEDOUT, HTTP_500, EXPECTATION_FAILED, CAPTURE_FAILED, VARIABLE_UNSET…'),
  message: z.string(),
});

export const ExpectationResultSchema = z.object({
  expression: z.string().describe('The check as an expression of the expectation language, e.g. `status == 201`.'),
  ok: z.boolean(),
  expected: z.unknown(),
  actual: z.unknown().describe('The value found; "(missing)" when it does not exist.'),
  message: z.string().nullable().describe('One line for a failure; null when it passed.'),
});

export const StepRequestSchema = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), HeaderValueSchema).describe('As sent; a header sent several times is an array of its values; credentials masked.'),
});

export const StepResponseSchema = z.object({
  status: z.number().int(),
  statusText: z.string(),
  headers: z.record(z.string(), HeaderValueSchema).describe('Lower-case names; credentials masked.'),
  timings: TimingsSchema,
  size: z.number().int().nonnegative().describe('Bytes of the body as received.'),
});

export const PaginationInfoSchema = z.object({
  style: z.string(),
  pages: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  stopReason: z.string(),
});

export const SkipReasonSchema = z
  .enum(['skip', 'only', 'filter', 'bail', 'interrupted'])
  .describe('skip: true; another step has only: true; --filter; --bail after a failure; interrupted: the run was stopped (Ctrl-C, SIGTERM) before the step ran.');

export const StepReportSchema = z.object({
  name: z.string(),
  ok: z.boolean().describe('False when the step failed; true when it passed or was skipped.'),
  skipped: z.boolean(),
  skipReason: SkipReasonSchema.nullable(),
  request: StepRequestSchema.nullable().describe('null when nothing was sent.'),
  response: StepResponseSchema.nullable().describe('The final response (after retries); null without one.'),
  attempts: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative().describe('Wall time of the step, retries and waits included.'),
  pagination: PaginationInfoSchema.nullable(),
  expectations: z.array(ExpectationResultSchema),
  captures: z.record(z.string(), z.unknown()).describe('Captured name → value (failed captures are absent; see error).'),
  error: StepErrorSchema.nullable(),
  cache: CacheInfoSchema.optional().describe('With cache: true: what the HTTP cache did for the step (for a walk: its last page).'),
});

export const SummarySchema = z.object({
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

export const FileReportSchema = z.object({
  file: z.string().describe('The suite file, relative to the working directory.'),
  name: z.string(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  steps: z.array(StepReportSchema),
});

export const SuiteReportSchema = z
  .object({
    schemaVersion: z.literal(1),
    ok: z.boolean().describe('True when no step failed.'),
    summary: SummarySchema,
    files: z.array(FileReportSchema),
  })
  .describe('The report of `apitest run` (--reporter json).');

export type SuiteReport = z.infer<typeof SuiteReportSchema>;
export type FileReport = z.infer<typeof FileReportSchema>;
export type StepReport = z.infer<typeof StepReportSchema>;
export type StepError = z.infer<typeof StepErrorSchema>;
export type StepErrorKind = z.infer<typeof StepErrorKindSchema>;
export type ExpectationResult = z.infer<typeof ExpectationResultSchema>;
export type Summary = z.infer<typeof SummarySchema>;
export type SkipReason = z.infer<typeof SkipReasonSchema>;
