/**
 * `--print-curl`: the curl command line that sends the same request — method, URL, headers, body, credentials,
 * redirects, TLS and timeouts — shell-quoted for POSIX shells, on one line. Credentials are written as
 * environment variable references (`"$ACCESS_TOKEN"`) unless secrets are shown, so the line can be pasted
 * into a bug report. Pure.
 */
import type { RequestSpec } from '../model/request-spec.js';
import { SENSITIVE_HEADERS } from '../redact/redactor.js';

export interface CurlOptions {
  /** Write credentials in clear (`--show-secrets`) instead of as variable references. */
  readonly showSecrets: boolean;
  /** The `--cacert` file the user gave (the spec holds only its PEM text). */
  readonly caFile: string | null;
}

/** A piece of one shell word: literal text, or a reference to an environment variable. */
type Part = { readonly text: string } | { readonly env: string };
type Word = readonly Part[];

/** Environment variables the line refers to for each credential (apitest reads the same ones). */
export const CURL_ENV = { bearer: 'ACCESS_TOKEN', password: 'API_PASSWORD', apiKey: 'API_KEY', urlPassword: 'URL_PASSWORD', proxyPassword: 'PROXY_PASSWORD', certPassphrase: 'APITEST_CERT_PASSPHRASE' } as const;

export function curlCommand(spec: RequestSpec, options: CurlOptions): string {
  const words: Word[] = [lit('curl')];
  const secret = (value: string, env: string): Part => (options.showSecrets ? { text: value } : { env });
  const hasBody = spec.body.kind !== 'none';

  if (spec.method === 'HEAD' && !hasBody) words.push(lit('-I'));
  else if (spec.method !== (hasBody ? 'POST' : 'GET')) words.push(lit('-X'), lit(spec.method));

  words.push(urlWord(spec, secret));

  for (const [name, value] of spec.headers) {
    const lower = name.toLowerCase();
    words.push(lit('-H'), SENSITIVE_HEADERS.has(lower) || (SECRET_LOOKING.test(lower) && !NOT_SECRET.has(lower)) ? [{ text: `${name}: ` }, secret(value, envName(name))] : lit(`${name}: ${value}`));
  }
  const { authorization, apiKey } = spec.auth;
  if (authorization?.kind === 'bearer') words.push(lit('-H'), [{ text: 'Authorization: Bearer ' }, secret(authorization.token.reveal(), CURL_ENV.bearer)]);
  // An OAuth2 token is obtained when the request is sent, not before: the line refers to it (`apitest auth token` gets it).
  if (authorization?.kind === 'oauth2') words.push(lit('-H'), [{ text: 'Authorization: Bearer ' }, { env: CURL_ENV.bearer }]);
  if (authorization?.kind === 'basic') words.push(lit('-u'), [{ text: `${authorization.user}:` }, secret(authorization.password.reveal(), CURL_ENV.password)]);
  if (apiKey !== null && apiKey.query === null) words.push(lit('-H'), [{ text: `${apiKey.header}: ` }, secret(apiKey.key.reveal(), CURL_ENV.apiKey)]);

  if (spec.body.kind === 'bytes') {
    const text = utf8Text(spec.body.data);
    // --data-raw sends the text as it is (no @file, no newline stripping); a body with NUL bytes or that is not
    // UTF-8 cannot be a shell argument: it is read from a file the user saves.
    if (text === null) words.push(lit('--data-binary'), lit('@body.bin'));
    else words.push(lit('--data-raw'), lit(text));
  } else if (spec.body.kind === 'form') {
    for (const field of spec.body.fields) {
      words.push(lit('-F'), lit(field.kind === 'text' ? `${field.name}=${escapeFormValue(field.value)}` : `${field.name}=@${field.fileName}`));
    }
  }
  if (spec.followRedirects) words.push(lit('-L'), lit('--max-redirs'), lit(String(spec.maxRedirects)));
  if (spec.insecure) words.push(lit('-k'));
  if (options.caFile !== null) words.push(lit('--cacert'), lit(options.caFile));
  words.push(lit('--max-time'), lit(seconds(spec.timeoutMs)));
  if (spec.connectTimeoutMs !== null) words.push(lit('--connect-timeout'), lit(seconds(spec.connectTimeoutMs)));
  words.push(lit('--compressed'));
  words.push(...networkWords(spec, secret));
  return words.map(quoteWord).join(' ');
}

