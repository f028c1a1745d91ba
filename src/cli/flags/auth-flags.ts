import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { suggest } from '../suggest.js';
import { addOAuth2Flags } from './oauth2-flags.js';

export const AUTH_DESCRIPTION = 'OAuth2 tokens: get one (or the cached one) with auth token, empty the token cache with auth clear';

const EXAMPLES = `
Examples:
  $ export OAUTH2_CLIENT_SECRET=…
  $ apitest auth token --oauth2-token-url https://auth.example.com/oauth/token --oauth2-client-id my-app --oauth2-client-secret
  $ apitest auth token --oauth2-token-url localhost:3000/oauth/token --oauth2-client-id demo-client --oauth2-client-secret demo-secret --json
  $ apitest auth clear

Tokens are cached in $XDG_CACHE_HOME/apitest/tokens (else ~/.cache/apitest/tokens), one file per token URL,
client id, auth method, scope and audience; never the client secret. Docs: docs/cli.md (OAuth2)`;

/** `apitest auth token|clear`: commander definitions only; the commands are loaded when they run. */
export function registerAuthCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const auth = program
    .command('auth')
    .description(AUTH_DESCRIPTION)
    .usage('<token|clear> [options]')
    .argument('[command]', 'token or clear')
    .addHelpText('after', EXAMPLES)
    .action((name: string | undefined) => {
      const guess = name === undefined ? null : suggest(name, ['token', 'clear']);
      throw new UsageError(name === undefined ? 'auth: missing command' : `auth: unknown command ${JSON.stringify(name)}`, {
        hint: guess !== null ? `did you mean auth ${guess}?` : 'use token or clear; see apitest auth --help',
      });
    });

  const token = auth.command('token').description('print an OAuth2 access token response (masked unless --show-secrets): from the cache while it is valid, else from the token endpoint');
  addOAuth2Flags(token);
  token
    .optionsGroup('Connection and output:')
    .option('--timeout <duration>', 'time allowed for the token request: seconds, or 250ms, 5s (default 30s)')
    .option('--connect-timeout <duration>', 'time allowed to connect')
    .option('-k, --insecure', 'do not verify TLS certificates (unsafe; prints a warning)')
    .option('--cacert <file>', 'PEM file of CA certificates to trust')
    .option('-x, --proxy <url>', 'reach the token endpoint through this HTTP proxy (default $HTTPS_PROXY, $HTTP_PROXY, $ALL_PROXY)')
    .option('--noproxy <hosts>', 'hosts that go direct, comma-separated (default $NO_PROXY)')
    .option('--cert <file>', 'TLS client certificate for the token endpoint: PEM, or a .p12/.pfx bundle')
    .option('--key <file>', 'the PEM private key of --cert')
    .option('--cert-passphrase [passphrase]', 'passphrase of the --cert key or bundle (default: $APITEST_CERT_PASSPHRASE)')
    .option('-v, --verbose', 'show the token request and response (masked) on stderr')
    .option('--json', 'print one JSON document')
    .option('--show-secrets', 'show the access and refresh tokens in clear')
    .option('--no-color', 'no colours')
    .addOption(new Option('--debug', 'print stack traces of internal errors').hideHelp())
    .action(async (opts: Record<string, unknown>) => {
      const { runAuthTokenCommand } = await import('../commands/auth-token.js');
      setResult(await runAuthTokenCommand(opts as unknown as Parameters<typeof runAuthTokenCommand>[0], io));
    });

  auth
    .command('clear')
    .description('remove every cached OAuth2 token')
    .action(async () => {
      const { runAuthClearCommand } = await import('../commands/auth-token.js');
      setResult(await runAuthClearCommand(io));
    });
}
