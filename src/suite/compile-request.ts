/**
 * A step's request, merged with the suite's defaults and checked before anything runs. Values keep their
 * `{{ … }}` templates: `build-request.ts` interpolates them per run and builds the RequestSpec.
 *
 * Merge rule: a step's key replaces the default's, except `headers` and `query`, which are merged by name
 * (case-insensitive for headers), the step's value winning; a header set to null is removed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileJsonPath } from '../expect/jsonpath.js';
import type { PaginateOptions } from '../paginate/walk-options.js';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../retry/backoff.js';
import { HEADER_NAME } from '../model/header-syntax.js';
import { METHOD_TOKEN, urlProblem } from '../model/request-spec.js';
import { parseByteSize } from '../util/byte-size.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../util/duration.js';
import { messageOf } from './compile-expect.js';
import { hasTemplate } from './interpolate.js';
import { unsendableHeaderName } from '../model/header-syntax.js';
import type { PathKey, RawProblem } from './locate-issue.js';
import type { AuthInput, DefaultsInput, PaginateInput, RetryInput, StepInput, TlsInput } from './suite-schema.js';
import { parseProxyUrl } from '../engine/proxy-settings.js';

export type Scalar = string | number | boolean;

export type BodyTemplate =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'form'; readonly fields: ReadonlyArray<readonly [string, Scalar | FormFile]> };

/** A file to upload: `path` is absolute, or (when it holds a template) relative to `base`, resolved once interpolated. */
export interface FormFile {
  readonly file: string;
  readonly base: string | null;
}

export interface RequestTemplate {
  /** Upper-case; default GET, or POST with a body. */
  readonly method: string;
  readonly url: string;
  readonly query: ReadonlyArray<readonly [string, Scalar | readonly Scalar[]]>;
  readonly headers: ReadonlyArray<readonly [string, Scalar]>;
  readonly body: BodyTemplate;
  readonly auth: AuthInput | null;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly insecure: boolean;
  /** null: the default limit. */
  readonly maxBodyBytes: number | null;
  readonly paginate: PaginateOptions | null;
  /** A proxy URL (may hold templates); false: none at all; null or absent: the environment's. */
  readonly proxy?: string | false | null;
  /** The no-proxy list; null or absent: the environment's. */
  readonly noProxy?: string | null;
  readonly tls?: TlsTemplate | null;
  /** `cache: true`: the step goes through the HTTP cache. */
  readonly cache?: boolean;
}

