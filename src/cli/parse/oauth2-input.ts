/**
 * `--oauth2-*` flags → an OAuth2Spec (checked further by the request constructor, model/oauth2-spec.ts). Loaded
 * only when one of the flags is given. A secret flag given without its value reads its environment variable, as
 * `--bearer` reads $ACCESS_TOKEN: unset or empty is a usage error naming the flag and the variable.
 */
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { OAuth2AuthMethod, OAuth2Spec } from '../../model/oauth2-spec.js';
import { Secret } from '../../redact/secret.js';
import type { RawOAuth2Options } from '../flags/oauth2-flags.js';
import { normaliseUrl } from './url-argument.js';

export function parseOAuth2Flags(raw: RawOAuth2Options, io: Io): OAuth2Spec {
  if (raw.oauth2TokenUrl === undefined) {
    const given = Object.keys(raw).find((key) => key.startsWith('oauth2') && raw[key as keyof RawOAuth2Options] !== undefined) ?? 'oauth2';
    throw new UsageError(`${flagName(given)} needs --oauth2-token-url`, { hint: 'give the token endpoint: --oauth2-token-url https://auth.example.com/oauth/token' });
  }
  if (raw.oauth2ClientId === undefined) throw new UsageError('--oauth2-token-url needs --oauth2-client-id', { hint: 'give the client id: --oauth2-client-id ID' });
  const secret = (value: string | true | undefined, variable: string, flag: string): Secret | null => {
    if (value === undefined) return null;
    if (value !== true) return new Secret(value);
    const fromEnv = io.env[variable];
    if (fromEnv === undefined) throw new UsageError(`${flag}: no value given and the environment variable ${variable} is not set`, { hint: `set ${variable}, or give the value: ${flag}=VALUE` });
    if (fromEnv === '') throw new UsageError(`${flag}: no value given, and ${variable} is set but empty`, { hint: `set ${variable}, or give the value: ${flag}=VALUE` });
    return new Secret(fromEnv);
  };
  return {
    tokenUrl: normaliseUrl(raw.oauth2TokenUrl, '--oauth2-token-url'),
    clientId: raw.oauth2ClientId,
    clientSecret: secret(raw.oauth2ClientSecret, 'OAUTH2_CLIENT_SECRET', '--oauth2-client-secret'),
    scope: raw.oauth2Scope ?? null,
    audience: raw.oauth2Audience ?? null,
    // commander checks the choice; the request constructor checks it again for every producer.
    authMethod: (raw.oauth2AuthMethod ?? 'basic') as OAuth2AuthMethod,
    refreshToken: secret(raw.oauth2RefreshToken, 'OAUTH2_REFRESH_TOKEN', '--oauth2-refresh-token'),
  };
}

/** `oauth2ClientId` → `--oauth2-client-id`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z0-9]/g, (c) => `-${c.toLowerCase()}`).replace('oauth-2', 'oauth2')}`;
}
