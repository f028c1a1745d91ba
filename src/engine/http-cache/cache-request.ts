/**
 * The cache's view of a request (pure): its key, the URL it shows, and the request headers the policy sees.
 *
 * Credentials never appear in clear: the key and the file name are sha256 hashes; the policy is given a stand-in
 * URL (the key), and each credential header's value is replaced by a hash of it. The credentials themselves
 * (Authorization, the API key, cookies, an OAuth2 client) are part of the key, so a response stored for one
 * identity is never served to a request made with another, or with none.
 */
import { createHash } from 'node:crypto';
import { applyAuth, authHeaderNames } from '../../auth/apply-auth.js';
import { hidePassword, type RequestSpec } from '../../model/request-spec.js';

/** Header names that carry credentials, besides the auth spec's own. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

export interface CacheRequest {
  readonly method: string;
  /** sha256 hex of method, URL (as sent, with an API-key parameter) and the credentials: the file name. */
  readonly key: string;
  /** The URL as shown: no password, no API-key parameter. */
  readonly displayUrl: string;
  readonly host: string;
  /** Lower-case names; credential values replaced by `sha256:<hex>`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The kinds of credential the request carries (`Authorization`, `API key`, `Cookie`, `OAuth2`), for reasons. */
  readonly credentials: readonly string[];
}

const hash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * `cookieHeader`: the cookies the run's jar adds for this URL, if any. An OAuth2 request is identified by its
 * token endpoint, client and scope (the token itself is not known yet).
 */
export function cacheRequestOf(spec: RequestSpec, cookieHeader: string | null = null): CacheRequest {
  const auth = spec.auth;
  const oauth2 = auth.authorization?.kind === 'oauth2' ? auth.authorization.oauth2 : null;
  // applyAuth refuses an OAuth2 spec (its token comes later): the rest of the credentials are applied alone.
  const applied = applyAuth(oauth2 === null ? auth : { ...auth, authorization: null }, spec.url, spec.headers);
  const credentialNames = new Set([...CREDENTIAL_HEADERS, ...authHeaderNames(auth).map((n) => n.toLowerCase())]);
  const headers = Object.create(null) as Record<string, string>;
  const identity: string[] = [];
  const credentials = new Set<string>();
  const add = (rawName: string, value: string): void => {
    const name = rawName.toLowerCase();
    if (credentialNames.has(name)) {
      identity.push(`${name}: ${value}`);
      credentials.add(name === 'authorization' ? 'Authorization' : name === 'cookie' ? 'Cookie' : name === 'proxy-authorization' ? 'Proxy-Authorization' : 'API key');
      value = `sha256:${hash(value)}`;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  };
  for (const [name, value] of applied.headers) add(name, value);
  if (cookieHeader !== null && cookieHeader !== '') add('cookie', cookieHeader);
  if (auth.apiKey?.query != null) {
    credentials.add('API key');
  }
  if (oauth2 !== null) {
    credentials.add('OAuth2');
    identity.push(`oauth2: ${JSON.stringify([oauth2.tokenUrl, oauth2.clientId, oauth2.scope ?? null, oauth2.audience ?? null])}`);
  }
  const url = new URL(applied.url);
  url.hash = '';
  const key = hash(['apitest-http-cache-v1', spec.method.toUpperCase(), url.toString(), ...identity].join('\n'));
  const shown = new URL(spec.url);
  shown.hash = '';
  return { method: spec.method.toUpperCase(), key, displayUrl: hidePassword(shown.toString()), host: url.host, headers, credentials: [...credentials] };
}

/** sha256 of the request's values of the header names a response varies on (names lower-case, sorted). */
export function variantOf(request: CacheRequest, varyNames: readonly string[]): string {
  return hash(varyNames.map((name) => `${name}: ${request.headers[name] ?? ''}`).join('\n'));
}

/** The field names of a `Vary` value, lower-case and sorted; `*` kept as is. */
export function varyNamesOf(vary: string | undefined): string[] {
  if (vary === undefined) return [];
  return [...new Set(vary.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))].sort();
}

/**
 * The request as http-cache-semantics is given it: the key stands for the URL, and only the headers it reads
 * (Host, Cache-Control, Pragma, conditionals) and those the response varies on are passed.
 */
export function policyRequest(request: CacheRequest, varyNames: readonly string[], extra: Readonly<Record<string, string>> = {}): { method: string; url: string; headers: Record<string, string> } {
  // Names come from the response's Vary and the request: an object without a prototype.
  const headers = Object.create(null) as Record<string, string>;
  headers.host = request.host;
  for (const name of ['cache-control', 'pragma', 'if-none-match', 'if-modified-since', ...varyNames]) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) headers[name] = value;
  return { method: request.method, url: `/${request.key}`, headers };
}
