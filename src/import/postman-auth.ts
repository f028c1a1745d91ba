/**
 * Postman auth → suite auth: bearer, basic, apikey (header or query) and OAuth2 client credentials (when this build's
 * suites have `auth.oauth2`). Credentials in clear go to environment variables; `{{var}}` references are kept.
 * Other types (digest, oauth1, hawk, awsv4, ntlm, …) are listed as not imported.
 */
import type { Auth, CredentialContext } from './credentials.js';
import { secretValue } from './credentials.js';
import { scalarText } from './postman-request.js';

/** What an item's auth says: none given (inherit), `noauth`, or a suite auth (null when it could not be mapped). */
export type PostmanAuth = { readonly kind: 'inherit' } | { readonly kind: 'none' } | { readonly kind: 'mapped'; readonly auth: Auth | null; readonly type: string };

export interface AuthContext extends CredentialContext {
  /** Whether this build's suite schema has `auth.oauth2` (tokenUrl, clientId, clientSecret, scope, audience, authMethod). */
  readonly supportsOAuth2: boolean;
}

/** v2.1 keeps each type's settings as `[{ key, value }]`, v2.0 as `{ key: value }`. */
function params(auth: Record<string, unknown>, type: string): Map<string, unknown> {
  const raw = auth[type];
  const map = new Map<string, unknown>();
  if (Array.isArray(raw)) {
    for (const p of raw) if (isRecord(p) && typeof p.key === 'string') map.set(p.key, p.value);
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) map.set(k, v);
  }
  return map;
}

export function mapPostmanAuth(raw: unknown, where: string, ctx: AuthContext): PostmanAuth {
  if (raw === undefined || raw === null || !isRecord(raw)) return { kind: 'inherit' };
  const type = typeof raw.type === 'string' ? raw.type : 'inherit';
  if (type === 'inherit') return { kind: 'inherit' };
  if (type === 'noauth') return { kind: 'none' };
  const p = params(raw, type);
  const text = (key: string): string => scalarText(p.get(key));
  const secret = (key: string, env: string, what: string): string => secretValue(text(key), env, where, what, ctx);
  switch (type) {
    case 'bearer':
      return { kind: 'mapped', type, auth: { bearer: secret('token', 'ACCESS_TOKEN', 'the bearer token') } };
    case 'basic': {
      const user = text('username');
      if (user === '' || (user.includes(':') && !user.includes('{{'))) {
        ctx.findings.unmapped(where, 'basic auth not imported: a suite\'s Basic auth needs a user name without ":"');
        return { kind: 'mapped', type, auth: null };
      }
      return { kind: 'mapped', type, auth: { basic: { user: ctx.render(user), password: secret('password', 'API_PASSWORD', 'the basic auth password') } } };
    }
    case 'apikey': {
      const name = text('key') === '' ? 'X-API-Key' : text('key');
      const key = secret('value', 'API_KEY', `the API key (${name})`);
      return { kind: 'mapped', type, auth: text('in') === 'query' ? { apiKey: key, query: ctx.render(name) } : { apiKey: key, header: ctx.render(name) } };
    }
    case 'oauth2':
      return { kind: 'mapped', type, auth: oauth2(p, text, where, ctx) };
    default:
      ctx.findings.unmapped(where, `${type} auth not imported: a suite has ${ctx.supportsOAuth2 ? 'Basic, Bearer, API-key and OAuth2' : 'Basic, Bearer and API-key'} auth`);
      return { kind: 'mapped', type, auth: null };
  }
}

/**
 * OAuth2: the client-credentials grant maps to `auth.oauth2` where the suite schema has it. Otherwise (or for another
 * grant) it is listed as not imported, and the requests send `Bearer $ACCESS_TOKEN`, so the suite runs once a
 * token is set.
 */
function oauth2(p: Map<string, unknown>, text: (key: string) => string, where: string, ctx: AuthContext): Auth {
  const grant = text('grant_type') || 'authorization_code';
  const fallback = (why: string): Auth => {
    const env = ctx.values.secretEnv('ACCESS_TOKEN', '\u0000oauth2-token');
    ctx.findings.unmapped(where, `oauth2 auth (grant ${grant}) not imported: ${why}; the requests send Authorization: Bearer $${env} instead (set it to a token)`);
    return { bearer: `{{ env.${env} }}` };
  };
  if (grant !== 'client_credentials') return fallback('only the client_credentials grant can be mapped');
  if (!ctx.supportsOAuth2) return fallback('suites of this apitest have no auth.oauth2 yet');
  if (text('accessTokenUrl') === '' || text('clientId') === '') return fallback('it has no token URL or no client id');
  const settings: Record<string, string> = {
    tokenUrl: ctx.render(text('accessTokenUrl')),
    clientId: ctx.render(text('clientId')),
    clientSecret: secretValue(text('clientSecret'), 'CLIENT_SECRET', where, 'the OAuth2 client secret', ctx),
  };
  for (const key of ['scope', 'audience'] as const) {
    const value = p.get(key);
    if (typeof value === 'string' && value !== '') settings[key] = ctx.render(value);
    else if (value !== undefined && value !== null && value !== '') ctx.findings.unmapped(where, `oauth2 ${key} not imported: it is not text`);
  }
  settings.authMethod = text('client_authentication') === 'body' ? 'post' : 'basic';
  for (const key of ['refreshTokenUrl', 'resource', 'refreshToken']) if (text(key) !== '') ctx.findings.unmapped(where, `oauth2 ${key} not imported`);
  return { oauth2: settings } as unknown as Auth;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
