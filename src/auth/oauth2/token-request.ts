/**
 * The token request (RFC 6749 §4.4 client credentials, §6 refresh) and the reading of its answer (§5.1, §5.2).
 * Pure: the engine (engine/oauth2/token-provider.ts) sends the request through the transport and hands the answer
 * back here.
 *
 * Client authentication (§2.3.1): `basic` sends `Authorization: Basic base64(urlencode(id):urlencode(secret))`
 * (the form encoding first, as the RFC asks and many clients forget); `post` sends `client_id` and `client_secret`
 * in the form body. A public client (no secret) sends its `client_id` in the body.
 */
import { ApitestError, HttpStatusError, TokenError } from '../../errors.js';
import { headerValueProblem } from '../../model/header-syntax.js';
import type { OAuth2Spec } from '../../model/oauth2-spec.js';
import { formEncode } from '../apply-auth.js';
import type { CachedToken } from './token-state.js';

export type TokenGrant = { readonly kind: 'client_credentials' } | { readonly kind: 'refresh_token'; readonly refreshToken: string };

export interface TokenHttpRequest {
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** `application/x-www-form-urlencoded`. */
  readonly body: Uint8Array;
}

/** The grant the settings give for a first token: the refresh token the user gave, else client credentials. */
export function baseGrant(spec: OAuth2Spec): TokenGrant {
  return spec.refreshToken === null ? { kind: 'client_credentials' } : { kind: 'refresh_token', refreshToken: spec.refreshToken.reveal() };
}

export function tokenRequest(spec: OAuth2Spec, grant: TokenGrant): TokenHttpRequest {
  const form = new URLSearchParams();
  form.append('grant_type', grant.kind);
  if (grant.kind === 'refresh_token') form.append('refresh_token', grant.refreshToken);
  if (spec.scope !== null && spec.scope !== '') form.append('scope', spec.scope);
  // audience (Auth0, and RFC 8707's cousin): asked for when the token is issued; a refresh keeps it.
  if (grant.kind === 'client_credentials' && spec.audience !== null && spec.audience !== '') form.append('audience', spec.audience);
  const headers: Array<readonly [string, string]> = [
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['Accept', 'application/json'],
  ];
  const secret = spec.clientSecret?.reveal() ?? null;
  if (secret !== null && spec.authMethod === 'basic') {
    headers.push(['Authorization', `Basic ${Buffer.from(`${formEncode(spec.clientId)}:${formEncode(secret)}`, 'utf8').toString('base64')}`]);
  } else {
    form.append('client_id', spec.clientId);
    if (secret !== null) form.append('client_secret', secret);
  }
  return { url: spec.tokenUrl, headers, body: Buffer.from(form.toString(), 'utf8') };
}

export interface TokenAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string | null;
  readonly body: Uint8Array;
  /** A redirect's target (not followed: a token request is not sent on to another URL). */
  readonly location: string | null;
}

export type TokenOutcome = { readonly ok: true; readonly token: CachedToken } | { readonly ok: false; readonly error: ApitestError; readonly oauthError: string | null };

/** Hints for the error codes of RFC 6749 §5.2 (and RFC 8707's invalid_target). */
const ERROR_HINTS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  invalid_client: 'check the client id and secret, and the client authentication method (basic: HTTP Basic, post: in the form body)',
  invalid_scope: 'check the scope: this client may not ask for it',
  invalid_grant: 'the refresh token is invalid, expired or revoked: get a new one',
  unauthorized_client: 'this client may not use this grant type: check its settings at the authorization server',
  unsupported_grant_type: 'the server does not offer this grant type for this client',
  invalid_request: 'the server found the token request malformed: -v shows what was sent',
  invalid_target: 'check the audience: the server does not know it',
});

