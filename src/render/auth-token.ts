/**
 * `apitest auth token`: the token response, as the table or one JSON document, masked unless `--show-secrets`
 * (the access and refresh tokens structurally, as credential fields). Pure.
 */
import type { CachedToken } from '../auth/oauth2/token-state.js';
import { maskValue } from '../redact/mask.js';
import type { Theme } from './theme.js';

export interface AuthTokenDocument {
  readonly access_token: string;
  readonly token_type: string;
  /** Seconds until the token expires (by the server's expires_in), or null when the server gave none. */
  readonly expires_in: number | null;
  readonly expires_at: string | null;
  /** Seconds until apitest stops using it (expiry minus min(60 s, 10% of its lifetime)). */
  readonly renewed_in: number | null;
  readonly refresh_token: string | null;
  readonly scope: string | null;
  readonly from_cache: boolean;
  /** The cache file it is kept in (null with --no-token-cache). */
  readonly cache_file: string | null;
}

export function authTokenDocument(
  token: CachedToken,
  info: { nowMs: number; usableUntil: number | null; fromCache: boolean; cacheFile: string | null; show: boolean },
): AuthTokenDocument {
  const secret = (value: string): string => (info.show ? value : maskValue(value));
  const seconds = (at: number | null): number | null => (at === null ? null : Math.max(0, Math.floor((at - info.nowMs) / 1000)));
  return {
    access_token: secret(token.accessToken),
    token_type: token.tokenType,
    expires_in: seconds(token.expiresAt),
    expires_at: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    renewed_in: seconds(info.usableUntil),
    refresh_token: token.refreshToken === null ? null : secret(token.refreshToken),
    scope: token.scope,
    from_cache: info.fromCache,
    cache_file: info.cacheFile,
  };
}

export function renderAuthToken(doc: AuthTokenDocument, theme: Theme): string {
  const { c } = theme;
  const rows: Array<[string, string]> = [
    ['access_token', doc.access_token],
    ['token_type', doc.token_type],
    ['expires_in', doc.expires_in === null ? 'not given (used until the API refuses it)' : `${doc.expires_in} s (at ${doc.expires_at ?? ''}; renewed in ${doc.renewed_in ?? 0} s)`],
    ['refresh_token', doc.refresh_token ?? c.dim('none')],
    ['scope', doc.scope ?? c.dim('not given')],
    ['from cache', doc.from_cache ? 'yes' : 'no (new from the token endpoint)'],
    ['cache file', doc.cache_file ?? c.dim('none (--no-token-cache)')],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return `${rows.map(([name, value]) => `${c.bold(name.padEnd(width))}  ${value}`).join('\n')}\n`;
}
