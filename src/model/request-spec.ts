/**
 * One request, fully validated: what the engine sends. There is one way to make one, `createRequestSpec`, used
 * by the command line, suite steps, `webhook send` and every later producer; `withUrl` derives a request for
 * another URL (the next page of a walk). Producers turn their own syntax (flags, YAML, templates) into a
 * `RequestInput`; every rule about what can be sent lives here, and its messages name where the value came from.
 */
import { UsageError } from '../errors.js';
import type { Secret } from '../redact/secret.js';
import { HEADER_NAME, headerProblem, headerValueProblem } from './header-syntax.js';
import type { ClientCertificate, ProxySettings } from './network-spec.js';
import { OAUTH2_FLAG_LABELS, oauth2Problem, type OAuth2Labels, type OAuth2Spec } from './oauth2-spec.js';

/** RFC 9110 `token`: the characters a method name may use. */
export const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The longest time budget a timer can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;
export const MAX_REDIRECTS = 1000;

/**
 * What goes in the Authorization header. `oauth2`: a bearer token the engine obtains from the token endpoint
 * before sending (engine/oauth2/), then sends as `bearer`.
 */
export type AuthorizationSpec =
  | { readonly kind: 'bearer'; readonly token: Secret }
  | { readonly kind: 'basic'; readonly user: string; readonly password: Secret }
  | { readonly kind: 'oauth2'; readonly oauth2: OAuth2Spec };

/** The key goes in `header`, or in the query parameter `query` when that is set. */
export interface ApiKeySpec {
  readonly key: Secret;
  readonly header: string;
  readonly query: string | null;
}

/** The credentials of a request: an Authorization header and an API key may be sent together. */
export interface AuthSpec {
  readonly authorization: AuthorizationSpec | null;
  readonly apiKey: ApiKeySpec | null;
}

export const NO_AUTH: AuthSpec = Object.freeze({ authorization: null, apiKey: null });

export type FormField =
  | { readonly kind: 'text'; readonly name: string; readonly value: string }
  | { readonly kind: 'file'; readonly name: string; readonly fileName: string; readonly data: Uint8Array };

export type BodySpec =
  | { readonly kind: 'none' }
  /** Exact bytes. The Content-Type is in `headers`. */
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'form'; readonly fields: readonly FormField[] };

export interface RequestSpec {
  /** An absolute http or https URL. */
  readonly url: string;
  /** Upper-case RFC 9110 token. */
  readonly method: string;
  /** In the order given, names as typed. Auth headers are not here: see `auth`. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: BodySpec;
  readonly auth: AuthSpec;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number | null;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly insecure: boolean;
  /** PEM text of extra CA certificates (`--cacert`). */
  readonly ca: string | null;
  /** The body limit, once decoded: always for a body kept in memory; for one only streamed (-o) when `limitsStreamed`. */
  readonly maxBody: { readonly bytes: number; readonly limitsStreamed: boolean; readonly setting: string };
  /** The proxies it may go through (chosen per URL, each redirect hop again); null: direct. */
  readonly proxy: ProxySettings | null;
  /** The TLS client certificate it presents (`--cert`), checked when it was read. */
  readonly clientCert: ClientCertificate | null;
  /** `--http2`: offer HTTP/2 over TLS (ALPN), HTTP/1.1 otherwise. */
  readonly http2: boolean;
}

/** The default --max-body: a body kept in memory stops at 64 MiB once decoded. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A header and where the user wrote it (named in a problem's message, e.g. `-H/--header`). */
export type HeaderInput = readonly [name: string, value: string, source?: string];

export interface RequestInput {
  readonly url: string;
  /** null: GET, or POST when there is a body. */
  readonly method: string | null;
  readonly headers: readonly HeaderInput[];
  readonly body: BodySpec;
  readonly auth: AuthSpec;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number | null;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly insecure: boolean;
  readonly ca: string | null;
  /** null: the default (64 MiB, in memory only); a number: that limit, for streamed bodies too. */
  readonly maxBodyBytes: number | null;
  /** Absent: direct, no client certificate, HTTP/1.1 (network-spec.ts). */
  readonly proxy?: ProxySettings | null;
  readonly clientCert?: ClientCertificate | null;
  readonly http2?: boolean;
}

