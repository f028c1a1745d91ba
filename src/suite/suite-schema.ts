/**
 * The shape of a suite FILE (YAML or JSON), as written: the single source of truth for validation and for
 * the published `docs/suite.schema.json`. Values may hold `{{ … }}` templates; they are checked and
 * resolved later (`compile-suite.ts` before anything runs, `interpolate.ts` per step).
 * Every object is strict: an unknown key is an error at its own line and column.
 *
 * zod/mini (the same schemas as zod, ~400 KB less in the bundle every command loads): `describe` and `meta`
 * below do what zod's `.describe()`/`.meta()` do (a clone registered in the global registry), so the
 * generated JSON Schema is the same.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// What importing the full `zod` did: English issue messages (locate-issue.ts reads some of them, e.g.
// "Too small…"), and the memoizer that lets recursive schemas (MatcherObject) parse values with reference
// cycles (YAML anchors). Both must be set before the schemas below are built; an explicit choice wins.
if (!z.config().localeError) z.config(en());
if (!z.config().memoizer) z.config({ memoizer: z.memoizer() });

/** zod's `schema.describe(text)`: a clone of the schema carrying the description. */
function describe<T extends z.ZodMiniType>(schema: T, description: string): T {
  const clone = schema.clone();
  z.globalRegistry.add(clone, { description });
  return clone;
}

/** zod's `schema.meta(data)`. */
function meta<T extends z.ZodMiniType>(schema: T, data: z.core.GlobalMeta): T {
  const clone = schema.clone();
  z.globalRegistry.add(clone, data);
  return clone;
}

