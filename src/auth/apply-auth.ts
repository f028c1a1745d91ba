import type { AuthSpec } from '../model/request-spec.js';
import type { SecretValue } from '../redact/redactor.js';

export interface AuthApplied {
  url: string;
  headers: Array<[string, string]>;
}

/**
 * Adds the credentials the auth spec holds to a request's URL or headers: the Authorization header (bearer or
 * basic), and the API key in its header or query parameter. Both may be sent together. Pure. The request
 * constructor has made sure no user header has the same name.
 */
export function applyAuth(auth: AuthSpec, url: string, headers: ReadonlyArray<readonly [string, string]>): AuthApplied {
  const out: Array<[string, string]> = headers.map(([n, v]) => [n, v]);
  let target = url;
  const { authorization, apiKey } = auth;
  if (authorization !== null) {
    // An OAuth2 request is sent only once the engine has put its access token in (as bearer): a bug otherwise.
    if (authorization.kind === 'oauth2') throw new Error('an OAuth2 request reached the wire without its access token');
    const value =
      authorization.kind === 'bearer'
        ? `Bearer ${authorization.token.reveal()}`
        : `Basic ${Buffer.from(`${authorization.user}:${authorization.password.reveal()}`, 'utf8').toString('base64')}`;
    out.push(['Authorization', value]);
  }
  if (apiKey !== null) {
    if (apiKey.query !== null) {
      const parsed = new URL(target);
      parsed.searchParams.set(apiKey.query, apiKey.key.reveal());
      target = parsed.toString();
    } else {
      out.push([apiKey.header, apiKey.key.reveal()]);
    }
  }
  return { url: target, headers: out };
}

/** The values that must never be printed for this auth spec (raw credentials and their encoded forms). */
export function authSecrets(auth: AuthSpec): SecretValue[] {
  const out: SecretValue[] = [];
  const { authorization, apiKey } = auth;
  if (authorization?.kind === 'bearer') out.push({ value: authorization.token.reveal(), keepTail: true });
  if (authorization?.kind === 'basic') {
    out.push({ value: authorization.password.reveal(), keepTail: true });
    // The tail of base64(user:password) is the password's: its mask keeps none.
    out.push({ value: Buffer.from(`${authorization.user}:${authorization.password.reveal()}`, 'utf8').toString('base64'), keepTail: false });
  }
  if (authorization?.kind === 'oauth2') {
    // The access token (and a rotated refresh token) are learnt when they arrive (engine/oauth2/).
    const { clientSecret, refreshToken } = authorization.oauth2;
    if (clientSecret !== null) {
      out.push({ value: clientSecret.reveal(), keepTail: true });
      // HTTP Basic client authentication: base64(form-encoded id:secret), whose tail would be the secret's.
      out.push({ value: Buffer.from(`${formEncode(authorization.oauth2.clientId)}:${formEncode(clientSecret.reveal())}`, 'utf8').toString('base64'), keepTail: false });
    }
    if (refreshToken !== null) out.push({ value: refreshToken.reveal(), keepTail: true });
  }
  if (apiKey !== null) out.push({ value: apiKey.key.reveal(), keepTail: true });
  return out;
}

/** Header names that carry this auth's credentials, lower-case (to mask, and to drop on a cross-origin redirect). */
export function authHeaderNames(auth: AuthSpec): string[] {
  const out: string[] = [];
  if (auth.authorization !== null) out.push('authorization');
  if (auth.apiKey !== null && auth.apiKey.query === null) out.push(auth.apiKey.header.toLowerCase());
  return out;
}

/**
 * `application/x-www-form-urlencoded` encoding of one value (WHATWG URLSearchParams: space as `+`), as RFC 6749
 * §2.3.1 asks for the client id and secret before they are put in HTTP Basic credentials.
 */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