/**
 * Reads the token endpoint's answer. Order: a redirect → not followed (token error); a status >= 400 → an HTTP
 * error naming the token URL, with the `error` and `error_description` of the body when it has them; anything but
 * 2xx → token error; a body that is not a JSON object, without a string `access_token`, with a `token_type` other
 * than Bearer, or an access token that cannot go in a header → token error; else the token, expiring
 * `expires_in` seconds after `nowMs`.
 */
export function readTokenAnswer(answer: TokenAnswer, tokenUrl: string, grant: TokenGrant, nowMs: number, previousRefreshToken: string | null): TokenOutcome {
  const where = `the token endpoint ${tokenUrl}`;
  const statusLine = `${answer.status} ${clean(answer.statusText, 80)}`.trim();
  const json = parseJson(answer.body);
  if (answer.status >= 300 && answer.status < 400) {
    const to = answer.location === null ? '' : ` to ${clean(answer.location, 200)}`;
    return fail(new TokenError(`${where} answered ${statusLine}, a redirect${to}; a token request is not redirected`, { code: 'OAUTH2_REDIRECT', hint: 'give the final token URL' }), null);
  }
  if (answer.status >= 400) {
    const error = isObject(json) && typeof json.error === 'string' ? clean(json.error, 80) : null;
    const description = isObject(json) && typeof json.error_description === 'string' ? clean(json.error_description, 300) : null;
    const detail = error === null ? '' : `: ${error}${description === null || description === '' ? '' : `: ${description}`}`;
    const grantNote = grant.kind === 'refresh_token' ? ' (refresh grant)' : '';
    const hint = (error !== null ? ERROR_HINTS[error] : undefined) ?? 'check the token URL and the OAuth2 settings; -v shows the token exchange';
    return fail(new HttpStatusError(answer.status, `token request failed${grantNote}: ${statusLine} from ${tokenUrl}${detail}`, { hint }), error);
  }
  if (answer.status < 200) return fail(new TokenError(`${where} answered ${statusLine}`, { code: 'OAUTH2_BAD_RESPONSE', hint: '-v shows the token exchange' }), null);
  if (!isObject(json)) {
    const type = answer.contentType === null ? 'no Content-Type' : clean(answer.contentType, 80);
    return fail(new TokenError(`${where} answered ${statusLine} without a JSON object (${type})`, { code: 'OAUTH2_BAD_RESPONSE', hint: 'check the token URL; -v shows the token exchange' }), null);
  }
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    return fail(new TokenError(`${where} answered ${statusLine} without an access_token`, { code: 'OAUTH2_NO_ACCESS_TOKEN', hint: 'check the token URL (is it the token endpoint?); -v shows the token exchange' }), null);
  }
  if (headerValueProblem(accessToken) !== null) {
    return fail(new TokenError(`${where} gave an access token that cannot be sent in a header (control or non-Latin-1 characters)`, { code: 'OAUTH2_BAD_RESPONSE' }), null);
  }
  // RFC 6749 makes token_type required; a server that leaves it out is read as issuing a bearer token.
  const tokenType = typeof json.token_type === 'string' ? json.token_type : 'Bearer';
  if (tokenType.toLowerCase() !== 'bearer') {
    return fail(new TokenError(`${where} issued a ${clean(tokenType, 40)} token; apitest sends bearer tokens only (RFC 6750)`, { code: 'OAUTH2_TOKEN_TYPE' }), null);
  }
  const expiresIn = secondsOf(json.expires_in);
  const refreshToken = typeof json.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : previousRefreshToken;
  return {
    ok: true,
    token: {
      accessToken,
      tokenType,
      refreshToken,
      scope: typeof json.scope === 'string' ? json.scope : null,
      obtainedAt: nowMs,
      expiresAt: expiresIn === null ? null : nowMs + expiresIn * 1000,
    },
  };
}

function fail(error: ApitestError, oauthError: string | null): TokenOutcome {
  return { ok: false, error, oauthError };
}

/** `expires_in`: a number of seconds (some servers send it as a string); anything else is no expiry given. */
function secondsOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text from the server, for one line: control characters (escape sequences too) removed, cut to `max`. */
function clean(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
