/**
 * The command layer's side of OAuth2: the token provider of a run (engine/oauth2/token-provider.ts) with its
 * cache (files/token-cache.ts, unless --no-token-cache), its `-v` view of the token exchange, and its warnings.
 * Loaded only when a request of the run uses OAuth2.
 */
import type { TokenStore } from '../auth/oauth2/token-state.js';
import { createTokenProvider, type TokenProvider } from '../engine/oauth2/token-provider.js';
import type { Transport } from '../engine/transport.js';
import type { Io } from '../io.js';
import type { Redactor } from '../redact/redactor.js';
import { printDiagnostic } from '../render/output.js';
import type { Theme } from '../render/theme.js';
import type { Clock } from '../util/clock.js';

export interface OAuth2RunOptions {
  transport: Transport;
  clock: Clock;
  /** false: --no-token-cache. */
  cache: boolean;
  /** `-v`: show each token exchange on stderr. */
  verbose: boolean;
  errTheme: Theme;
  /** The run's redactor as it is now (it learns each token). */
  redactor: () => Redactor;
  /** Token values as they become known: masked in every report from then on. */
  learn: (values: string[]) => void;
}

export async function oauth2Tokens(io: Io, options: OAuth2RunOptions): Promise<{ tokens: TokenProvider; store: TokenStore | null }> {
  const warn = (text: string): void => printDiagnostic(io, options.errTheme.c.yellow(`apitest: warning: ${options.redactor().text(text)}\n`));
  const store = options.cache ? await openStore(io, warn) : null;
  const render = options.verbose ? (await import('../render/token-exchange.js')).renderTokenExchange : null;
  const tokens = createTokenProvider({
    transport: options.transport,
    clock: options.clock,
    store,
    ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }),
    onSecrets: options.learn,
    ...(render === null ? {} : { onExchange: (exchange) => printDiagnostic(io, render(exchange, options.redactor(), options.errTheme)) }),
    onCacheProblem: warn,
  });
  return { tokens, store };
}

async function openStore(io: Io, warn: (text: string) => void): Promise<TokenStore | null> {
  const { openTokenCache, tokenCacheDir } = await import('../files/token-cache.js');
  try {
    return await openTokenCache(tokenCacheDir(io.env));
  } catch (error) {
    warn(`the token cache is not used: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