/** Proxy (when given on the command line or in a suite: curl reads the environment's itself), client certificate, HTTP/2. */
function networkWords(spec: RequestSpec, secret: (value: string, env: string) => Part): Word[] {
  const words: Word[] = [];
  const endpoint = spec.url.startsWith('https:') ? spec.proxy?.https : spec.proxy?.http;
  if (endpoint != null && !/_PROXY$|_proxy$/.test(endpoint.source)) {
    const user = endpoint.user === '' && endpoint.password === null ? [] : [{ text: `${encodeURIComponent(endpoint.user)}${endpoint.password === null ? '' : ':'}` }];
    const password = endpoint.password === null ? [] : [secret(encodeURIComponent(endpoint.password.reveal()), CURL_ENV.proxyPassword)];
    words.push(lit('-x'), [{ text: `${endpoint.protocol}//` }, ...user, ...password, { text: `${user.length > 0 ? '@' : ''}${endpoint.hostname}:${endpoint.port}` }]);
  }
  if (spec.proxy?.noProxySource === '--noproxy' || spec.proxy?.noProxySource === 'noProxy') words.push(lit('--noproxy'), lit(spec.proxy.noProxy ?? ''));
  const cert = spec.clientCert;
  if (cert !== null) {
    if (cert.pfx !== null) words.push(lit('--cert-type'), lit('P12'));
    words.push(lit('--cert'), lit(cert.file));
    if (cert.keyFile !== null) words.push(lit('--key'), lit(cert.keyFile));
    if (cert.passphrase !== null) words.push(lit('--pass'), [secret(cert.passphrase.reveal(), CURL_ENV.certPassphrase)]);
  }
  if (spec.http2) words.push(lit('--http2'));
  return words;
}

function urlWord(spec: RequestSpec, secret: (value: string, env: string) => Part): Word {
  const url = new URL(spec.url);
  const parts: Part[] = [];
  const apiKey = spec.auth.apiKey;
  if (apiKey !== null && apiKey.query !== null) url.searchParams.set(apiKey.query, '\u0000KEY\u0000');
  let password: string | null = null;
  if (url.password !== '') {
    password = decodeURIComponent(url.password);
    url.password = '\u0001PW\u0001';
  }
  let text = url.toString();
  // Split the URL at the placeholders, which become variable references (or the values, shown).
  const markers: Array<[string, () => Part]> = [];
  if (apiKey !== null && apiKey.query !== null) markers.push([encodeURIComponent('\u0000KEY\u0000'), () => secret(encodeURIComponent(apiKey.key.reveal()), CURL_ENV.apiKey)]);
  if (password !== null) markers.push([encodeURIComponent('\u0001PW\u0001'), () => secret(encodeURIComponent(password ?? ''), CURL_ENV.urlPassword)]);
  for (;;) {
    let next: { index: number; marker: string; part: () => Part } | null = null;
    for (const [marker, part] of markers) {
      const index = text.indexOf(marker);
      if (index !== -1 && (next === null || index < next.index)) next = { index, marker, part };
    }
    if (next === null) break;
    if (next.index > 0) parts.push({ text: text.slice(0, next.index) });
    parts.push(next.part());
    text = text.slice(next.index + next.marker.length);
  }
  if (text !== '') parts.push({ text });
  return parts;
}

/** `X-Session-Token` → `X_SESSION_TOKEN`; `Authorization` → `AUTHORIZATION`. */
function envName(header: string): string {
  const name = header.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Z_]/.test(name) ? name : `H_${name}`;
}

function lit(text: string): Word {
  return [{ text }];
}

/** Header names that say they hold a credential (as suites mask them). */
const SECRET_LOOKING = /token|secret|key|passw(?:or)?d|cookie|auth/i;
/** Names that look like a credential's but are not one (an Idempotency-Key is sent in clear by design). */
const NOT_SECRET: ReadonlySet<string> = new Set(['idempotency-key']);

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * One shell word: literal runs in single quotes (nothing inside is special), variable references in double
 * quotes ("$NAME" is expanded and never split); a word without special characters is left bare.
 */
export function quoteWord(raw: Word): string {
  const word = mergeText(raw);
  if (word.length === 1 && 'text' in (word[0] as Part)) {
    const text = (word[0] as { text: string }).text;
    if (SAFE.test(text)) return text;
  }
  // "Bearer $ACCESS_TOKEN": double quotes when no literal part holds a character special inside them.
  if (word.some((p) => 'env' in p) && word.every((p) => 'env' in p || /^[^"$`\\!]*$/.test(p.text))) {
    return `"${word.map((p, i) => ('env' in p ? (/^[A-Za-z0-9_]/.test(textAt(word, i + 1)) ? `\${${p.env}}` : `$${p.env}`) : p.text)).join('')}"`;
  }
  return word.map((part) => ('env' in part ? `"$${part.env}"` : part.text === '' ? '' : `'${part.text.replace(/'/g, `'\\''`)}'`)).join('') || "''";
}

function textAt(word: Word, index: number): string {
  const part = word[index];
  return part !== undefined && 'text' in part ? part.text : '';
}

function mergeText(word: Word): Part[] {
  const out: Part[] = [];
  for (const part of word) {
    const last = out[out.length - 1];
    if ('text' in part && last !== undefined && 'text' in last) out[out.length - 1] = { text: last.text + part.text };
    else out.push(part);
  }
  return out;
}

function utf8Text(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data);
  return Buffer.from(text, 'utf8').equals(Buffer.from(data)) ? text : null;
}

/** curl -F reads `@` and `<` at the start of a value as files, and `;` as field options: quote them. */
function escapeFormValue(value: string): string {
  return /^[@<]|[;"]/.test(value) ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}
