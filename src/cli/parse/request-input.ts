import * as z from 'zod/mini';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { Secret } from '../../redact/secret.js';
import { createRequestSpec, MAX_REDIRECTS, type AuthSpec, type BodySpec, type FormField, type HeaderInput, type RequestSpec } from '../../model/request-spec.js';
import { appendQuery, normaliseUrl } from './url-argument.js';
import { parseHeaderFlags, parseHeadersJson } from './header-flags.js';
import { fileNameOf, readDataArg, readFileArg } from './data-argument.js';
import { DEFAULT_API_KEY_HEADER, type RawRequestOptions } from '../flags/request-flags.js';
import { durationFlag, integerFlag, parseFlags } from './flag-schemas.js';

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
}

/**
 * argv values → a RequestInput → the one request constructor (model/request-spec.ts). Everything that can be
 * wrong is found before any request: bad URL, method, headers, durations, missing files, unset auth variables.
 */
export async function buildRequestSpec(raw: RawRequestOptions, io: Io, prepared: PreparedParts = {}): Promise<RequestSpec> {
  if (raw.url === undefined || raw.url === '') {
    const swallowed = [['--bearer', raw.bearer], ['--api-key', raw.apiKey]].find(([, v]) => typeof v === 'string' && looksLikeUrl(v));
    if (swallowed) {
      // The value is not shown: it may be a real credential.
      throw new UsageError(`no URL given: ${swallowed[0]} took the argument after it (it looks like a URL) as its value`, {
        hint: `put the URL first (apitest URL ${swallowed[0]}), or write ${swallowed[0]}=VALUE`,
      });
    }
    throw new UsageError('no URL given', {
      hint: 'give it as the first argument or with --url (note: --api-key and --bearer take an optional value; write --bearer=TOKEN or put the URL first)',
    });
  }
  const flags = parseFlags(ScalarFlagsSchema, {
    timeout: raw.timeout,
    connectTimeout: raw.connectTimeout,
    maxRedirects: raw.maxRedirects,
  });
  const url = appendQuery(normaliseUrl(raw.url, 'URL'), raw.query);
  // -H replaces a --headers entry of the same name; -H given several times with one name sends them all.
  const flagHeaders = parseHeaderFlags(raw.header, '-H/--header');
  const flagNames = new Set(flagHeaders.map(([n]) => n.toLowerCase()));
  const headers: HeaderInput[] = [
    ...(raw.headers === undefined ? [] : parseHeadersJson(raw.headers)).filter(([n]) => !flagNames.has(n.toLowerCase())),
    ...flagHeaders,
    ...(prepared.headers ?? []).map(([n, v]): HeaderInput => [n, v]),
  ];
  const auth = buildAuth(raw, io.env);
  const body: BodySpec = prepared.body === undefined ? await buildBody(raw, io) : { kind: 'bytes', data: prepared.body };
  const ca = raw.cacert === undefined ? null : (await readFileArg(raw.cacert, io, '--cacert')).toString('utf8');
  if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--cacert: ${JSON.stringify(raw.cacert)} is not a PEM certificate file`, { hint: 'give a PEM file that contains -----BEGIN CERTIFICATE-----' });
  }
  return createRequestSpec(
    {
      url,
      method: raw.method ?? null,
      headers,
      body,
      auth,
      timeoutMs: flags.timeout,
      connectTimeoutMs: flags.connectTimeout ?? null,
      followRedirects: raw.location,
      maxRedirects: flags.maxRedirects,
      insecure: raw.insecure,
      ca,
    },
    {
      url: 'URL',
      method: '-X/--method',
      headers: '-H/--header',
      auth: auth.kind === 'api-key' ? '--api-key' : `--${auth.kind}`,
      apiKeyHeader: '--api-key-header',
      timeout: '--timeout',
      connectTimeout: '--connect-timeout',
      maxRedirects: '--max-redirects',
    },
  );
}

function buildAuth(raw: RawRequestOptions, env: Io['env']): AuthSpec {
  const given = [raw.apiKey !== undefined, raw.bearer !== undefined, raw.basic !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('choose one of --api-key, --bearer and --basic', { hint: 'each request carries one credential' });
  if (raw.apiKey !== undefined) {
    const key = raw.apiKey === true ? fromEnv(env, 'API_KEY', '--api-key', '--api-key=KEY') : raw.apiKey;
    return { kind: 'api-key', key: new Secret(key), header: raw.apiKeyHeader, query: raw.apiKeyQuery ?? null };
  }
  if (raw.apiKeyQuery !== undefined) throw new UsageError('--api-key-query needs --api-key', { hint: 'add --api-key KEY (or --api-key with $API_KEY set)' });
  if (raw.apiKeyHeader !== DEFAULT_API_KEY_HEADER) throw new UsageError('--api-key-header needs --api-key', { hint: 'add --api-key KEY (or --api-key with $API_KEY set)' });
  if (raw.bearer !== undefined) {
    const token = raw.bearer === true ? fromEnv(env, 'ACCESS_TOKEN', '--bearer', '--bearer=TOKEN') : raw.bearer;
    return { kind: 'bearer', token: new Secret(token) };
  }
  if (raw.basic !== undefined) {
    const colon = raw.basic.indexOf(':');
    const user = colon === -1 ? raw.basic : raw.basic.slice(0, colon);
    const password = colon === -1 ? fromEnv(env, 'API_PASSWORD', '--basic', '--basic user:password', 'no password given') : raw.basic.slice(colon + 1);
    return { kind: 'basic', user, password: new Secret(password) };
  }
  return { kind: 'none' };
}

function fromEnv(env: Io['env'], name: string, flag: string, example: string, missing = 'no value given'): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new UsageError(`${flag}: ${missing} and the environment variable ${name} is not set`, {
      hint: `set ${name}, or give the value: ${example}`,
    });
  }
  return value;
}

/** What a URL swallowed by an optional-value flag (`--bearer localhost:3000/x`) looks like. */
function looksLikeUrl(value: string): boolean {
  return /^(https?:\/\/|:\d|localhost\b|\d{1,3}(\.\d{1,3}){3}\b)/i.test(value) || /^[\w.-]+(:\d+)?\/[^\s]*$/.test(value);
}

async function buildBody(raw: RawRequestOptions, io: Io): Promise<BodySpec> {
  if (raw.data !== undefined && raw.form.length > 0) throw new UsageError('-d/--data and -F/--form cannot be used together', { hint: 'send either a body or a multipart form' });
  if (raw.data !== undefined) return { kind: 'bytes', data: await readDataArg(raw.data, io) };
  if (raw.form.length === 0) return { kind: 'none' };
  const fields: FormField[] = [];
  for (const entry of raw.form) {
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
  return { kind: 'form', fields };
}
