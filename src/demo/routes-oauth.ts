/**
 * An OAuth2 token endpoint (RFC 6749: client credentials and refresh grants, HTTP Basic or form-body client
 * authentication, errors as §5.2 writes them) and a route that requires its tokens, with a counter of tokens
 * issued so tests can prove apitest's token cache (two runs, one token).
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpError, readBody, sendEmpty, sendJson } from './http-utils.js';
import { DEMO_CLIENT, DEMO_SCOPES } from './oauth-store.js';
import { intParam } from './params.js';
import type { Route, RouteContext } from './router.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(ctx: RouteContext, status: number, error: string, description: string, extra: Record<string, string> = {}): void {
  sendJson(ctx.res, status, { error, error_description: description }, { ...NO_STORE, ...extra });
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function token(ctx: RouteContext): Promise<void> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(400, 'the token request must be application/x-www-form-urlencoded');
  const form = new URLSearchParams((await readBody(ctx.req, 64 * 1024)).toString('utf8'));
  const lifetime = intParam(ctx.query, 'expires_in', { def: 3600, min: 1, max: 86_400 });
  const withRefresh = ctx.query.get('refresh') === '1';

  // Client authentication (§2.3.1): HTTP Basic of the form-encoded id and secret, or both in the body; not both.
  const header = ctx.req.headers.authorization;
  const basic = header !== undefined && /^basic\s+/i.test(header);
  let clientId: string | null = form.get('client_id');
  let clientSecret: string | null = form.get('client_secret');
  if (basic) {
    if (clientSecret !== null) return oauthError(ctx, 400, 'invalid_request', 'the client authenticated twice (HTTP Basic and client_secret)');
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    clientId = formDecode(colon === -1 ? decoded : decoded.slice(0, colon));
    clientSecret = colon === -1 ? '' : formDecode(decoded.slice(colon + 1));
  }
  const challenge = basic ? { 'www-authenticate': 'Basic realm="apitest demo"' } : {};
  if (clientId === null || clientSecret === null) return oauthError(ctx, 401, 'invalid_client', 'client authentication is required', { 'www-authenticate': 'Basic realm="apitest demo"' });
  if (!sameText(clientId, DEMO_CLIENT.id) || !sameText(clientSecret, DEMO_CLIENT.secret)) return oauthError(ctx, 401, 'invalid_client', 'Client authentication failed (unknown client or wrong secret)', challenge);
  const store = ctx.state.oauth;
  store.stats.lastAuthMethod = basic ? 'basic' : 'post';

  const grant = form.get('grant_type');
  if (grant === 'client_credentials') {
    const asked = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
    const refused = asked.filter((s) => !DEMO_SCOPES.includes(s));
    if (refused.length > 0) return oauthError(ctx, 400, 'invalid_scope', `the scope ${refused.join(' ')} is not allowed for this client (allowed: ${DEMO_SCOPES.join(' ')})`);
    const scope = asked.length === 0 ? 'read' : asked.join(' ');
    const issued = store.issue(clientId, scope, 'client_credentials', lifetime, withRefresh, Date.now());
    return answer(ctx, issued, lifetime, scope);
  }
  if (grant === 'refresh_token') {
    const given = form.get('refresh_token');
    const previous = given === null ? null : store.takeRefresh(given, clientId);
    if (previous === null) return oauthError(ctx, 400, 'invalid_grant', 'the refresh token is invalid, expired, revoked or already used');
    // A refresh always rotates: a new refresh token, the old one is spent.
    const issued = store.issue(clientId, previous.scope, 'refresh_token', lifetime, true, Date.now());
    return answer(ctx, issued, lifetime, previous.scope);
  }
  return oauthError(ctx, 400, 'unsupported_grant_type', `grant_type ${JSON.stringify(grant ?? '')} is not supported (use client_credentials or refresh_token)`);
}

function answer(ctx: RouteContext, issued: { accessToken: string; refreshToken: string | null }, lifetime: number, scope: string): void {
  sendJson(
    ctx.res,
    200,
    { access_token: issued.accessToken, token_type: 'Bearer', expires_in: lifetime, scope, ...(issued.refreshToken === null ? {} : { refresh_token: issued.refreshToken }) },
    NO_STORE,
  );
}

function me(ctx: RouteContext): void {
  const header = ctx.req.headers.authorization ?? '';
  const match = /^bearer\s+(\S+)$/i.exec(header.trim());
  const issued = match?.[1] === undefined ? null : ctx.state.oauth.check(match[1], Date.now());
  if (issued === null) {
    const detail = match === null ? '' : ', error="invalid_token", error_description="the access token is unknown, revoked or expired"';
    sendJson(ctx.res, 401, { error: match === null ? 'unauthorized' : 'invalid_token' }, { 'www-authenticate': `Bearer realm="apitest demo"${detail}` });
    return;
  }
  sendJson(ctx.res, 200, { client_id: issued.clientId, scope: issued.scope, grant: issued.grant, expires_in: Math.max(0, Math.floor((issued.expiresAt - Date.now()) / 1000)) });
}

export function oauthRoutes(): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/oauth/token',
      description: `OAuth2 token endpoint: client credentials and refresh grants for client ${DEMO_CLIENT.id} / ${DEMO_CLIENT.secret} (HTTP Basic or form body); ?expires_in=S sets the lifetime (default 3600), ?refresh=1 adds a refresh token`,
      example: 'POST /oauth/token grant_type=client_credentials&scope=read',
      handler: token,
    },
    {
      method: 'GET',
      pattern: '/oauth/me',
      description: 'Requires "Authorization: Bearer <token>" from /oauth/token: { client_id, scope, grant, expires_in }; else 401 (WWW-Authenticate: Bearer)',
      example: 'GET /oauth/me',
      handler: me,
    },
    {
      method: 'GET',
      pattern: '/oauth/stats',
      description: 'Counters of the token endpoint: { issued, clientCredentials, refreshed, lastAuthMethod }',
      example: 'GET /oauth/stats',
      handler: (ctx) => sendJson(ctx.res, 200, ctx.state.oauth.stats),
    },
    {
      method: 'DELETE',
      pattern: '/oauth/tokens',
      description: 'Revokes every access token issued so far (refresh tokens stay valid); 204',
      example: 'DELETE /oauth/tokens',
      handler: (ctx) => {
        ctx.state.oauth.revokeAccess();
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}