/** How the user wrote each field, for messages (`URL`, `-X/--method`…), and a note such as "(after interpolation)". */
export interface InputLabels {
  readonly url: string;
  readonly method: string;
  readonly headers: string;
  readonly bearer: string;
  readonly basic: string;
  readonly apiKey: string;
  /** Where the API key's header name was given (`--api-key-header`, `auth.header`). */
  readonly apiKeyHeader: string;
  readonly timeout: string;
  readonly connectTimeout: string;
  readonly maxRedirects: string;
  /** How the body limit is set (`--max-body`, `maxBody`), named in the too-large message. */
  readonly maxBody: string;
  /** How the OAuth2 settings were written (default: the `--oauth2-*` flags). */
  readonly oauth2?: OAuth2Labels;
  readonly note?: string;
}

/** The flags that set each part of a single request: the labels of the CLI (commands override a few). */
export const FLAG_LABELS: InputLabels = Object.freeze({
  url: 'URL',
  method: '-X/--method',
  headers: '-H/--header',
  bearer: '--bearer',
  basic: '-u/--user',
  apiKey: '--api-key',
  apiKeyHeader: '--api-key-header',
  timeout: '--timeout',
  connectTimeout: '--connect-timeout',
  maxRedirects: '--max-redirects',
  maxBody: '--max-body',
});

/**
 * Checks every field and fills the defaults: the method (GET, or POST with a body), a Content-Type for a byte
 * body that has none (see contentTypeOf). Throws a
 * UsageError naming the field as the user wrote it; a credential's value is never shown.
 */
export function createRequestSpec(input: RequestInput, labels: InputLabels): RequestSpec {
  const note = labels.note === undefined ? '' : ` ${labels.note}`;
  const fail = (label: string, problem: string, hint?: string): never => {
    throw new UsageError(`${label}: ${problem}${note}`, hint === undefined ? {} : { hint });
  };
  const urlIssue = urlProblem(input.url);
  if (urlIssue !== null) fail(labels.url, urlIssue, 'write it as http://host[:port]/path');
  const method = (input.method ?? (input.body.kind === 'none' ? 'GET' : 'POST')).toUpperCase();
  if (!METHOD_TOKEN.test(method)) fail(labels.method, `invalid method ${JSON.stringify(input.method)}`, 'use a token such as GET, POST, PATCH');
  const headers: Array<readonly [string, string]> = [];
  for (const [name, value, source] of input.headers) {
    const problem = headerProblem(name, value);
    if (problem !== null) fail(source ?? labels.headers, problem.problem, problem.hint);
    headers.push([name, value]);
  }
  checkAuth(input.auth, labels, fail);
  refuseTwoSources(input, labels);
  checkContentLength(input, fail);
  if (input.body.kind === 'form') {
    for (const field of input.body.fields) if (field.name === '') fail('form', 'a form field has an empty name');
  }
  if (input.body.kind === 'bytes' && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', contentTypeOf(input.body.data)]);
  }
  checkDuration(input.timeoutMs, labels.timeout, fail);
  if (input.connectTimeoutMs !== null) checkDuration(input.connectTimeoutMs, labels.connectTimeout, fail);
  if (!Number.isSafeInteger(input.maxRedirects) || input.maxRedirects < 0 || input.maxRedirects > MAX_REDIRECTS) {
    fail(labels.maxRedirects, `expected a whole number from 0 to ${MAX_REDIRECTS}, got ${input.maxRedirects}`);
  }
  return Object.freeze({
    url: (parseUrl(input.url) as URL).toString(),
    method,
    headers,
    body: input.body,
    auth: input.auth,
    timeoutMs: input.timeoutMs,
    connectTimeoutMs: input.connectTimeoutMs,
    followRedirects: input.followRedirects,
    maxRedirects: input.maxRedirects,
    insecure: input.insecure,
    ca: input.ca,
    maxBody: { bytes: input.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, limitsStreamed: input.maxBodyBytes !== null, setting: labels.maxBody },
    proxy: input.proxy ?? null,
    clientCert: input.clientCert ?? null,
    http2: input.http2 === true,
  });
}

/**
 * A Content-Length the user wrote must say what is sent: a wrong one makes a GET wait out its timeout for
 * bytes that never come, or leaves the rest of a POST's body to be read as the next request. apitest does not
 * correct it silently; it refuses it, before anything is sent. A multipart body's length is computed by the
 * client, so a Content-Length for it is refused too.
 */