/** Strict object whose unknown-key message lists the keys it accepts (`locate-issue.ts` adds a suggestion). */
function strict<T extends z.core.$ZodLooseShape>(shape: T, description?: string) {
  const keys = Object.keys(shape).join(', ');
  const schema = z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of: ${keys}` : undefined),
  });
  return description === undefined ? schema : describe(schema, description);
}

const TEMPLATE_ONLY = /^\s*\{\{[^{}]*\}\}\s*$/;
/** A whole-string `{{ name }}`, accepted where a number or an array is expected (the value keeps its type). */
const wholeTemplate = (what: string) => z.string().check(z.regex(TEMPLATE_ONLY, { error: `expected ${what} or a whole "{{ name }}" template` }));

const Name = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: 'expected a name of letters, digits, _ and - (not starting with a digit)' }));

/** `z.number().int()` of zod, with more checks. */
const int = (...checks: z.core.$ZodCheck<number>[]) => z.number().check(z.int(), ...checks);
const nonEmptyString = () => z.string().check(z.minLength(1));

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const DurationSchema = describe(z.union([z.string(), z.number().check(z.positive())]), 'A duration: 250ms, 5s, 1m, 1m30s, or a number of seconds (5, 0.5).');

const HttpStatus = int(z.gte(100), z.lte(599));

export const RetrySchema = describe(
  z.union([
    describe(int(z.gte(0), z.lte(100)), 'Retries after the first attempt, with the default policy.'),
    strict({
      limit: describe(int(z.gte(0), z.lte(100)), 'Retries after the first attempt.'),
      delay: describe(z.optional(DurationSchema), 'Base delay of the exponential backoff (full jitter, factor 2). Default 500ms.'),
      maxDelay: describe(z.optional(DurationSchema), 'Cap on a backoff delay, and the longest Retry-After waited. Default 30s.'),
      on: describe(z.optional(z.array(HttpStatus)), 'Statuses worth retrying. Default 408, 425, 429, 500, 502, 503, 504.'),
      allMethods: describe(z.optional(z.boolean()), 'Retry non-idempotent methods (POST, PATCH) too.'),
    }),
  ]),
  'Retry policy: a number of retries, or the full policy. Network errors and the `on` statuses are retried.',
);

export const AuthSchema = describe(
  z.union([
    describe(z.literal('none'), 'No credential (turns off the defaults\' auth for a step).'),
    strict({ bearer: describe(z.string(), 'Sends "Authorization: Bearer <token>".') }),
    strict({
      apiKey: describe(z.string(), 'The API key.'),
      header: describe(z.optional(nonEmptyString()), 'Header that carries the key (default X-API-Key).'),
      query: describe(z.optional(nonEmptyString()), 'Query parameter that carries the key instead of a header.'),
    }),
    strict({ basic: strict({ user: nonEmptyString(), password: z.string() }) }),
    strict({
      oauth2: describe(
        strict({
          tokenUrl: describe(nonEmptyString(), 'The token endpoint (http:// or https://).'),
          clientId: nonEmptyString(),
          clientSecret: describe(z.optional(z.string()), 'The client secret (required unless refreshToken is given). Masked in every report, never cached.'),
          scope: describe(z.optional(z.string()), 'Scopes to ask for, space-separated.'),
          audience: z.optional(z.string()),
          authMethod: describe(z.optional(z.enum(['basic', 'post'])), 'Client authentication: basic (HTTP Basic, default) or post (in the form body).'),
          refreshToken: describe(z.optional(z.string()), 'Get the first token with the refresh grant instead of client credentials.'),
        }),
        'OAuth2 client credentials (or refresh) grant: the access token is sent as "Authorization: Bearer <token>", cached between runs and shared by every step of a run.',
      ),
    }),
  ]),
  'The credential of a request. Its secret values (tokens, passwords, keys, the client secret) are masked in every report.',
);

const OperatorNumber = z.union([z.number(), wholeTemplate('a number')]);

/** `eq ne lt lte gt gte contains matches exists type count in` */
export const MatcherObjectSchema: z.ZodMiniType<Record<string, unknown>> = meta(
  z.lazy(() =>
    strict(
      {
        eq: describe(z.optional(z.unknown()), 'Equal (deep, JSON).'),
        ne: describe(z.optional(z.unknown()), 'Not equal.'),
        lt: z.optional(OperatorNumber),
        lte: z.optional(OperatorNumber),
        gt: z.optional(OperatorNumber),
        gte: z.optional(OperatorNumber),
        contains: describe(z.optional(z.unknown()), 'Substring of a string, element of an array, key of an object.'),
        matches: describe(z.optional(z.string()), 'A regular expression: "^a" or "/^a/i".'),
        exists: z.optional(z.boolean()),
        type: z.optional(z.enum(['string', 'number', 'boolean', 'object', 'array', 'null'])),
        count: describe(
          z.optional(z.union([int(z.nonnegative()), wholeTemplate('a whole number, a matcher object'), MatcherObjectSchema])),
          'Number of JSONPath matches (or the length of the one array matched).',
        ),
        in: describe(z.optional(z.union([z.array(z.unknown()), wholeTemplate('an array')])), 'One of these values.'),
      },
      'A matcher object: every key given must hold.',
    ),
  ),
  { id: 'MatcherObject' },
);

export const MatcherSchema = describe(
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), MatcherObjectSchema]),
  'A literal (equality), or an object of eq ne lt lte gt gte contains matches exists type count in. To compare with an object, write { eq: {...} }.',
);

export const ExpectSchema = strict({
  status: describe(
    z.optional(z.union([HttpStatus, z.array(HttpStatus).check(z.minLength(1)), z.string()])),
    '200, [200, 201], "2xx" or "2xx,304". Without it, a status >= 400 fails the step.',
  ),
  headers: describe(z.optional(z.record(z.string(), MatcherSchema)), 'Header name → matcher.'),
  jsonpath: describe(z.optional(z.record(z.string(), MatcherSchema)), 'RFC 9535 JSONPath (e.g. $.items[0].id) → matcher.'),
  body: describe(z.optional(MatcherSchema), 'The body as text.'),
  duration: describe(z.optional(MatcherSchema), 'Response time in milliseconds, e.g. { lt: 500 }.'),
  size: describe(z.optional(MatcherSchema), 'Body size in bytes as received.'),
  schema: describe(
    z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.boolean()])),
    'A JSON Schema file (relative to the suite file) or an inline schema the JSON body must match.',
  ),
  cache: describe(
    z.optional(
      z.union([
        z.string(),
        strict({
          status: describe(z.optional(MatcherSchema), 'What the cache did: HIT, MISS, REVALIDATED, STALE or BYPASS (or a matcher, e.g. { in: [HIT, REVALIDATED] }).'),
          storable: describe(z.optional(z.boolean()), 'Whether the response may be stored by a private cache.'),
          minTtl: describe(z.optional(DurationSchema), 'The response stays fresh at least this long (60s, 5m, or seconds).'),
        }),
      ]),
    ),
    'With cache: true: what the HTTP cache did ("HIT"), or { status, storable, minTtl }.',
  ),
  that: describe(
    z.optional(z.union([z.string(), z.array(z.string())])),
    'Expressions of the expectation language: "<subject> <operator> [<value>]", e.g. "count $.roles >= 1".',
  ),
});

export const PaginateSchema = describe(
  z.union([
    z.boolean(),
    z.enum(['auto', 'link', 'page', 'offset', 'cursor']),
    strict({
      style: z.optional(z.enum(['auto', 'link', 'page', 'offset', 'cursor'])),
      pageParam: z.optional(nonEmptyString()),
      startPage: z.optional(int(z.nonnegative())),
      pageSize: z.optional(int(z.positive())),
      pageSizeParam: z.optional(nonEmptyString()),
      offsetParam: z.optional(nonEmptyString()),
      limitParam: z.optional(nonEmptyString()),
      cursorPath: z.optional(z.string()),
      cursorParam: z.optional(nonEmptyString()),
      itemsPath: z.optional(z.string()),
      hasMorePath: z.optional(z.string()),
      maxPages: z.optional(int(z.positive())),
      maxItems: z.optional(int(z.positive())),
    }),
  ]),
  'Walk a collection (the options of --paginate): expectations and captures then see the array of all items.',
);

export const TlsSchema = describe(
  strict({
    cert: describe(z.optional(nonEmptyString()), 'Client certificate: a PEM file (its key in it, or in key), or a .p12/.pfx bundle; relative to the suite file.'),
    key: describe(z.optional(nonEmptyString()), 'The PEM private key of cert.'),
    passphrase: describe(z.optional(z.string()), 'Passphrase of the key or bundle, e.g. "{{ env.CERT_PASSPHRASE }}". A secret: masked in every report.'),
    ca: describe(z.optional(nonEmptyString()), 'A PEM file of CA certificates to trust, as --cacert.'),
  }),
  'TLS settings: the client certificate (mTLS) and extra CAs. Files are read and checked before anything is sent.',
);

const RequestFields = {
  headers: describe(z.optional(z.record(nonEmptyString(), z.union([Scalar, z.null()]))), 'Header name → value; null removes a header set by defaults.'),
  query: describe(z.optional(z.record(nonEmptyString(), z.union([Scalar, z.array(Scalar)]))), 'Query parameters, URL-encoded and appended.'),
  auth: z.optional(AuthSchema),
  timeout: describe(z.optional(DurationSchema), 'Total time allowed for a request. Default 30s.'),
  retry: z.optional(RetrySchema),
  followRedirects: describe(z.optional(z.boolean()), 'Follow redirects (default false).'),
  maxRedirects: z.optional(int(z.gte(0), z.lte(1000))),
  insecure: describe(z.optional(z.boolean()), 'Do not verify TLS certificates.'),
  maxBody: describe(z.optional(z.union([z.string(), z.number().check(z.int(), z.positive())])), 'Largest response body, once decoded: 512kb, 10mb, or a number of bytes. Default 64mb; a larger body fails the step (decode, EBODYTOOLARGE).'),
  proxy: describe(
    z.optional(z.union([nonEmptyString(), z.literal(false)])),
    'HTTP proxy: http://[user:password@]host[:port] (https:// for TLS to the proxy), as --proxy; false: none, not even from the environment. Default: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY.',
  ),
  noProxy: describe(z.optional(z.string()), 'Hosts that go direct, as --noproxy / NO_PROXY: example.com (and its subdomains), 10.0.0.0/8, or *. Default: NO_PROXY.'),
  tls: z.optional(TlsSchema),
  cache: describe(
    z.optional(z.boolean()),
    'Use the private HTTP cache (RFC 9111), as --cache: a fresh stored response answers the step without a request, a stale one is revalidated. Kept in $XDG_CACHE_HOME/apitest/http (else ~/.cache/apitest/http). Default false.',
  ),
};

export const DefaultsSchema = strict(
  {
    ...RequestFields,
    rate: describe(z.optional(z.string()), 'Client-side limit on request starts, e.g. 10/s. The run uses --rate, else the strictest rate of its suites.'),
  },
  'Applied to every step; a step may override each key (headers and query are merged, a step\'s value winning).',
);

export const StepSchema = strict({
  name: describe(z.optional(nonEmptyString()), 'Shown in reports and matched by --filter. Default "METHOD url".'),
  method: describe(z.optional(nonEmptyString()), 'Default GET, or POST when the step has a body.'),
  url: describe(nonEmptyString(), 'Absolute, or relative to baseUrl.'),
  ...RequestFields,
  json: describe(z.optional(z.unknown()), 'A JSON body (Content-Type: application/json). A whole-string "{{ x }}" keeps x\'s JSON type.'),
  body: describe(z.optional(z.string()), 'A text body (Content-Type: application/json when it is JSON, else text/plain).'),
  form: describe(
    z.optional(z.record(nonEmptyString(), z.union([Scalar, strict({ file: nonEmptyString() })]))),
    'A form: application/x-www-form-urlencoded, or multipart/form-data when a field is { file: path }.',
  ),
  paginate: z.optional(PaginateSchema),
  expect: z.optional(ExpectSchema),
  capture: describe(
    z.optional(z.record(Name, nonEmptyString())),
    'Variable name → subject: a JSONPath ($.id), header <name>, status, body, duration, size, count <jsonpath>.',
  ),
  skip: z.optional(z.boolean()),
  only: describe(z.optional(z.boolean()), 'Run only the steps marked only: true in this file.'),
  load: describe(
    z.optional(strict({ weight: describe(int(z.gte(0), z.lte(1000)), 'How many times the step runs in each pass of a virtual user (default 1; 0: not run under load, e.g. a setup step).') })),
    'How `apitest load --suite` uses this step (apitest run ignores it).',
  ),
});

export const SuiteFileSchema = strict(
  {
    $schema: z.optional(z.string()),
    name: describe(z.optional(nonEmptyString()), 'Default: the file name.'),
    baseUrl: z.optional(nonEmptyString()),
    vars: describe(z.optional(z.record(Name, z.unknown())), 'Variables for {{ name }}; --var and captures take precedence.'),
    defaults: z.optional(DefaultsSchema),
    cookies: describe(z.optional(z.boolean()), 'One cookie jar for the steps of this file: a Set-Cookie is sent by the later steps (default true); false: no cookie is kept.'),
    steps: z.array(StepSchema).check(z.minLength(1, { error: 'a suite needs at least one step' })),
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
export type TlsInput = z.infer<typeof TlsSchema>;
export { Name as VariableNameSchema };
