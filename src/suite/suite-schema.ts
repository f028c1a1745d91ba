/**
 * The shape of a suite FILE (YAML or JSON), as written: the single source of truth for validation and for
 * the published `docs/suite.schema.json`. Values may hold `{{ … }}` templates; they are checked and
 * resolved later (`compile-suite.ts` before anything runs, `interpolate.ts` per step).
 * Every object is strict: an unknown key is an error at its own line and column.
 */
import { z } from 'zod';

/** Strict object whose unknown-key message lists the keys it accepts (`locate-issue.ts` adds a suggestion). */
function strict<T extends z.core.$ZodLooseShape>(shape: T, description?: string) {
  const keys = Object.keys(shape).join(', ');
  const schema = z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of: ${keys}` : undefined),
  });
  return description === undefined ? schema : schema.describe(description);
}

const TEMPLATE_ONLY = /^\s*\{\{[^{}]*\}\}\s*$/;
/** A whole-string `{{ name }}`, accepted where a number or an array is expected (the value keeps its type). */
const wholeTemplate = (what: string) => z.string().regex(TEMPLATE_ONLY, { error: `expected ${what} or a whole "{{ name }}" template` });

const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: 'expected a name of letters, digits, _ and - (not starting with a digit)' });

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const DurationSchema = z
  .union([z.string(), z.number().int().positive()])
  .describe('A duration: 250ms, 5s, 1m, 1m30s, or a number of milliseconds.');

const HttpStatus = z.number().int().min(100).max(599);

export const RetrySchema = z
  .union([
    z.number().int().min(0).max(100).describe('Retries after the first attempt, with the default policy.'),
    strict({
      limit: z.number().int().min(0).max(100).describe('Retries after the first attempt.'),
      delay: DurationSchema.optional().describe('Base delay of the exponential backoff (full jitter, factor 2). Default 500ms.'),
      maxDelay: DurationSchema.optional().describe('Cap on a backoff delay, and the longest Retry-After waited. Default 30s.'),
      on: z.array(HttpStatus).optional().describe('Statuses worth retrying. Default 408, 425, 429, 500, 502, 503, 504.'),
      allMethods: z.boolean().optional().describe('Retry non-idempotent methods (POST, PATCH) too.'),
    }),
  ])
  .describe('Retry policy: a number of retries, or the full policy. Network errors and the `on` statuses are retried.');

export const AuthSchema = z
  .union([
    z.literal('none').describe('No credential (turns off the defaults\' auth for a step).'),
    strict({ bearer: z.string().describe('Sends "Authorization: Bearer <token>".') }),
    strict({
      apiKey: z.string().describe('The API key.'),
      header: z.string().min(1).optional().describe('Header that carries the key (default X-API-Key).'),
      query: z.string().min(1).optional().describe('Query parameter that carries the key instead of a header.'),
    }),
    strict({ basic: strict({ user: z.string().min(1), password: z.string() }) }),
  ])
  .describe('The credential of a request. Its values are secrets: masked in every report.');

const OperatorNumber = z.union([z.number(), wholeTemplate('a number')]);

/** `eq ne lt lte gt gte contains matches exists type count in` */
export const MatcherObjectSchema: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  strict(
    {
      eq: z.unknown().optional().describe('Equal (deep, JSON).'),
      ne: z.unknown().optional().describe('Not equal.'),
      lt: OperatorNumber.optional(),
      lte: OperatorNumber.optional(),
      gt: OperatorNumber.optional(),
      gte: OperatorNumber.optional(),
      contains: z.unknown().optional().describe('Substring of a string, element of an array, key of an object.'),
      matches: z.string().optional().describe('A regular expression: "^a" or "/^a/i".'),
      exists: z.boolean().optional(),
      type: z.enum(['string', 'number', 'boolean', 'object', 'array', 'null']).optional(),
      count: z.union([z.number().int().nonnegative(), wholeTemplate('a whole number, a matcher object'), MatcherObjectSchema]).optional().describe('Number of JSONPath matches (or the length of the one array matched).'),
      in: z.union([z.array(z.unknown()), wholeTemplate('an array')]).optional().describe('One of these values.'),
    },
    'A matcher object: every key given must hold.',
  ),
).meta({ id: 'MatcherObject' });

export const MatcherSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), MatcherObjectSchema])
  .describe('A literal (equality), or an object of eq ne lt lte gt gte contains matches exists type count in. To compare with an object, write { eq: {...} }.');

export const ExpectSchema = strict({
  status: z
    .union([HttpStatus, z.array(HttpStatus).min(1), z.string()])
    .optional()
    .describe('200, [200, 201], "2xx" or "2xx,304". Without it, a status >= 400 fails the step.'),
  headers: z.record(z.string(), MatcherSchema).optional().describe('Header name → matcher.'),
  jsonpath: z.record(z.string(), MatcherSchema).optional().describe('RFC 9535 JSONPath (e.g. $.items[0].id) → matcher.'),
  body: MatcherSchema.optional().describe('The body as text.'),
  duration: MatcherSchema.optional().describe('Response time in milliseconds, e.g. { lt: 500 }.'),
  size: MatcherSchema.optional().describe('Body size in bytes as received.'),
  schema: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.boolean()])
    .optional()
    .describe('A JSON Schema file (relative to the suite file) or an inline schema the JSON body must match.'),
  that: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Expressions of the expectation language: "<subject> <operator> [<value>]", e.g. "count $.roles >= 1".'),
});

export const PaginateSchema = z
  .union([
    z.boolean(),
    z.enum(['auto', 'link', 'page', 'offset', 'cursor']),
    strict({
      style: z.enum(['auto', 'link', 'page', 'offset', 'cursor']).optional(),
      pageParam: z.string().min(1).optional(),
      startPage: z.number().int().nonnegative().optional(),
      pageSize: z.number().int().positive().optional(),
      pageSizeParam: z.string().min(1).optional(),
      offsetParam: z.string().min(1).optional(),
      limitParam: z.string().min(1).optional(),
      cursorPath: z.string().optional(),
      cursorParam: z.string().min(1).optional(),
      itemsPath: z.string().optional(),
      hasMorePath: z.string().optional(),
      maxPages: z.number().int().positive().optional(),
      maxItems: z.number().int().positive().optional(),
    }),
  ])
  .describe('Walk a collection (the options of --paginate): expectations and captures then see the array of all items.');

const RequestFields = {
  headers: z.record(z.string().min(1), z.union([Scalar, z.null()])).optional().describe('Header name → value; null removes a header set by defaults.'),
  query: z.record(z.string().min(1), z.union([Scalar, z.array(Scalar)])).optional().describe('Query parameters, URL-encoded and appended.'),
  auth: AuthSchema.optional(),
  timeout: DurationSchema.optional().describe('Total time allowed for a request. Default 30s.'),
  retry: RetrySchema.optional(),
  followRedirects: z.boolean().optional().describe('Follow redirects (default false).'),
  maxRedirects: z.number().int().min(0).max(1000).optional(),
  insecure: z.boolean().optional().describe('Do not verify TLS certificates.'),
};

export const DefaultsSchema = strict(
  {
    ...RequestFields,
    rate: z.string().optional().describe('Client-side limit on request starts, e.g. 10/s. The run uses --rate, else the strictest rate of its suites.'),
  },
  'Applied to every step; a step may override each key (headers and query are merged, a step\'s value winning).',
);

export const StepSchema = strict({
  name: z.string().min(1).optional().describe('Shown in reports and matched by --filter. Default "METHOD url".'),
  method: z.string().min(1).optional().describe('Default GET, or POST when the step has a body.'),
  url: z.string().min(1).describe('Absolute, or relative to baseUrl.'),
  ...RequestFields,
  json: z.unknown().optional().describe('A JSON body (Content-Type: application/json). A whole-string "{{ x }}" keeps x\'s JSON type.'),
  body: z.string().optional().describe('A text body (Content-Type: application/json when it is JSON, else text/plain).'),
  form: z
    .record(z.string().min(1), z.union([Scalar, strict({ file: z.string().min(1) })]))
    .optional()
    .describe('A form: application/x-www-form-urlencoded, or multipart/form-data when a field is { file: path }.'),
  paginate: PaginateSchema.optional(),
  expect: ExpectSchema.optional(),
  capture: z
    .record(Name, z.string().min(1))
    .optional()
    .describe('Variable name → subject: a JSONPath ($.id), header <name>, status, body, duration, size, count <jsonpath>.'),
  skip: z.boolean().optional(),
  only: z.boolean().optional().describe('Run only the steps marked only: true in this file.'),
});

export const SuiteFileSchema = strict(
  {
    $schema: z.string().optional(),
    name: z.string().min(1).optional().describe('Default: the file name.'),
    baseUrl: z.string().min(1).optional(),
    vars: z.record(Name, z.unknown()).optional().describe('Variables for {{ name }}; --var and captures take precedence.'),
    defaults: DefaultsSchema.optional(),
    steps: z.array(StepSchema).min(1, { error: 'a suite needs at least one step' }),
  },
  'An apitest suite file: steps run in order against an HTTP API.',
);

export type SuiteFile = z.infer<typeof SuiteFileSchema>;
export type StepInput = z.infer<typeof StepSchema>;
export type DefaultsInput = z.infer<typeof DefaultsSchema>;
export type AuthInput = z.infer<typeof AuthSchema>;
export type RetryInput = z.infer<typeof RetrySchema>;
export type ExpectInput = z.infer<typeof ExpectSchema>;
export type PaginateInput = z.infer<typeof PaginateSchema>;
export { Name as VariableNameSchema };