function checkContentLength(input: RequestInput, fail: (label: string, problem: string, hint?: string) => never): void {
  const given = input.headers.filter(([name]) => name.toLowerCase() === 'content-length');
  if (given.length === 0) return;
  const [, value, source] = given[0] as HeaderInput;
  const label = source ?? 'headers';
  const hint = 'leave Content-Length out: it is computed from the body';
  if (given.length > 1) fail(label, 'Content-Length is given more than once', hint);
  if (!/^\d{1,15}$/.test(value.trim())) fail(label, `Content-Length must be a number of bytes, got ${JSON.stringify(value)}`, hint);
  const declared = Number(value.trim());
  const body = input.body;
  if (body.kind === 'form') fail(label, 'Content-Length cannot be given with -F form fields (the multipart body is measured when it is encoded)', hint);
  const actual = body.kind === 'bytes' ? body.data.byteLength : 0;
  if (declared !== actual) fail(label, `Content-Length: ${declared} contradicts the body, which is ${actual} byte${actual === 1 ? '' : 's'}`, hint);
}

/** The same request with another Authorization (the engine: an OAuth2 request with the access token it obtained). */
export function withAuthorization(spec: RequestSpec, authorization: AuthorizationSpec): RequestSpec {
  // Key by key, as withUrl (no spread: one object shape for every request of a long suite).
  return Object.freeze({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    auth: Object.freeze({ authorization, apiKey: spec.auth.apiKey }),
    timeoutMs: spec.timeoutMs,
    connectTimeoutMs: spec.connectTimeoutMs,
    followRedirects: spec.followRedirects,
    maxRedirects: spec.maxRedirects,
    insecure: spec.insecure,
    ca: spec.ca,
    maxBody: spec.maxBody,
    proxy: spec.proxy,
    clientCert: spec.clientCert,
    http2: spec.http2,
  });
}

/** The same request sent to another URL (the next page of a walk); the URL is checked like any other. */
export function withUrl(spec: RequestSpec, url: string): RequestSpec {
  const problem = urlProblem(url);
  if (problem !== null) throw new UsageError(`next page: ${problem}`);
  return Object.freeze({
    url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    auth: spec.auth,
    timeoutMs: spec.timeoutMs,
    connectTimeoutMs: spec.connectTimeoutMs,
    followRedirects: spec.followRedirects,
    maxRedirects: spec.maxRedirects,
    insecure: spec.insecure,
    ca: spec.ca,
    maxBody: spec.maxBody,
    proxy: spec.proxy,
    clientCert: spec.clientCert,
    http2: spec.http2,
  });
}

/** Why a URL cannot be sent (the rule of every request), or null when it can: absolute, http or https, a host. */
export function urlProblem(url: string): string | null {
  // The URL as shown in a message, made only when there is one (every row of a batch passes here).
  const shown = (): string => JSON.stringify(hidePassword(url));
  // The WHATWG parser would silently drop tabs and newlines inside a URL: refuse control characters instead.
  if (/[\u0000-\u001f\u007f]/.test(url)) return `URL ${shown()} contains control characters (remove them, or URL-encode them)`;
  const parsed = parseUrl(url);
  if (parsed === null) {
    return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url.trim()) ? `invalid URL ${shown()}` : `expected an http:// or https:// URL, got ${shown()}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `expected an http:// or https:// URL, got ${shown()}`;
  if (parsed.hostname === '') return `URL ${shown()} has no host`;
  return null;
}

