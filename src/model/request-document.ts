import { z } from 'zod';
import { ERROR_KINDS, REQUEST_ERROR_KINDS } from '../errors.js';

/**
 * The `--json` document of a single request, version 1. The code builds documents of this type and the
 * published JSON Schema (docs/json-output.schema.json) is generated from this schema, so the two cannot drift.
 */
const NullableMs = z.number().nonnegative().nullable();

export const TimingsSchema = z
  .object({ wait: NullableMs, dns: NullableMs, tcp: NullableMs, tls: NullableMs, send: NullableMs, firstByte: NullableMs, download: NullableMs, total: NullableMs })
  .describe(
    'Milliseconds per phase, from a monotonic clock (0.01 ms resolution); the phases add up to total. wait: until a socket was assigned; dns, tcp, tls: a new connection (null when they did not happen: an IP address, http, a kept-alive connection); send: writing the request; firstByte: waiting for the response head; download: reading the body. When a request fails, the phase it failed in runs until then and the later ones are null.',
  );

export const ErrorKindSchema = z
  .enum(REQUEST_ERROR_KINDS)
  .describe(REQUEST_ERROR_KINDS.map((kind) => `${kind} (exit ${ERROR_KINDS[kind].exitCode}): ${ERROR_KINDS[kind].meaning}`).join('; '));

export const ErrorInfoSchema = z.object({
  kind: ErrorKindSchema,
  code: z.string().describe('A stable machine word: an errno such as ECONNREFUSED, HTTP_404, ETIMEDOUT, EUSAGE.'),
  message: z.string(),
});

export const RateLimitSchema = z.object({
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  resetSeconds: z.number().nullable(),
  resetAt: z.string().nullable().describe('ISO 8601'),
  retryAfterSeconds: z.number().nullable(),
  source: z.enum(['x-ratelimit', 'ratelimit', 'ratelimit-structured', 'retry-after']).describe('Which header family the values came from.'),
});

export const HeaderValueSchema = z.union([z.string(), z.array(z.string())]);

export const ResponseInfoSchema = z.object({
  status: z.number().int(),
  statusText: z.string(),
  httpVersion: z.string(),
  headers: z.record(z.string(), HeaderValueSchema).describe('Lower-case names; repeated headers such as set-cookie are arrays.'),
  body: z.unknown().describe('Parsed JSON for a JSON content type, text for text, base64 for other content (see bodyEncoding); null when written to a file, not written (see bodyNote), or empty.'),
  bodyEncoding: z.literal('base64').optional(),
  bodyNote: z.string().optional().describe('Why the body is shown as it is, e.g. JSON nested too deep to parse into the document (it is then text), or a body that could not be written (error.kind write; body is then null).'),
  bodyFile: z.string().optional().describe('Where the body was written with -o.'),
  size: z.number().int().nonnegative().describe('Bytes of the body as received (before decompression).'),
});

export const AttemptInfoSchema = z.object({
  status: z.number().int().nullable().describe('The status of the response; null when none came.'),
  error: z.object({ kind: ErrorKindSchema, code: z.string() }).nullable().describe('The failure of the attempt; a response whose body could not be written has a status and an error of kind write.'),
  delayMs: z.number().nonnegative().describe('Wait before this attempt (0 for the first).'),
});

export const ExpectationResultSchema = z.object({
  expression: z.string(),
  ok: z.boolean(),
  expected: z.unknown(),
  actual: z.unknown(),
  message: z.string().nullable().describe('One line for a failure; null when it passed.'),
});

export const PageInfoSchema = z.object({
  url: z.string(),
  status: z.number().int().nullable(),
  items: z.number().int().nonnegative().describe('The number of items on that page.'),
  timings: TimingsSchema,
  cache: z.enum(['HIT', 'MISS', 'REVALIDATED', 'STALE', 'BYPASS']).optional().describe('With --cache: what the HTTP cache did for this page.'),
});

export const StopReasonSchema = z
  .enum(['last-page', 'empty-page', 'has-more-false', 'short-page', 'loop', 'max-pages', 'max-items', 'error', 'undetected'])
  .describe('Why the walk stopped. undetected: --paginate auto found no way to the next page although the body says more pages exist (has_more: true, or a next field).');

export const CacheInfoSchema = z
  .object({
    status: z
      .enum(['HIT', 'MISS', 'REVALIDATED', 'STALE', 'BYPASS'])
      .describe('HIT: a fresh stored response, nothing sent; MISS: sent, and stored when storable; REVALIDATED: a stored response confirmed by 304 Not Modified (stored body, updated headers); STALE: a stored response served without revalidation (--offline, or the server could not be reached); BYPASS: the cache does not apply (not a GET, or Cache-Control: no-store in the request).'),
    age: z.number().int().nonnegative().nullable().describe('Age of the response in seconds (its Age header plus the time it was kept); null when none applies.'),
    ttl: z.number().int().nonnegative().nullable().describe('Seconds it stays fresh from now (as stored); null when nothing was stored or served from the cache.'),
    storable: z.boolean().describe('Whether the response may be stored by the rules of a private cache (and the credential rule: a request with credentials needs public, s-maxage or must-revalidate).'),
    reason: z.string().describe('One line: why (freshness lifetime and its source, or why it was not stored).'),
  })
  .describe('With --cache or --offline: what the private HTTP cache (RFC 9111) did. With --paginate: for the last page.');

export const SingleRequestDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  ok: z.boolean(),
  request: z.object({
    method: z.string(),
    url: z.string().describe('The final URL, with query.'),
    headers: z.record(z.string(), HeaderValueSchema).describe('As sent, in order; a header sent several times is an array of its values; credentials masked.'),
  }),
  response: ResponseInfoSchema.nullable(),
  timings: TimingsSchema,
  rateLimit: RateLimitSchema.nullable(),
  redirects: z.array(z.object({ status: z.number().int(), url: z.string() })),
  attempts: z.array(AttemptInfoSchema).describe('One entry per attempt (retries with --retry).'),
  error: ErrorInfoSchema.nullable(),
  expectations: z.array(ExpectationResultSchema).optional().describe('With --expect, --expect-status or --schema: one entry per check (per page with --paginate).'),
  rateLimitWaits: z
    .array(z.object({ beforeUrl: z.string(), waitMs: z.number().nonnegative() }))
    .optional()
    .describe('Runs of several requests: waits because a response said no requests remain.'),
  paginationStyle: z.enum(['link', 'page', 'offset', 'cursor', 'none']).optional().describe('With --paginate: the style used (what auto detected; none: a plain list).'),
  pages: z.array(PageInfoSchema).optional(),
  items: z.array(z.unknown()).optional().describe('With --paginate: every item of every page, in order.'),
  stopReason: StopReasonSchema.optional(),
  cache: CacheInfoSchema.optional(),
});
export type SingleRequestDocument = z.infer<typeof SingleRequestDocumentSchema>;
export type ResponseInfo = z.infer<typeof ResponseInfoSchema>;
