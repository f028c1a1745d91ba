/**
 * argv values → a RequestInput → the one request constructor (model/request-spec.ts). Everything that can be
 * wrong is found before any request: bad URL, method, headers, durations, missing files, unset auth variables.
 * curl's and HTTPie's conventions: `-u user[:password]`, `-I` (HEAD), `-G` (data as the query), repeated `-d`
 * joined with `&`, `--data-urlencode`, `-A`; a password left out is asked for on a terminal.
 */
import * as z from 'zod/mini';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { Secret } from '../../redact/secret.js';
import {
  createRequestSpec,
  FLAG_LABELS,
  MAX_REDIRECTS,
  refuseTwoSources,
  type InputLabels,
  type ApiKeySpec,
  type AuthorizationSpec,
  type AuthSpec,
  type BodySpec,
  type FormField,
  type HeaderInput,
  type RequestSpec,
} from '../../model/request-spec.js';
import { appendQuery, normaliseUrl } from './url-argument.js';
import { parseHeaderFlags, parseHeadersJson } from './header-flags.js';
import { fileNameOf, MAX_CERT_FILE_BYTES, readDataArg, readFileArg } from './data-argument.js';
import { DEFAULT_API_KEY_HEADER, type RawRequestOptions } from '../flags/request-flags.js';
import { usesOAuth2, type RawOAuth2Options } from '../flags/oauth2-flags.js';
import { durationFlag, integerFlag, parseFlags } from './flag-schemas.js';
import { parseByteSize } from '../../util/byte-size.js';
import { buildNetworkInput } from './network-input.js';
import { COOKIE_FLAG, cookieHeaderOf } from './cookie-flags.js';

const ScalarFlagsSchema = z.object({
  timeout: durationFlag('--timeout'),
  connectTimeout: z.optional(durationFlag('--connect-timeout')),
  maxRedirects: integerFlag('--max-redirects', 0, MAX_REDIRECTS),
});

/** What a command other than the plain request adds (e.g. `webhook send`: the signed body and its headers). */
export interface PreparedParts {
  /** A body already read (e.g. the exact bytes `webhook send` signed); replaces -d/-F. */
  body?: Uint8Array;
  /** Headers added after the user's (e.g. signature headers). */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** More values to mask in every output (e.g. a webhook secret). */
  secrets?: readonly string[];
  /** What to check when the server answers 401/403 (e.g. `webhook send`: the secret, not auth flags). */
  authHint?: string;
  /** How the command's messages name the body flag: `--data` for `apitest load`, whose -d is --duration. */
  dataFlag?: string;
}

