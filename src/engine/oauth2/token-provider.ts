/**
 * Obtains OAuth2 access tokens for the requests of a run: one token per cache key shared by every request and
 * step, at most one token request in flight per key (concurrent steps wait for the same one), the token cache
 * read once and written after each new token, and the token endpoint asked through the run's transport, so
 * `--timeout`, `-k`, `--cacert`, Ctrl-C and `-v` apply to it as to any request.
 *
 * Order of `get`: a token this run already holds and may still use → it; else (one in flight per key) the cache
 * file → use it while usable; expired with a refresh token → the refresh grant, and when the server refuses the
 * refresh token (`invalid_grant`) the grant of the settings once; else the grant of the settings (client
 * credentials, or the refresh token the user gave). `renew` (the API answered 401 to a token that was not new)
 * gets exactly one new token, unless another request of the run already got one.
 */
import type { ApitestError } from '../../errors.js';
import type { OAuth2Spec } from '../../model/oauth2-spec.js';
import { tokenCacheKey } from '../../auth/oauth2/token-cache-key.js';
import { baseGrant, readTokenAnswer, tokenRequest, type TokenGrant } from '../../auth/oauth2/token-request.js';
import { decideToken, type CachedToken, type TokenStore } from '../../auth/oauth2/token-state.js';
import type { Clock } from '../../util/clock.js';
import { firstHeaderValue } from '../../util/header-map.js';
import type { ResponseHead, Transport } from '../transport.js';
import { chooseProxy } from '../proxy-settings.js';
import type { ClientCertificate, ProxySettings } from '../../model/network-spec.js';
import type { SentRequest, Timings } from '../types.js';

/** The largest token response read (a token response is a few hundred bytes). */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/** The connection settings of the request the token is for: the token request uses them too. */
export interface TokenConnection {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number | null;
  readonly insecure: boolean;
  readonly ca: string | null;
  /** The API request's proxy settings (the token endpoint is reached the same way, NO_PROXY applied to its host). */
  readonly proxy: ProxySettings | null;
  /** The API request's client certificate (`--cert`): a token endpoint may want it too (RFC 8705). */
  readonly clientCert: ClientCertificate | null;
}

/** One token request, as sent and as answered (`-v` shows it, masked). */
export interface TokenExchange {
  readonly grant: TokenGrant['kind'];
  readonly url: string;
  readonly sent: SentRequest | null;
  readonly head: ResponseHead | null;
  readonly body: Uint8Array | null;
  readonly error: ApitestError | null;
  readonly timings: Timings;
}

/** Where a token came from: the cache file, this run (an earlier request), or the token endpoint just now. */
export type TokenSource = 'cache' | 'run' | 'endpoint';

export type ObtainedToken =
  | { readonly ok: true; readonly token: CachedToken; readonly source: TokenSource; readonly key: string }
  | { readonly ok: false; readonly error: ApitestError };

export interface TokenProvider {
  get(spec: OAuth2Spec, connection: TokenConnection): Promise<ObtainedToken>;
  /** The API refused `rejected` (401): one new token (or the one another request of the run just got). */
  renew(spec: OAuth2Spec, connection: TokenConnection, rejected: string): Promise<ObtainedToken>;
}

export interface TokenProviderDeps {
  transport: Transport;
  clock: Clock;
  /** null: no cache between runs (`--no-token-cache`); the run still shares one token. */
  store: TokenStore | null;
  signal?: AbortSignal;
  /** Each token request and its answer. */
  onExchange?: (exchange: TokenExchange) => void;
  /** Token values as they become known (access and refresh tokens): they are secrets from then on. */
  onSecrets?: (values: string[]) => void;
  /** The cache could not be written (the token is still used). */
  onCacheProblem?: (message: string) => void;
}

