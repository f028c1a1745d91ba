/**
 * A step's request template + the variables in scope → a RequestSpec, made by the one request constructor
 * (model/request-spec.ts) like every request the engine sends, plus the credential values it holds (to mask them).
 * Throws VariableError for a variable without a value and UsageError for what is invalid only once
 * interpolated (e.g. a URL).
 */
import { MAX_BODY_INPUT_BYTES, readWholeFile } from '../files/read-bounded.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { basename, resolve } from 'node:path';
import { authSecrets } from '../auth/apply-auth.js';
import { UsageError } from '../errors.js';
import { Secret } from '../redact/secret.js';
import { createRequestSpec, NO_AUTH, type AuthSpec, type BodySpec, type FormField, type InputLabels, type RequestSpec } from '../model/request-spec.js';
import type { SecretValue } from '../redact/redactor.js';
import type { AuthInput } from './suite-schema.js';
import type { RequestTemplate, Scalar } from './compile-request.js';
import { interpolateDeep, interpolateString, type Scope } from './interpolate.js';
import { isSecretHeaderName } from './secrets.js';
import { buildNetwork } from './build-network.js';

export interface BuiltRequest {
  spec: RequestSpec;
  /** Credential values of this request (auth, secret-looking headers): masked in every report. */
  secrets: SecretValue[];
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export async function buildRequest(t: RequestTemplate, baseUrl: string | null, scope: Scope): Promise<BuiltRequest> {
  const secrets: SecretValue[] = [];
  const url = withQuery(joinUrl(baseUrl === null ? null : interpolateString(baseUrl, scope), interpolateString(t.url, scope)), t.query, scope);
  const headers: Array<[string, string]> = t.headers.map(([name, value]) => {
    const text = interpolateString(String(value), scope);
    if (isSecretHeaderName(name)) for (const value of credentialParts(text)) secrets.push({ value, keepTail: true });
    return [name, text];
  });
  const body = await buildBody(t, scope, headers);
  const auth = buildAuth(t.auth, scope);
  secrets.push(...authSecrets(auth));
  const network = await buildNetwork(t, scope);
  secrets.push(...network.secrets);
  const spec = createRequestSpec(
    {
      url,
      method: t.method,
      headers,
      body,
      auth,
      timeoutMs: t.timeoutMs,
      connectTimeoutMs: null,
      followRedirects: t.followRedirects,
      maxRedirects: t.maxRedirects,
      insecure: t.insecure,
      ca: network.ca,
      maxBodyBytes: t.maxBodyBytes,
      proxy: network.proxy,
      clientCert: network.clientCert,
    },
    STEP_LABELS,
  );
  return { spec, secrets };
}

/** How a step's fields are named in a problem found once its templates are filled in. */
const STEP_LABELS: InputLabels = {
  url: 'url',
  method: 'method',
  headers: 'headers',
  bearer: 'auth.bearer',
  basic: 'auth.basic',
  apiKey: 'auth.apiKey',
  apiKeyHeader: 'auth.header',
  timeout: 'timeout',
  connectTimeout: 'timeout',
  maxRedirects: 'maxRedirects',
  maxBody: 'maxBody',
  oauth2: {
    tokenUrl: 'auth.oauth2.tokenUrl',
    clientId: 'auth.oauth2.clientId',
    clientSecret: 'auth.oauth2.clientSecret',
    scope: 'auth.oauth2.scope',
    audience: 'auth.oauth2.audience',
    authMethod: 'auth.oauth2.authMethod',
    refreshToken: 'auth.oauth2.refreshToken',
  },
  note: '(after interpolation)',
};

/**
 * `base` + `/path`: joined as text (keeping a base path such as /api/v1), unless the URL is absolute. Blanks,
 * tabs, CR and LF around either (a YAML block scalar's newline) are trimmed, as for a URL on the command line.
 */
export function joinUrl(rawBase: string | null, rawUrl: string): string {
  const url = rawUrl.trim();
  const base = rawBase === null ? null : rawBase.trim();
  if (HAS_SCHEME.test(url)) return url;
  if (base !== null) return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  if (url.startsWith('/')) throw new UsageError(`the URL ${JSON.stringify(url)} is relative, and the suite has no baseUrl`);
  return `http://${url}`;
}

/** A step's URL when neither it nor the base URL holds a {{ variable }}, joined as the step will join it; else null. */
export function staticUrlOf(baseUrl: string | null, url: string): string | null {
  if (url.includes('{{') || (baseUrl?.includes('{{') ?? false)) return null;
  try {
    return new URL(joinUrl(baseUrl, url)).href;
  } catch {
    return null;
  }
}

function withQuery(url: string, query: RequestTemplate['query'], scope: Scope): string {
  if (query.length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`invalid URL ${JSON.stringify(url)} (after interpolation)`);
  }
  const text = (v: Scalar): string => (typeof v === 'string' ? interpolateString(v, scope) : String(v));
  for (const [name, value] of query) {
    for (const item of Array.isArray(value) ? value : [value]) parsed.searchParams.append(name, text(item as Scalar));
  }
  return parsed.toString();
}