/** `http://user:secret@host` → `http://user:****@host` (for messages about a URL that may not parse). */
export function hidePassword(url: string): string {
  return url.replace(/^((?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?[^/?#@:]*:)[^/?#@]*@/, '$1****@');
}

function checkAuth(auth: AuthSpec, labels: InputLabels, fail: (label: string, problem: string, hint?: string) => never): void {
  const credential = (label: string, field: string, value: string): void => {
    if (value === '') fail(label, `the ${field} is empty`);
    const problem = headerValueProblem(value);
    if (problem !== null) fail(label, `the ${field} ${problem}`, 'check the value (a stray newline from a file or variable?)');
  };
  const { authorization, apiKey } = auth;
  if (authorization?.kind === 'bearer') credential(labels.bearer, 'token', authorization.token.reveal());
  if (authorization?.kind === 'oauth2') {
    const problem = oauth2Problem(authorization.oauth2, labels.oauth2 ?? OAUTH2_FLAG_LABELS, urlProblem(authorization.oauth2.tokenUrl));
    if (problem !== null) fail(...problem);
  }
  if (authorization?.kind === 'basic') {
    if (authorization.user === '') fail(labels.basic, 'the user name is empty', 'write user:password');
    if (authorization.user.includes(':')) fail(labels.basic, 'the user name contains ":" (Basic auth cannot carry it; put it in the password)');
    if (/[\r\n\0]/.test(authorization.user)) fail(labels.basic, 'the user name contains a CR, LF or NUL character');
  }
  if (apiKey !== null) {
    if (apiKey.query === null) {
      if (!HEADER_NAME.test(apiKey.header)) fail(labels.apiKeyHeader, `invalid header name ${JSON.stringify(apiKey.header)}`, "header names are letters, digits and !#$%&'*+-.^_`|~");
      credential(labels.apiKey, 'key', apiKey.key.reveal());
    } else if (apiKey.query === '') fail(labels.apiKey, 'the API-key query parameter name is empty');
    else if (apiKey.key.reveal() === '') fail(labels.apiKey, 'the key is empty');
  }
}

/**
 * Two sources for one header are a usage error naming both, before anything is sent: a credential flag and a
 * -H, two credentials, or the URL's user:password (sent as Basic auth) and any other Authorization. The header
 * is named as the credential sets it (`Authorization`, the API-key header as configured), whatever case the -H
 * used. Exported for the command line, which checks before it asks for a password.
 */
export function refuseTwoSources(input: Pick<RequestInput, 'url' | 'headers' | 'auth'>, labels: Pick<InputLabels, 'url' | 'headers' | 'bearer' | 'basic' | 'apiKey' | 'oauth2'>): void {
  const sources = new Map<string, { source: string; name: string }>();
  const claim = (name: string, source: string): void => {
    const lower = name.toLowerCase();
    const other = sources.get(lower);
    if (other !== undefined && other.source !== source) {
      throw new UsageError(`${other.source} and ${source} both set the ${other.name} header`, { hint: `give one of them` });
    }
    sources.set(lower, { source, name: other?.name ?? name });
  };
  const { authorization, apiKey } = input.auth;
  if (authorization !== null) {
    claim('Authorization', authorization.kind === 'bearer' ? labels.bearer : authorization.kind === 'basic' ? labels.basic : (labels.oauth2 ?? OAUTH2_FLAG_LABELS).tokenUrl);
  }
  if (apiKey !== null && apiKey.query === null) claim(apiKey.header, labels.apiKey);
  if (hasUserinfo(input.url)) claim('Authorization', `the user:password of the ${labels.url}`);
  for (const [name, , source] of input.headers) {
    const lower = name.toLowerCase();
    if (sources.has(lower)) claim(name, source ?? labels.headers);
  }
}

/** Whether a URL carries a user name or password (which the client sends as Basic auth). */
function hasUserinfo(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && (parsed.username !== '' || parsed.password !== '');
}

/**
 * The WHATWG parse of a URL, null when it does not parse. The last one is kept: a request's URL is checked,
 * looked at for a user:password and normalized, and a batch sends many rows to one URL — one parse, not three
 * per request. Read only here (never handed out, so never changed).
 */
let lastParse: { readonly url: string; readonly parsed: URL | null } | null = null;
function parseUrl(url: string): URL | null {
  if (lastParse !== null && lastParse.url === url) return lastParse.parsed;
  let parsed: URL | null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  lastParse = { url, parsed };
  return parsed;
}

function checkDuration(ms: number, label: string, fail: (label: string, problem: string, hint?: string) => never): void {
  if (!Number.isSafeInteger(ms) || ms <= 0) fail(label, `invalid duration ${ms}ms`);
  if (ms > MAX_TIMEOUT_MS) fail(label, `${ms}ms is longer than the longest allowed (${MAX_TIMEOUT_MS}ms, about 24.8 days)`);
}

/** `a=1&b=two%20words`: what curl sends -d data as by default. */
const FORM_URLENCODED = /^[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*$/;

/**
 * The Content-Type of a byte body sent without one: application/json when it parses as JSON; application/
 * x-www-form-urlencoded when it reads `name=value&…` (curl's default for -d); otherwise text/plain; charset=utf-8.
 */
export function contentTypeOf(data: Uint8Array): string {
  const text = Buffer.from(data).toString('utf8').trim();
  if (text === '') return 'text/plain; charset=utf-8';
  try {
    JSON.parse(text);
    return 'application/json';
  } catch {
    return FORM_URLENCODED.test(text) ? 'application/x-www-form-urlencoded' : 'text/plain; charset=utf-8';
  }
}