export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  const held = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<ObtainedToken>>();

  const once = (key: string, work: () => Promise<ObtainedToken>): Promise<ObtainedToken> => {
    const pending = inflight.get(key);
    if (pending !== undefined) return pending;
    const started = work().finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  };

  const keep = (key: string, token: CachedToken): void => {
    held.set(key, token);
    deps.onSecrets?.([token.accessToken, ...(token.refreshToken === null ? [] : [token.refreshToken])]);
  };

  const exchange = async (spec: OAuth2Spec, connection: TokenConnection, grant: TokenGrant, previousRefresh: string | null) => {
    const request = tokenRequest(spec, grant);
    const result = await deps.transport.send(
      { method: 'POST', url: request.url, headers: request.headers, body: request.body },
      {
        timeoutMs: connection.timeoutMs,
        totalTimeoutMs: connection.timeoutMs,
        connectTimeoutMs: connection.connectTimeoutMs,
        insecure: connection.insecure,
        ca: connection.ca,
        ...(connection.proxy === null ? {} : { proxy: chooseProxy(connection.proxy, request.url) }),
        ...(connection.clientCert === null ? {} : { clientCert: connection.clientCert }),
        maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
        maxStreamedBytes: null,
        maxBodyHint: 'a token response is read up to 1 MiB',
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      },
      () => ({ kind: 'memory' }),
    );
    if (result.kind === 'failure') {
      const error = result.error;
      if (error.kind !== 'interrupted') error.message = `token request to ${spec.tokenUrl} failed: ${error.message}`;
      deps.onExchange?.({ grant: grant.kind, url: spec.tokenUrl, sent: result.sent, head: null, body: null, error, timings: result.timings });
      return { ok: false as const, error, oauthError: null };
    }
    const outcome = readTokenAnswer(
      {
        status: result.head.status,
        statusText: result.head.statusText,
        contentType: firstHeaderValue(result.head.headers, 'content-type') ?? null,
        body: result.body ?? new Uint8Array(),
        location: firstHeaderValue(result.head.headers, 'location') ?? null,
      },
      spec.tokenUrl,
      grant,
      deps.clock.now(),
      previousRefresh,
    );
    // The new token values are secrets before the exchange is shown.
    if (outcome.ok) deps.onSecrets?.([outcome.token.accessToken, ...(outcome.token.refreshToken === null ? [] : [outcome.token.refreshToken])]);
    deps.onExchange?.({ grant: grant.kind, url: spec.tokenUrl, sent: result.sent, head: result.head, body: result.body, error: outcome.ok ? null : outcome.error, timings: result.timings });
    return outcome;
  };

  /** A new token: the refresh grant with `refreshWith` when given (falling back once on invalid_grant), else the settings' grant. */
  const obtain = async (spec: OAuth2Spec, connection: TokenConnection, key: string, refreshWith: string | null): Promise<ObtainedToken> => {
    const base = baseGrant(spec);
    let outcome: Awaited<ReturnType<typeof exchange>> | null = null;
    if (refreshWith !== null) {
      outcome = await exchange(spec, connection, { kind: 'refresh_token', refreshToken: refreshWith }, refreshWith);
      const sameAsBase = base.kind === 'refresh_token' && base.refreshToken === refreshWith;
      if (outcome.ok || outcome.oauthError !== 'invalid_grant' || sameAsBase) return settled(key, outcome);
    }
    outcome = await exchange(spec, connection, base, base.kind === 'refresh_token' ? base.refreshToken : null);
    return settled(key, outcome);
  };

  const settled = async (key: string, outcome: Awaited<ReturnType<typeof exchange>>): Promise<ObtainedToken> => {
    if (!outcome.ok) return { ok: false, error: outcome.error };
    keep(key, outcome.token);
    if (deps.store !== null) {
      try {
        await deps.store.write(key, outcome.token);
      } catch (error) {
        deps.onCacheProblem?.(`the token was not cached in ${deps.store.location}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { ok: true, token: outcome.token, source: 'endpoint', key };
  };

  const readStore = async (key: string): Promise<CachedToken | null> => {
    if (deps.store === null) return null;
    try {
      return await deps.store.read(key);
    } catch {
      return null;
    }
  };

  return {
    async get(spec, connection) {
      const key = tokenCacheKey(spec);
      const mine = held.get(key);
      if (mine !== undefined && decideToken(mine, deps.clock.now()).action === 'use') return { ok: true, token: mine, source: 'run', key };
      return once(key, async () => {
        const inRun = held.get(key) ?? null;
        const token = inRun ?? (await readStore(key));
        const decision = decideToken(token, deps.clock.now());
        if (decision.action === 'use') {
          keep(key, decision.token);
          return { ok: true, token: decision.token, source: inRun === null ? 'cache' : 'run', key };
        }
        return obtain(spec, connection, key, decision.action === 'refresh' ? decision.refreshToken : null);
      });
    },

    async renew(spec, connection, rejected) {
      const key = tokenCacheKey(spec);
      const pending = inflight.get(key);
      if (pending !== undefined) {
        const shared = await pending;
        if (!shared.ok || shared.token.accessToken !== rejected) return shared;
      }
      return once(key, async () => {
        const current = held.get(key) ?? null;
        if (current !== null && current.accessToken !== rejected && decideToken(current, deps.clock.now()).action === 'use') return { ok: true, token: current, source: 'run', key };
        held.delete(key);
        // The refresh token of the refused token, when the server issued one; else the settings' grant.
        const refresh = current?.refreshToken ?? (await readStore(key))?.refreshToken ?? null;
        return obtain(spec, connection, key, refresh);
      });
    },
  };
}