async function buildBody(t: RequestTemplate, scope: Scope, headers: Array<[string, string]>): Promise<BodySpec> {
  const setType = (type: string): void => {
    if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', type]);
  };
  const body = t.body;
  switch (body.kind) {
    case 'none':
      return { kind: 'none' };
    case 'json':
      setType('application/json');
      return { kind: 'bytes', data: Buffer.from(JSON.stringify(interpolateDeep(body.value, scope)), 'utf8') };
    case 'text':
      // No type given: the request constructor chooses it from the bytes (JSON or text).
      return { kind: 'bytes', data: Buffer.from(interpolateString(body.text, scope), 'utf8') };
    case 'form': {
      const value = (v: Scalar): string => (typeof v === 'string' ? interpolateString(v, scope) : String(v));
      if (!body.fields.some(([, v]) => typeof v === 'object')) {
        const params = new URLSearchParams();
        for (const [name, v] of body.fields) params.append(name, value(v as Scalar));
        setType('application/x-www-form-urlencoded');
        return { kind: 'bytes', data: Buffer.from(params.toString(), 'utf8') };
      }
      const fields: FormField[] = [];
      for (const [name, v] of body.fields) {
        if (typeof v !== 'object') {
          fields.push({ kind: 'text', name, value: value(v) });
          continue;
        }
        const path = v.base === null ? v.file : resolve(v.base, interpolateString(v.file, scope));
        const data = await readWholeFile(path, MAX_BODY_INPUT_BYTES).catch((error: unknown) => {
          throw new UsageError(`form field ${name}: cannot read ${path}: ${unreadableReason(error)}`);
        });
        fields.push({ kind: 'file', name, fileName: basename(path), data });
      }
      return { kind: 'form', fields };
    }
  }
}

/** The step's auth with every field interpolated, each checked as what it becomes on the wire. */
function buildAuth(auth: AuthInput | null, scope: Scope): AuthSpec {
  if (auth === null || auth === 'none') return NO_AUTH;
  const text = (v: string): string => interpolateString(v, scope);
  if ('bearer' in auth) return { authorization: { kind: 'bearer', token: new Secret(text(auth.bearer)) }, apiKey: null };
  if ('oauth2' in auth) {
    const o = auth.oauth2;
    const optional = (v: string | undefined): string | null => (v === undefined ? null : text(v));
    return {
      authorization: {
        kind: 'oauth2',
        oauth2: {
          tokenUrl: text(o.tokenUrl).trim(),
          clientId: text(o.clientId),
          clientSecret: o.clientSecret === undefined ? null : new Secret(text(o.clientSecret)),
          scope: optional(o.scope),
          audience: optional(o.audience),
          authMethod: o.authMethod ?? 'basic',
          refreshToken: o.refreshToken === undefined ? null : new Secret(text(o.refreshToken)),
        },
      },
      apiKey: null,
    };
  }
  if ('apiKey' in auth) {
    return { authorization: null, apiKey: { key: new Secret(text(auth.apiKey)), header: auth.header === undefined ? 'X-API-Key' : text(auth.header), query: auth.query === undefined ? null : text(auth.query) } };
  }
  return { authorization: { kind: 'basic', user: text(auth.basic.user), password: new Secret(text(auth.basic.password)) }, apiKey: null };
}

/** A credential header's value, and the part after an auth scheme word (`Bearer abc` → `abc`). */
function credentialParts(value: string): string[] {
  const scheme = /^[A-Za-z][A-Za-z0-9._~+-]*\s+(\S.*)$/.exec(value.trim());
  return scheme?.[1] ? [value, scheme[1]] : [value];
}
