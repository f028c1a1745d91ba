// zod/mini keeps the request path's start-up cheap (see cli/parse/flag-schemas.ts).
import * as z from 'zod/mini';
import { Secret } from '../redact/secret.js';

/** RFC 9110 `token`: the characters a method name may use. */
export const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const SecretSchema = z.instanceof(Secret);
const BytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes' });

export const AuthSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('bearer'), token: SecretSchema }),
  z.object({
    kind: z.literal('api-key'),
    key: SecretSchema,
    /** Header that carries the key, unless `query` is set. */
    header: z.string().check(z.minLength(1)),
    /** Query parameter that carries the key instead of a header. */
    query: z.nullable(z.string().check(z.minLength(1))),
  }),
  z.object({ kind: z.literal('basic'), user: z.string(), password: SecretSchema }),
]);
export type AuthSpec = z.infer<typeof AuthSpecSchema>;

export const FormFieldSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), name: z.string().check(z.minLength(1)), value: z.string() }),
  z.object({ kind: z.literal('file'), name: z.string().check(z.minLength(1)), fileName: z.string(), data: BytesSchema }),
]);
export type FormField = z.infer<typeof FormFieldSchema>;

export const BodySpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Exact bytes. The Content-Type header is in `headers` (chosen by the builder when the user gave none). */
  z.object({ kind: z.literal('bytes'), data: BytesSchema }),
  z.object({ kind: z.literal('form'), fields: z.array(FormFieldSchema).check(z.minLength(1)) }),
]);
export type BodySpec = z.infer<typeof BodySpecSchema>;

/** One fully validated request: what the engine sends. Built only through `RequestSpecSchema.parse`. */
export const RequestSpecSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  method: z.string().check(z.regex(METHOD_TOKEN)),
  /** Headers in the order given, names as typed. Auth headers are not here: see `auth`. */
  headers: z.array(z.tuple([z.string().check(z.minLength(1)), z.string()])),
  body: BodySpecSchema,
  auth: AuthSpecSchema,
  timeoutMs: z.int().check(z.positive()),
  connectTimeoutMs: z.nullable(z.int().check(z.positive())),
  followRedirects: z.boolean(),
  maxRedirects: z.int().check(z.nonnegative()),
  insecure: z.boolean(),
  /** PEM text of extra CA certificates (`--cacert`). */
  ca: z.nullable(z.string()),
});
export type RequestSpec = z.infer<typeof RequestSpecSchema>;
