/**
 * A row (or a group of rows, `--batch-size`) → the RequestSpec the engine sends, made by the one request
 * constructor (model/request-spec.ts) like every request apitest sends. The templates were compiled once; here
 * they are filled from the row. Throws MissingValueError (a reference without a value) or UsageError (what is
 * invalid once filled, e.g. a header value with a line break): the row is invalid and nothing is sent for it.
 *
 * - URL: the template filled; values from the row are percent-encoded (a name `R&D` cannot break the URL), values
 *   from the environment are inserted as they are (`{{ env.BASE_URL }}/users/{{ id }}`); a URL template that is
 *   exactly one reference (`{{ url }}`) is the value itself. Without a scheme, http:// is assumed.
 * - Query (`-q name={{ field }}`), headers (`-H 'X-Tenant: {{ tenant }}'`): filled as text.
 * - Body: the row as JSON (the default, for methods that send one); a JSON body template filled with typed values;
 *   or a text template. With --batch-size, the group's bodies as one JSON array, or `{ "<wrap>": [...] }`.
 *   URL, query and headers of a group are filled from its first row.
 * - Idempotency-Key: see idempotency-key.ts; a `-H 'Idempotency-Key: …'` of the user's wins.
 */
import { createRequestSpec, FLAG_LABELS, type BodySpec, type InputLabels, type RequestSpec } from '../model/request-spec.js';
import type { Row } from './row.js';
import { fillJson, fillString, type CompiledTemplate, type FillContext, type JsonTemplate } from './row-template.js';
import { keyOfHash } from './idempotency-key.js';

export type BodyTemplate =
  | { readonly kind: 'row' }
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly template: JsonTemplate }
  | { readonly kind: 'text'; readonly template: CompiledTemplate };

export type KeyRule = { readonly kind: 'auto' } | { readonly kind: 'template'; readonly template: CompiledTemplate } | { readonly kind: 'off' };

export interface RequestTemplates {
  /** Everything that is the same for every row: auth, timeouts, TLS, redirects, the body limit. */
  readonly base: RequestSpec;
  /** As given (-X, -I); null: POST when there is a body, else GET. */
  readonly method: string | null;
  readonly url: CompiledTemplate;
  readonly query: ReadonlyArray<readonly [string, CompiledTemplate]>;
  /** Header templates in order (names as written; the user's Idempotency-Key, if any, among them). */
  readonly headers: ReadonlyArray<readonly [string, CompiledTemplate]>;
  readonly body: BodyTemplate;
  readonly batch: { readonly size: number; readonly wrap: string | null } | null;
  readonly key: KeyRule;
}

export interface BuiltRowRequest {
  readonly spec: RequestSpec;
  /** The Idempotency-Key sent, or null. */
  readonly key: string | null;
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

const ROW_LABELS: InputLabels = Object.freeze({ ...FLAG_LABELS, url: '--url-template', note: '(once filled from the row)' });

export function buildRowRequest(t: RequestTemplates, rows: readonly Row[], hash: string, env: FillContext['env']): BuiltRowRequest {
  const first = rows[0];
  if (first === undefined) throw new Error('a request has at least one row');
  const ctx: FillContext = { row: first.value, env };
  const url = withQuery(fillUrl(t.url, ctx), t.query, ctx);
  const headers: Array<readonly [string, string]> = t.headers.map(([name, template]) => [name, fillString(template, ctx)] as const);
  let key: string | null = null;
  if (headers.some(([name]) => name.toLowerCase() === 'idempotency-key')) {
    key = headers.find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1] ?? null;
  } else if (t.key.kind !== 'off') {
    key = t.key.kind === 'auto' ? keyOfHash(hash) : fillString(t.key.template, ctx);
    headers.push(['Idempotency-Key', key]);
  }
  const body = bodyOf(t, rows, env, headers);
  const spec = createRequestSpec(
    {
      url,
      method: t.method,
      headers,
      body,
      auth: t.base.auth,
      timeoutMs: t.base.timeoutMs,
      connectTimeoutMs: t.base.connectTimeoutMs,
      followRedirects: t.base.followRedirects,
      maxRedirects: t.base.maxRedirects,
      insecure: t.base.insecure,
      ca: t.base.ca,
      maxBodyBytes: t.base.maxBody.limitsStreamed ? t.base.maxBody.bytes : null,
    },
    ROW_LABELS,
  );
  return { spec, key };
}

function fillUrl(template: CompiledTemplate, ctx: FillContext): string {
  const text = (template.whole !== null ? fillString(template, ctx) : fillString(template, ctx, (value, ref) => (ref.kind === 'row' ? encodeURIComponent(value) : value))).trim();
  return HAS_SCHEME.test(text) ? text : `http://${text}`;
}

function withQuery(url: string, query: RequestTemplates['query'], ctx: FillContext): string {
  if (query.length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the constructor reports the URL
  }
  for (const [name, template] of query) parsed.searchParams.append(name, fillString(template, ctx));
  return parsed.toString();
}

function bodyOf(t: RequestTemplates, rows: readonly Row[], env: FillContext['env'], headers: Array<readonly [string, string]>): BodySpec {
  const hasType = headers.some(([name]) => name.toLowerCase() === 'content-type');
  const json = (value: unknown): BodySpec => {
    if (!hasType) headers.push(['Content-Type', 'application/json']);
    return { kind: 'bytes', data: Buffer.from(JSON.stringify(value), 'utf8') };
  };
  const one = (row: Row): unknown => {
    switch (t.body.kind) {
      case 'row':
        return row.value;
      case 'json':
        return fillJson(t.body.template, { row: row.value, env });
      case 'text':
        return fillString(t.body.template, { row: row.value, env });
      case 'none':
        return undefined;
    }
  };
  if (t.body.kind === 'none') return { kind: 'none' };
  if (t.batch !== null) {
    const items = rows.map(one);
    if (t.batch.wrap === null) return json(items);
    const wrapped = Object.create(null) as Record<string, unknown>;
    wrapped[t.batch.wrap] = items;
    return json(wrapped);
  }
  const row = rows[0] as Row;
  if (t.body.kind === 'text') return { kind: 'bytes', data: Buffer.from(one(row) as string, 'utf8') };
  return json(one(row));
}