/** `tls:` with its files resolved (or, with a template, resolved once interpolated). */
export interface TlsTemplate {
  readonly cert: FormFile | null;
  readonly key: FormFile | null;
  readonly ca: FormFile | null;
  readonly passphrase: string | null;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: RetryPolicy = { limit: 0, retryOn: DEFAULT_RETRY_ON, baseDelayMs: 500, maxDelayMs: 30_000, factor: 2, allMethods: false };

export function compileRequest(step: StepInput, defaults: DefaultsInput, path: readonly PathKey[], suiteDir: string, problems: RawProblem[]): RequestTemplate {
  const at = (...keys: PathKey[]): PathKey[] => [...path, ...keys];
  const fromDefaults = (key: string): PathKey[] => (Object.hasOwn(step, key) ? at(key) : ['defaults', key]);

  const bodies = (['json', 'body', 'form'] as const).filter((key) => Object.hasOwn(step, key));
  if (bodies.length > 1) {
    problems.push({ path: at(bodies[1] ?? 'body'), anchor: 'key', message: `give one of json, body and form (this step has ${bodies.join(' and ')})` });
  }
  const body = bodyOf(step, suiteDir, at, problems);

  let method = (step.method ?? (body.kind === 'none' ? 'GET' : 'POST')).toUpperCase();
  if (!METHOD_TOKEN.test(method)) {
    problems.push({ path: at('method'), anchor: 'value', message: `invalid method ${JSON.stringify(step.method)} (use a token such as GET, POST, PATCH)` });
    method = 'GET';
  }

  const headers = mergeByName(defaults.headers, step.headers, true);
  for (const [name] of headers) {
    const where = Object.hasOwn(step.headers ?? {}, name) ? at('headers', name) : ['defaults', 'headers', name];
    const unsendable = unsendableHeaderName(name);
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      problems.push({ path: where, anchor: 'key', message: `invalid header name ${JSON.stringify(name)}` });
    } else if (unsendable !== null) problems.push({ path: where, anchor: 'key', message: `${unsendable.problem} (${unsendable.hint})` });
  }
  const timeout = step.timeout ?? defaults.timeout;
  const auth = step.auth ?? defaults.auth;
  const authAt = (...keys: PathKey[]): PathKey[] => (step.auth !== undefined ? at('auth', ...keys) : ['defaults', 'auth', ...keys]);
  if (auth !== undefined && auth !== 'none' && 'apiKey' in auth && auth.header !== undefined && !hasTemplate(auth.header) && !HEADER_NAME.test(auth.header)) {
    problems.push({ path: authAt('header'), anchor: 'value', message: `invalid header name ${JSON.stringify(auth.header)}` });
  }
  if (auth !== undefined && auth !== 'none' && 'basic' in auth && !hasTemplate(auth.basic.user) && auth.basic.user.includes(':')) {
    problems.push({ path: authAt('basic', 'user'), anchor: 'value', message: 'a Basic auth user name cannot contain ":"' });
  }
  if (auth !== undefined && auth !== 'none' && 'oauth2' in auth) {
    const { tokenUrl } = auth.oauth2;
    if (!hasTemplate(tokenUrl)) {
      const problem = urlProblem(tokenUrl.trim());
      if (problem !== null) problems.push({ path: authAt('oauth2', 'tokenUrl'), anchor: 'value', message: problem });
    }
    if (auth.oauth2.clientSecret === undefined && auth.oauth2.refreshToken === undefined) {
      problems.push({ path: authAt('oauth2'), anchor: 'key', message: 'the client credentials grant needs clientSecret (or give refreshToken for the refresh grant)' });
    }
  }
  return {
    method,
    url: step.url,
    query: mergeByName(defaults.query, step.query, false),
    headers,
    body,
    auth: auth === undefined || auth === 'none' ? null : auth,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : durationMs(timeout, fromDefaults('timeout'), problems) ?? DEFAULT_TIMEOUT_MS,
    retry: retryPolicy(step.retry ?? defaults.retry, fromDefaults('retry'), problems),
    followRedirects: step.followRedirects ?? defaults.followRedirects ?? false,
    maxRedirects: step.maxRedirects ?? defaults.maxRedirects ?? 10,
    insecure: step.insecure ?? defaults.insecure ?? false,
    maxBodyBytes: maxBodyOf(step.maxBody ?? defaults.maxBody, fromDefaults('maxBody'), problems),
    paginate: step.paginate === undefined ? null : paginateOptions(step.paginate, at('paginate'), problems),
    proxy: proxyOf(step.proxy ?? defaults.proxy, fromDefaults('proxy'), problems),
    noProxy: step.noProxy ?? defaults.noProxy ?? null,
    tls: tlsOf(step.tls ?? defaults.tls, fromDefaults('tls'), suiteDir, problems),
    cache: step.cache ?? defaults.cache ?? false,
  };
}

/** A proxy URL without a template is checked now, as the request will check it. */
function proxyOf(value: string | false | undefined, where: PathKey[], problems: RawProblem[]): string | false | null {
  if (value === undefined) return null;
  if (value !== false && !hasTemplate(value)) {
    try {
      parseProxyUrl(value, 'proxy');
    } catch (error) {
      problems.push({ path: where, anchor: 'value', message: messageOf(error).replace(/^proxy: /, '') });
    }
  }
  return value;
}

/** The files of `tls:` (relative to the suite file); one without a template must exist now. */
function tlsOf(tls: TlsInput | undefined, where: PathKey[], suiteDir: string, problems: RawProblem[]): TlsTemplate | null {
  if (tls === undefined) return null;
  const file = (key: 'cert' | 'key' | 'ca'): FormFile | null => {
    const path = tls[key];
    if (path === undefined) return null;
    if (hasTemplate(path)) return { file: path, base: suiteDir };
    const absolute = resolve(suiteDir, path);
    if (!existsSync(absolute)) problems.push({ path: [...where, key], anchor: 'value', message: `cannot read ${JSON.stringify(path)}: no such file` });
    return { file: absolute, base: null };
  };
  if (tls.cert === undefined && (tls.key !== undefined || tls.passphrase !== undefined)) {
    problems.push({ path: [...where, tls.key !== undefined ? 'key' : 'passphrase'], anchor: 'key', message: 'needs tls.cert (the client certificate)' });
  }
  return { cert: file('cert'), key: file('key'), ca: file('ca'), passphrase: tls.passphrase ?? null };
}

/** A file path without a template is resolved and checked now (a missing file is a problem before anything is sent). */
function bodyOf(step: StepInput, suiteDir: string, at: (...keys: PathKey[]) => PathKey[], problems: RawProblem[]): BodyTemplate {
  if (Object.hasOwn(step, 'json')) return { kind: 'json', value: step.json ?? null };
  if (step.body !== undefined) return { kind: 'text', text: step.body };
  if (step.form !== undefined) {
    const fileOf = (name: string, path: string): FormFile => {
      if (hasTemplate(path)) return { file: path, base: suiteDir };
      const file = resolve(suiteDir, path);
      if (!existsSync(file)) problems.push({ path: at('form', name, 'file'), anchor: 'value', message: `cannot read ${JSON.stringify(path)}: no such file` });
      return { file, base: null };
    };
    return {
      kind: 'form',
      fields: Object.entries(step.form).map(([name, value]) => [name, typeof value === 'object' ? fileOf(name, value.file) : value] as const),
    };
  }
  return { kind: 'none' };
}

