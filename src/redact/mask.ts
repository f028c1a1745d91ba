/** Masks a secret value: long values keep their last four characters (`****ab12`), short ones show nothing. */
export function maskValue(value: string): string {
  if (value.length >= 12) return `****${value.slice(-4)}`;
  return '****';
}

/**
 * Masks a credential header value, keeping an auth scheme word in front:
 * `Bearer abc…ab12` → `Bearer ****ab12`, `Basic dXNlcjpwdw==` → `Basic ****`.
 * Basic credentials never keep a tail: the last characters of base64(user:password) are the password's.
 */
export function maskHeaderValue(value: string): string {
  const match = /^([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S.*)$/.exec(value);
  if (match && match[1] && match[2] && /^(bearer|basic|digest|token|apikey|api-key|hmac|negotiate|ntlm|aws4-hmac-sha256)$/i.test(match[1])) {
    return `${match[1]} ${/^basic$/i.test(match[1]) ? '****' : maskValue(match[2])}`;
  }
  return maskValue(value);
}
