/**
 * OAuth2 client credentials (RFC 6749 §4.4) and the refresh grant (§6): what a request needs to obtain its
 * access token. Produced by the command line (`--oauth2-*`) and by suites (`auth.oauth2`), checked by the request
 * constructor with the rules below; the engine (engine/oauth2/) obtains, caches and renews the token.
 */
import type { Secret } from '../redact/secret.js';

/** How the client authenticates to the token endpoint: HTTP Basic (RFC 6749 §2.3.1, the default), or in the form body. */
export type OAuth2AuthMethod = 'basic' | 'post';
export const OAUTH2_AUTH_METHODS: readonly OAuth2AuthMethod[] = ['basic', 'post'];

export interface OAuth2Spec {
  /** An absolute http or https URL. */
  readonly tokenUrl: string;
  readonly clientId: string;
  /** null: a public client (only with a refresh token). */
  readonly clientSecret: Secret | null;
  /** Space-separated scopes, or null (the server's default). */
  readonly scope: string | null;
  readonly audience: string | null;
  readonly authMethod: OAuth2AuthMethod;
  /** Given: the first token is obtained with the refresh grant instead of client credentials. */
  readonly refreshToken: Secret | null;
}

/** How each field was written (`--oauth2-client-id`, `auth.oauth2.clientId`), for messages. */
export interface OAuth2Labels {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string;
  readonly audience: string;
  readonly authMethod: string;
  readonly refreshToken: string;
}

export const OAUTH2_FLAG_LABELS: OAuth2Labels = {
  tokenUrl: '--oauth2-token-url',
  clientId: '--oauth2-client-id',
  clientSecret: '--oauth2-client-secret',
  scope: '--oauth2-scope',
  audience: '--oauth2-audience',
  authMethod: '--oauth2-auth-method',
  refreshToken: '--oauth2-refresh-token',
};

/** Control characters: never valid in a form field apitest sends, nor in a header. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The first problem of an OAuth2 setting, as [label, problem, hint], or null; `urlIssue` is what the rule of every
 * request URL says of the token URL (request-spec.ts). A value of a secret field is never shown. Checked before
 * anything is sent.
 */
export function oauth2Problem(spec: OAuth2Spec, labels: OAuth2Labels, urlIssue: string | null): [string, string, string?] | null {
  if (urlIssue !== null) return [labels.tokenUrl, urlIssue, 'the token endpoint is an http:// or https:// URL, e.g. https://auth.example.com/oauth/token'];
  if (new URL(spec.tokenUrl).hash !== '') return [labels.tokenUrl, 'the token URL has a #fragment', 'remove it (RFC 6749 §3.2)'];
  if (spec.clientId === '') return [labels.clientId, 'the client id is empty', `give it with ${labels.clientId}`];
  if (CONTROL.test(spec.clientId)) return [labels.clientId, 'the client id contains control characters'];
  if (!OAUTH2_AUTH_METHODS.includes(spec.authMethod)) return [labels.authMethod, `expected basic or post, got ${JSON.stringify(spec.authMethod)}`];
  if (spec.clientSecret !== null) {
    if (spec.clientSecret.reveal() === '') return [labels.clientSecret, 'the client secret is empty'];
    if (CONTROL.test(spec.clientSecret.reveal())) return [labels.clientSecret, 'the client secret contains control characters', 'check the value (a stray newline from a file or variable?)'];
  }
  if (spec.refreshToken !== null) {
    if (spec.refreshToken.reveal() === '') return [labels.refreshToken, 'the refresh token is empty'];
    if (CONTROL.test(spec.refreshToken.reveal())) return [labels.refreshToken, 'the refresh token contains control characters', 'check the value (a stray newline from a file or variable?)'];
  }
  if (spec.clientSecret === null && spec.refreshToken === null) {
    return [labels.clientSecret, 'the client credentials grant needs the client secret', `give ${labels.clientSecret} (or, for a public client, ${labels.refreshToken})`];
  }
  for (const [label, value] of [[labels.scope, spec.scope], [labels.audience, spec.audience]] as const) {
    if (value !== null && CONTROL.test(value)) return [label, 'contains control characters'];
  }
  return null;
}
