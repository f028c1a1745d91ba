/**
 * An access token as apitest keeps it (in memory for a run, and in the token cache between runs), and the pure
 * decision of what to do with it: use it, refresh it, or fetch a new one. The clock is the caller's (`nowMs`), so
 * expiry and skew are tested without waiting.
 *
 * A token is used until `expires_in` minus a skew of min(60 s, 10% of its lifetime): a token of one hour is
 * renewed a minute early, one of ten seconds one second early, so a request never leaves with a token that
 * expires on the way. A token without `expires_in` is used until the API refuses it (a 401 gets one new token).
 */

export interface CachedToken {
  readonly accessToken: string;
  /** As the server wrote it (`Bearer`, `bearer`). */
  readonly tokenType: string;
  /** Issued by the server (or the one that was used, when a refresh issued none): used to renew the access token. */
  readonly refreshToken: string | null;
  /** The scope the server granted, when it said. */
  readonly scope: string | null;
  /** Epoch ms, by the clock of the run that obtained it. */
  readonly obtainedAt: number;
  /** Epoch ms (obtainedAt + expires_in), or null when the server gave no expires_in. */
  readonly expiresAt: number | null;
}

/** Where tokens are kept between runs (files/token-cache.ts); keys are tokenCacheKey()s. */
export interface TokenStore {
  /** The directory, for messages. */
  readonly location: string;
  /** The token kept for this key, or null (none, unreadable, or not a token file of ours). */
  read(key: string): Promise<CachedToken | null>;
  /** Keeps the token for this key, replacing the one kept (atomically). Throws on a failure to write. */
  write(key: string, token: CachedToken): Promise<void>;
}

export const MAX_SKEW_MS = 60_000;

/** How long before its expiry a token is no longer used: min(60 s, 10% of its lifetime). */
export function expirySkewMs(lifetimeMs: number): number {
  if (!(lifetimeMs > 0)) return 0;
  return Math.min(MAX_SKEW_MS, Math.floor(lifetimeMs / 10));
}

/** The last instant (epoch ms, exclusive) the token is used, or null when it has no known expiry. */
export function usableUntil(token: CachedToken): number | null {
  if (token.expiresAt === null) return null;
  return token.expiresAt - expirySkewMs(token.expiresAt - token.obtainedAt);
}

export type TokenDecision =
  | { readonly action: 'use'; readonly token: CachedToken }
  /** Expired, and the server issued a refresh token: the refresh grant. */
  | { readonly action: 'refresh'; readonly refreshToken: string }
  /** No token, or expired without a refresh token: the grant the settings give (client credentials, or the given refresh token). */
  | { readonly action: 'fetch'; readonly reason: 'none' | 'expired' };

/**
 * Order: no token → fetch; still usable (now before expiry minus skew, and not obtained "in the future", which
 * means the clock was set back) → use; expired with a refresh token → refresh; expired → fetch.
 */
export function decideToken(token: CachedToken | null, nowMs: number): TokenDecision {
  if (token === null) return { action: 'fetch', reason: 'none' };
  const until = usableUntil(token);
  if (nowMs >= token.obtainedAt && (until === null || nowMs < until)) return { action: 'use', token };
  if (token.refreshToken !== null) return { action: 'refresh', refreshToken: token.refreshToken };
  return { action: 'fetch', reason: 'expired' };
}

/** Seconds left before the token is no longer used (after the skew), or null without a known expiry. */
export function secondsLeft(token: CachedToken, nowMs: number): number | null {
  const until = usableUntil(token);
  return until === null ? null : Math.max(0, Math.floor((until - nowMs) / 1000));
}
