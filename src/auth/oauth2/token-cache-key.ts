import { createHash } from 'node:crypto';
import type { OAuth2Spec } from '../../model/oauth2-spec.js';

/**
 * The name of a token in the cache: SHA-256 over the token URL, client id, client authentication method, scope and
 * audience — what decides which token the server issues — and, when the first token comes from a refresh token the
 * user gave, a SHA-256 of that token, so a token obtained for one grant (one user) is never used for another. The
 * client secret is not part of it and is never stored: a key cannot be turned back into any setting.
 */
export function tokenCacheKey(spec: OAuth2Spec): string {
  const grant = spec.refreshToken === null ? 'client_credentials' : `refresh_token:${sha256(spec.refreshToken.reveal())}`;
  // JSON of an array: no field can run into the next (no "a" + "bc" = "ab" + "c").
  const material = JSON.stringify(['apitest-oauth2-v1', spec.tokenUrl, spec.clientId, spec.authMethod, spec.scope ?? '', spec.audience ?? '', grant]);
  return sha256(material);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
