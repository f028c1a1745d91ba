import { Option, type Command } from 'commander';

/** The raw values of the `--oauth2-*` flags (validated in parse/oauth2-input.ts, loaded only when one is given). */
export interface RawOAuth2Options {
  oauth2TokenUrl?: string;
  oauth2ClientId?: string;
  oauth2ClientSecret?: string | true;
  oauth2Scope?: string;
  oauth2Audience?: string;
  oauth2AuthMethod?: string;
  oauth2RefreshToken?: string | true;
  /** `--no-token-cache` sets false. */
  tokenCache?: boolean;
}

const OAUTH2_KEYS = ['oauth2TokenUrl', 'oauth2ClientId', 'oauth2ClientSecret', 'oauth2Scope', 'oauth2Audience', 'oauth2AuthMethod', 'oauth2RefreshToken'] as const;

/** Whether any `--oauth2-*` flag was given (then the OAuth2 code is loaded). */
export function usesOAuth2(raw: Partial<RawOAuth2Options>): boolean {
  return OAUTH2_KEYS.some((key) => raw[key] !== undefined);
}

/** The OAuth2 client credentials / refresh flags, shared by the single request and `apitest auth token`. */
export function addOAuth2Flags(cmd: Command): Command {
  return cmd
    .optionsGroup('OAuth2:')
    .option('--oauth2-token-url <url>', 'get an access token from this token endpoint and send it as "Authorization: Bearer <token>"')
    .option('--oauth2-client-id <id>', 'the client id')
    .option('--oauth2-client-secret [secret]', 'the client secret (default: $OAUTH2_CLIENT_SECRET)')
    .option('--oauth2-scope <scopes>', 'scopes to ask for, space-separated')
    .option('--oauth2-audience <aud>', 'the audience to ask for (Auth0 and others)')
    .addOption(new Option('--oauth2-auth-method <method>', 'how the client authenticates: basic (HTTP Basic, default) or post (in the form body)').choices(['basic', 'post']))
    .option('--oauth2-refresh-token [token]', 'get the token with the refresh grant (default: $OAUTH2_REFRESH_TOKEN)')
    .option('--no-token-cache', 'neither read nor write the token cache (~/.cache/apitest/tokens)');
}