function mergeByName<T>(base: Record<string, T | null> | undefined, over: Record<string, T | null> | undefined, caseInsensitive: boolean): Array<[string, T]> {
  const out = new Map<string, [string, T | null]>();
  const keyOf = (name: string): string => (caseInsensitive ? name.toLowerCase() : name);
  for (const source of [base, over]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      out.delete(keyOf(name)); // the step's spelling and position win
      out.set(keyOf(name), [name, value]);
    }
  }
  return [...out.values()].filter((entry): entry is [string, T] => entry[1] !== null);
}

/** A byte size (512kb, 10mb, or a number of bytes). */
function maxBodyOf(value: string | number | undefined, where: PathKey[], problems: RawProblem[]): number | null {
  if (value === undefined) return null;
  const bytes = typeof value === 'number' ? value : parseByteSize(value);
  if (bytes === undefined || !(bytes > 0)) {
    problems.push({ path: where, anchor: 'value', message: `invalid size ${JSON.stringify(value)} (use 512kb, 10mb, or a number of bytes)` });
    return null;
  }
  return bytes;
}

/** A duration as every time budget reads it: a bare number is seconds (util/duration.ts). */
export function durationMs(value: string | number, where: PathKey[], problems: RawProblem[]): number | undefined {
  const ms = parseDuration(String(value));
  if (ms === undefined || !(ms > 0)) {
    problems.push({ path: where, anchor: 'value', message: `invalid duration ${JSON.stringify(value)} (use 250ms, 5s, 1m, or a number of seconds)` });
    return undefined;
  }
  if (ms > MAX_DURATION_MS) {
    problems.push({ path: where, anchor: 'value', message: `${JSON.stringify(value)} is longer than the longest duration allowed (${formatDuration(MAX_DURATION_MS)}, 2^31-1 ms)` });
    return undefined;
  }
  return ms;
}

function retryPolicy(input: RetryInput | undefined, where: PathKey[], problems: RawProblem[]): RetryPolicy {
  if (input === undefined) return DEFAULT_RETRY;
  if (typeof input === 'number') {
    const { retryOn, baseDelayMs, maxDelayMs, factor, allMethods } = DEFAULT_RETRY;
    return { limit: input, retryOn, baseDelayMs, maxDelayMs, factor, allMethods };
  }
  return {
    limit: input.limit,
    retryOn: input.on ?? DEFAULT_RETRY_ON,
    baseDelayMs: input.delay === undefined ? DEFAULT_RETRY.baseDelayMs : (durationMs(input.delay, [...where, 'delay'], problems) ?? DEFAULT_RETRY.baseDelayMs),
    maxDelayMs: input.maxDelay === undefined ? DEFAULT_RETRY.maxDelayMs : (durationMs(input.maxDelay, [...where, 'maxDelay'], problems) ?? DEFAULT_RETRY.maxDelayMs),
    factor: 2,
    allMethods: input.allMethods ?? false,
  };
}

/** The options of `--paginate`, with the same defaults. */
function paginateOptions(input: PaginateInput, where: PathKey[], problems: RawProblem[]): PaginateOptions | null {
  if (input === false) return null;
  const o = typeof input === 'object' ? input : { style: input === true ? ('auto' as const) : input };
  const path = (key: 'cursorPath' | 'itemsPath' | 'hasMorePath') => {
    const text = o[key as keyof typeof o] as string | undefined;
    if (text === undefined) return null;
    try {
      return compileJsonPath(text);
    } catch (error) {
      problems.push({ path: [...where, key], anchor: 'value', message: messageOf(error) });
      return null;
    }
  };
  const full = typeof input === 'object' ? input : {};
  return {
    style: o.style ?? 'auto',
    pageParam: full.pageParam ?? 'page',
    startPage: full.startPage ?? 1,
    pageSize: full.pageSize ?? null,
    pageSizeParam: full.pageSizeParam ?? 'per_page',
    offsetParam: full.offsetParam ?? 'offset',
    limitParam: full.limitParam ?? 'limit',
    cursorPath: path('cursorPath'),
    cursorParam: full.cursorParam ?? 'cursor',
    itemsPath: path('itemsPath'),
    hasMorePath: path('hasMorePath'),
    maxPages: full.maxPages ?? 100,
    maxItems: full.maxItems ?? null,
  };
}

/** True when the URL is checked only after interpolation. */
export function urlNeedsBase(rawUrl: string): boolean {
  const url = rawUrl.trim();
  return !hasTemplate(url) && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) && url.startsWith('/');
}