export async function buildRequestSpec(raw: RawRequestOptions & RawOAuth2Options, io: Io, prepared: PreparedParts = {}): Promise<RequestSpec> {
  if (raw.url === undefined || raw.url === '') throw noUrl(raw);
  const flags = parseFlags(ScalarFlagsSchema, { timeout: raw.timeout ?? '30s', connectTimeout: raw.connectTimeout, maxRedirects: raw.maxRedirects ?? '10' });
  let url = appendQuery(normaliseUrl(raw.url, 'URL'), raw.query ?? []);
  // -H replaces a --headers entry of the same name; -H given several times with one name sends them all.
  const flagHeaders = parseHeaderFlags(raw.header ?? [], '-H/--header');
  const flagNames = new Set(flagHeaders.map(([n]) => n.toLowerCase()));
  const headers: HeaderInput[] = [
    ...(raw.headers === undefined ? [] : parseHeadersJson(raw.headers)).filter(([n]) => !flagNames.has(n.toLowerCase())),
    ...flagHeaders,
    ...(prepared.headers ?? []).map(([n, v]): HeaderInput => [n, v]),
  ];
  if (raw.userAgent !== undefined) headers.push(['User-Agent', raw.userAgent, '-A/--user-agent']);
  const cookie = cookieHeaderOf(raw.cookie);
  if (cookie !== null) {
    if (headers.some(([n]) => n.toLowerCase() === 'cookie')) throw new UsageError(`${COOKIE_FLAG} and -H/--header both set the Cookie header`, { hint: 'give one of them' });
    headers.push(['Cookie', cookie, COOKIE_FLAG]);
  }
  const auth = await buildAuth(raw, io, { url, headers });
  const dataFlag = prepared.dataFlag ?? '-d/--data';
  const built = prepared.body === undefined ? await buildBody(raw, io, dataFlag) : { body: { kind: 'bytes', data: prepared.body } as BodySpec, urlencoded: false };
  let body = built.body;
  let method = raw.method ?? null;
  if (raw.head === true) {
    if (method !== null && method.toUpperCase() !== 'HEAD') throw new UsageError(`-I/--head and -X ${method} ask for two methods`, { hint: 'give one of them' });
    if (body.kind !== 'none') throw new UsageError('-I/--head sends no body', { hint: prepared.dataFlag === undefined ? 'drop the body (-d, --data-urlencode, -F), or drop -I' : `drop the body (${prepared.dataFlag}, --data-urlencode), or drop -I` });
    method = 'HEAD';
  }
  if (raw.get === true) {
    // curl's -G: the data becomes the query of a GET.
    if (body.kind === 'form') throw new UsageError('-G/--get cannot send a -F/--form', { hint: 'use -d or --data-urlencode with -G' });
    if (body.kind === 'bytes') url = appendRawQuery(url, Buffer.from(body.data).toString('utf8'));
    body = { kind: 'none' };
    method ??= 'GET';
  }
  // --data-urlencode makes the body a form; with -G there is no body, and no Content-Type for one.
  if (built.urlencoded && body.kind === 'bytes' && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  const ca = raw.cacert === undefined ? null : (await readFileArg(raw.cacert, io, '--cacert', MAX_CERT_FILE_BYTES)).toString('utf8');
  if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--cacert: ${JSON.stringify(raw.cacert)} is not a PEM certificate file`, { hint: 'give a PEM file that contains -----BEGIN CERTIFICATE-----' });
  }
  const network = await buildNetworkInput(raw, io);
  return createRequestSpec(
    {
      ...network,
      url,
      method,
      headers,
      body,
      auth,
      timeoutMs: flags.timeout,
      connectTimeoutMs: flags.connectTimeout ?? null,
      followRedirects: raw.location === true,
      maxRedirects: flags.maxRedirects,
      insecure: raw.insecure === true,
      ca,
      maxBodyBytes: raw.maxBody === undefined ? null : parseMaxBody(raw.maxBody),
    },
    labelsOf(raw),
  );
}

function labelsOf(raw: RawRequestOptions): InputLabels {
  return raw.user !== undefined ? FLAG_LABELS : { ...FLAG_LABELS, basic: '--basic' };
}

function parseMaxBody(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined || bytes <= 0) throw new UsageError(`--max-body: invalid size ${JSON.stringify(value)}`, { hint: 'use 512kb, 10mb, 1gb, or a number of bytes' });
  return bytes;
}

function noUrl(raw: RawRequestOptions & RawOAuth2Options): UsageError {
  const swallowed = [
    ['--bearer', raw.bearer],
    ['--api-key', raw.apiKey],
    ['--oauth2-client-secret', raw.oauth2ClientSecret],
    ['--oauth2-refresh-token', raw.oauth2RefreshToken],
    ['--cert-passphrase', raw.certPassphrase],
  ].find(([, v]) => typeof v === 'string' && looksLikeUrl(v));
  if (swallowed) {
    // The value is not shown: it may be a real credential.
    return new UsageError(`no URL given: ${swallowed[0]} took the argument after it (it looks like a URL) as its value`, {
      hint: `put the URL first (apitest URL ${swallowed[0]}), or write ${swallowed[0]}=VALUE`,
    });
  }
  return new UsageError('no URL given', {
    hint: 'give it as the first argument or with --url (note: --api-key and --bearer take an optional value; write --bearer=TOKEN or put the URL first)',
  });
}

/**
 * The credentials: an Authorization header (--bearer, or -u/--basic) and an API key may be sent together; two
 * sources for the same header (--bearer with -u, either with -H Authorization or with the URL's user:password)
 * are refused — before a password is asked for, so nobody types one for a request that will not be sent.
 */
async function buildAuth(raw: RawRequestOptions & RawOAuth2Options, io: Io, request: { url: string; headers: readonly HeaderInput[] }): Promise<AuthSpec> {
  if (raw.user !== undefined && raw.basic !== undefined) throw new UsageError('-u/--user and --basic are the same option, given twice', { hint: 'give one of them' });
  const basic = raw.user ?? raw.basic;
  const basicFlag = raw.user !== undefined ? '-u/--user' : '--basic';
  if (raw.bearer !== undefined && basic !== undefined) throw new UsageError(`--bearer and ${basicFlag} both set the Authorization header`, { hint: 'give one of them' });
  // OAuth2 (loaded only when an --oauth2-* flag is given): its token goes in the Authorization header too.
  const oauth2 = usesOAuth2(raw) ? (await import('./oauth2-input.js')).parseOAuth2Flags(raw, io) : null;
  if (oauth2 !== null && (raw.bearer !== undefined || basic !== undefined)) {
    throw new UsageError(`${raw.bearer !== undefined ? '--bearer' : basicFlag} and --oauth2-token-url both set the Authorization header`, { hint: 'give one of them' });
  }

  let apiKey: ApiKeySpec | null = null;
  if (raw.apiKey !== undefined) {
    const key = raw.apiKey === true ? fromEnv(io.env, 'API_KEY', '--api-key', '--api-key=KEY') : raw.apiKey;
    apiKey = { key: new Secret(key), header: raw.apiKeyHeader ?? DEFAULT_API_KEY_HEADER, query: raw.apiKeyQuery ?? null };
  } else {
    if (raw.apiKeyQuery !== undefined) throw new UsageError('--api-key-query needs --api-key', { hint: 'add --api-key KEY (or --api-key with $API_KEY set)' });
    if (raw.apiKeyHeader !== undefined) throw new UsageError('--api-key-header needs --api-key', { hint: 'add --api-key KEY (or --api-key with $API_KEY set)' });
  }

  let authorization: AuthorizationSpec | null = oauth2 === null ? null : { kind: 'oauth2', oauth2 };
  if (raw.bearer !== undefined) {
    const token = raw.bearer === true ? fromEnv(io.env, 'ACCESS_TOKEN', '--bearer', '--bearer=TOKEN') : raw.bearer;
    authorization = { kind: 'bearer', token: new Secret(token) };
  } else if (basic !== undefined) {
    const colon = basic.indexOf(':');
    const user = colon === -1 ? basic : basic.slice(0, colon);
    if (colon === -1) refuseTwoSources({ url: request.url, headers: request.headers, auth: { authorization: { kind: 'basic', user, password: new Secret('') }, apiKey } }, labelsOf(raw));
    const password = colon === -1 ? await askPassword(user, basicFlag, io) : basic.slice(colon + 1);
    authorization = { kind: 'basic', user, password: new Secret(password) };
  }
  return { authorization, apiKey };
}

/**
 * A Basic password left out: $API_PASSWORD when it is set (a value set on purpose, as $ACCESS_TOKEN is for
 * --bearer: a CI job or a script under a terminal never stops at a prompt), else asked for on a terminal with
 * echo off (as curl asks). Ctrl-C at the prompt is an interruption (exit 130), Ctrl-D a usage error: nothing sent.
 */
async function askPassword(user: string, flag: string, io: Io): Promise<string> {
  const fromEnvironment = io.env.API_PASSWORD;
  if (fromEnvironment === '') {
    throw new UsageError(`${flag}: no password given, and API_PASSWORD is set but empty`, { hint: `set API_PASSWORD to the password, or write ${flag} user:password` });
  }
  if (fromEnvironment !== undefined) return fromEnvironment;
  const typed = await io.readPassword(`Enter password for user '${user}': `);
  if (typed === null) {
    throw new UsageError(`${flag}: no password given and the environment variable API_PASSWORD is not set`, {
      hint: `set API_PASSWORD, or give it: ${flag} user:password (on a terminal it is asked for)`,
    });
  }
  if (typeof typed !== 'string') {
    if (typed.cancelled === 'interrupt') throw new InterruptedError(`${flag}: the password prompt was cancelled (Ctrl-C); nothing was sent`);
    throw new UsageError(`${flag}: the password prompt was cancelled (Ctrl-D); nothing was sent`, { hint: `type the password and press Enter, or give it: ${flag} user:password` });
  }
  return typed;
}

function fromEnv(env: Io['env'], name: string, flag: string, example: string): string {
  const value = env[name];
  if (value === '') throw new UsageError(`${flag}: no value given, and ${name} is set but empty`, { hint: `set ${name}, or give the value: ${example}` });
  if (value === undefined) {
    throw new UsageError(`${flag}: no value given and the environment variable ${name} is not set`, { hint: `set ${name}, or give the value: ${example}` });
  }
  return value;
}

/** What a URL swallowed by an optional-value flag (`--bearer localhost:3000/x`) looks like. */
function looksLikeUrl(value: string): boolean {
  return /^(https?:\/\/|:\d|localhost\b|\d{1,3}(\.\d{1,3}){3}\b)/i.test(value) || /^[\w.-]+(:\d+)?\/[^\s]*$/.test(value);
}

/**
 * The body: -d values (text, @file, @-) and --data-urlencode fields, joined with `&` as curl does when there are
 * several (one -d is sent byte for byte); or a multipart -F form. --data-urlencode makes it a form
 * (application/x-www-form-urlencoded) unless a Content-Type is given; otherwise the constructor chooses the type.
 */
async function buildBody(raw: RawRequestOptions, io: Io, dataFlag: string): Promise<{ body: BodySpec; urlencoded: boolean }> {
  const data = raw.data ?? [];
  const encoded = raw.dataUrlencode ?? [];
  const form = raw.form ?? [];
  if ((data.length > 0 || encoded.length > 0) && form.length > 0) {
    throw new UsageError(`${data.length > 0 ? dataFlag : '--data-urlencode'} and -F/--form cannot be used together`, { hint: 'send either a body or a multipart form' });
  }
  if (data.length > 0 || encoded.length > 0) {
    const parts: Uint8Array[] = [];
    for (const value of data) parts.push(await readDataArg(value, io, dataFlag));
    for (const value of encoded) parts.push(Buffer.from(urlencodedField(value), 'utf8'));
    return { body: { kind: 'bytes', data: parts.length === 1 ? (parts[0] as Uint8Array) : joinWithAmpersand(parts) }, urlencoded: encoded.length > 0 };
  }
  if (form.length === 0) return { body: { kind: 'none' }, urlencoded: false };
  const fields: FormField[] = [];
  for (const entry of form) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`-F/--form: expected name=value or name=@file, got ${JSON.stringify(entry)}`);
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (value.startsWith('@')) {
      const path = value.slice(1);
      fields.push({ kind: 'file', name, fileName: fileNameOf(path), data: await readFileArg(path, io, '-F/--form') });
    } else {
      fields.push({ kind: 'text', name, value });
    }
  }
  return { body: { kind: 'form', fields }, urlencoded: false };
}

/** `name=value` → `name=value%20encoded` (the name as given, as curl does); `value` alone → the value encoded. */
function urlencodedField(entry: string): string {
  const eq = entry.indexOf('=');
  // As curl escapes it: everything but the unreserved characters (space is %20).
  const encode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (eq === -1) return encode(entry);
  return `${entry.slice(0, eq)}=${encode(entry.slice(eq + 1))}`;
}

function joinWithAmpersand(parts: readonly Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(Buffer.from('&'));
    out.push(part);
  });
  return Buffer.concat(out);
}

/** `-G`: the data appended to the URL's query as it is (already in query form), after any query there. */
function appendRawQuery(url: string, query: string): string {
  if (query === '') return url;
  const parsed = new URL(url);
  parsed.search = parsed.search === '' ? `?${query}` : `${parsed.search}&${query}`;
  return parsed.toString();
}
