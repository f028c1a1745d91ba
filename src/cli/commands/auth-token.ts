/**
 * `apitest auth token [oauth2 flags]`: the access token a request with these flags would send — the cached one
 * while it may be used, else a new one from the token endpoint (and cached) — printed as the token response
 * (masked unless --show-secrets), with its expiry and whether it came from the cache. `apitest auth clear`
 * empties the cache. Errors are those of a request's token: exit 5 for an HTTP error of the token endpoint,
 * 3 when it cannot be reached or gives no usable token, 4 on a timeout, 2 for bad flags (nothing sent).
 */
import { usableUntil } from '../../auth/oauth2/token-state.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { authTokenDocument, renderAuthToken } from '../../render/auth-token.js';
import { printDiagnostic, printReport } from '../../render/output.js';
import { colorLevel, createTheme } from '../../render/theme.js';
import { OK, resultOfError, type CommandResult } from '../command-result.js';
import type { RawOAuth2Options } from '../flags/oauth2-flags.js';
import { oauth2Tokens } from '../oauth2-tokens.js';
import { buildRequestSpec } from '../parse/request-input.js';
import { runClock } from '../run-clock.js';
import { tokenConnectionOf } from '../../engine/oauth2/execute-with-token.js';
import { learningRedactor } from './request.js';

export interface RawAuthTokenOptions extends RawOAuth2Options {
  timeout?: string;
  connectTimeout?: string;
  insecure?: boolean;
  cacert?: string;
  proxy?: string;
  noproxy?: string;
  cert?: string;
  key?: string;
  certPassphrase?: string | true;
  verbose?: boolean;
  json?: boolean;
  showSecrets?: boolean;
  color: boolean;
}

export async function runAuthTokenCommand(raw: RawAuthTokenOptions, io: Io): Promise<CommandResult> {
  if (raw.oauth2TokenUrl === undefined) {
    throw new UsageError('auth token: --oauth2-token-url is required', { hint: 'give the token endpoint and the client: --oauth2-token-url URL --oauth2-client-id ID --oauth2-client-secret' });
  }
  // The token request is checked as a request to the token URL would be: the OAuth2 settings, timeouts, TLS flags.
  const spec = await buildRequestSpec({ ...raw, url: raw.oauth2TokenUrl }, io);
  const authorization = spec.auth.authorization;
  if (authorization?.kind !== 'oauth2') throw new Error('auth token: the OAuth2 settings were lost');
  const show = raw.showSecrets === true;
  const errTheme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env: io.env }));
  if (spec.insecure) printDiagnostic(io, errTheme.c.yellow('apitest: warning: -k/--insecure: TLS certificates are not verified\n'));
  const secrets = learningRedactor(spec, show);
  const { createGotTransport } = await import('../../engine/transport.js');
  const transport = createGotTransport();
  const clock = runClock(io);
  try {
    const { tokens, store } = await oauth2Tokens(io, {
      transport,
      clock,
      cache: raw.tokenCache !== false,
      verbose: raw.verbose === true,
      errTheme,
      redactor: secrets.current,
      learn: secrets.learn,
    });
    const obtained = await tokens.get(authorization.oauth2, tokenConnectionOf(spec));
    if (!obtained.ok) return resultOfError(obtained.error, secrets.current());
    let cacheFile: string | null = null;
    if (store !== null) cacheFile = (await import('../../files/token-cache.js')).tokenFilePath(store.location, obtained.key);
    const doc = authTokenDocument(obtained.token, { nowMs: clock.now(), usableUntil: usableUntil(obtained.token), fromCache: obtained.source === 'cache', cacheFile, show });
    if (raw.json === true) printReport(io, `${JSON.stringify(doc, null, 2)}\n`);
    else printReport(io, renderAuthToken(doc, createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env: io.env }))));
    return OK;
  } finally {
    transport.close();
  }
}

export async function runAuthClearCommand(io: Io): Promise<CommandResult> {
  const { clearTokenCache, tokenCacheDir } = await import('../../files/token-cache.js');
  const dir = tokenCacheDir(io.env);
  let removed: number;
  try {
    removed = await clearTokenCache(dir);
  } catch (error) {
    throw new UsageError(`auth clear: ${error instanceof Error ? error.message : String(error)}`, { hint: 'remove the directory by hand if it is not yours' });
  }
  printReport(io, `removed ${removed} cached token${removed === 1 ? '' : 's'} from ${dir}\n`);
  return OK;
}
