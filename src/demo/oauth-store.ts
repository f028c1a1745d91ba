import { randomBytes } from 'node:crypto';

/** The demo's one confidential client (shown in the docs and README). */
export const DEMO_CLIENT = { id: 'demo-client', secret: 'demo-secret' } as const;
/** Scopes the demo client may ask for; without `scope` it gets `read`. */
export const DEMO_SCOPES: readonly string[] = ['read', 'write'];

export interface IssuedToken {
  readonly clientId: string;
  readonly scope: string;
  readonly grant: 'client_credentials' | 'refresh_token';
  /** ms since the Unix epoch. */
  readonly expiresAt: number;
}

export interface OAuthStats {
  /** Access tokens issued, by any grant. */
  issued: number;
  clientCredentials: number;
  refreshed: number;
  /** How the client authenticated to the token endpoint last: basic or post. */
  lastAuthMethod: 'basic' | 'post' | null;
}

/** Access and refresh tokens of the demo's token endpoint, and the counters tests read (bounded maps). */
export class OAuthStore {
  private readonly access = new Map<string, IssuedToken>();
  private readonly refresh = new Map<string, { clientId: string; scope: string }>();
  readonly stats: OAuthStats = { issued: 0, clientCredentials: 0, refreshed: 0, lastAuthMethod: null };

  issue(clientId: string, scope: string, grant: IssuedToken['grant'], lifetimeSeconds: number, withRefresh: boolean, now: number): { accessToken: string; refreshToken: string | null } {
    const accessToken = `demo-at-${randomBytes(16).toString('hex')}`;
    bounded(this.access, accessToken, { clientId, scope, grant, expiresAt: now + lifetimeSeconds * 1000 });
    this.stats.issued += 1;
    if (grant === 'client_credentials') this.stats.clientCredentials += 1;
    else this.stats.refreshed += 1;
    let refreshToken: string | null = null;
    if (withRefresh) {
      refreshToken = `demo-rt-${randomBytes(16).toString('hex')}`;
      bounded(this.refresh, refreshToken, { clientId, scope });
    }
    return { accessToken, refreshToken };
  }

  /** The access token's grant, or null when it is unknown, revoked or expired. */
  check(accessToken: string, now: number): IssuedToken | null {
    const token = this.access.get(accessToken);
    return token !== undefined && token.expiresAt > now ? token : null;
  }

  /** Uses a refresh token once (rotation): its client and scope, or null when it is unknown or used. */
  takeRefresh(refreshToken: string, clientId: string): { clientId: string; scope: string } | null {
    const grant = this.refresh.get(refreshToken);
    if (grant === undefined || grant.clientId !== clientId) return null;
    this.refresh.delete(refreshToken);
    return grant;
  }

  /** Revokes every access token (refresh tokens stay valid). */
  revokeAccess(): number {
    const count = this.access.size;
    this.access.clear();
    return count;
  }
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > 10_000) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
