/**
 * Structural masking of an OAuth2 token exchange (the form sent to the token endpoint, the JSON it answers): the
 * values of the credential fields are masked by name, whatever their length, as credential headers are. The
 * redactor then scrubs known secrets from the rest. Pure.
 */
import { maskValue } from './mask.js';

/** Fields of token requests and responses that hold credentials (RFC 6749, RFC 7523, OpenID Connect). */
export const TOKEN_FIELDS: ReadonlySet<string> = new Set(['access_token', 'refresh_token', 'id_token', 'client_secret', 'client_assertion', 'assertion', 'password', 'code', 'code_verifier', 'device_code']);

/** A token request's form body with its credential fields masked (names and other fields kept). */
export function maskTokenForm(body: string): string {
  if (!/^[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*$/.test(body)) return body;
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = safeDecode(pair.slice(0, eq));
      return TOKEN_FIELDS.has(name) ? `${pair.slice(0, eq)}=${maskValue(safeDecode(pair.slice(eq + 1)))}` : pair;
    })
    .join('&');
}

/** A token response's JSON with its credential fields masked (top level, as RFC 6749 §5.1 puts them); other text as it is. */
export function maskTokenJson(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return body;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(parsed)) out[name] = TOKEN_FIELDS.has(name) && typeof value === 'string' ? maskValue(value) : value;
  return JSON.stringify(out, null, 2);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
