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

/** `a=1; session=abcdefghijklmnop` → `a=****; session=****mnop`: names kept, values masked. */
export function maskCookieHeader(value: string): string {
  return value
    .split(';')
    .map((piece) => {
      const eq = piece.indexOf('=');
      return eq === -1 ? maskValue(piece.trim()) : `${piece.slice(0, eq + 1)}${maskValue(piece.slice(eq + 1).trim())}`;
    })
    .join(';');
}

/** `session=abcdefghijklmnop; Path=/; HttpOnly` → `session=****mnop; Path=/; HttpOnly`: only the value is secret. */
export function maskSetCookieHeader(value: string): string {
  const semi = value.indexOf(';');
  const pair = semi === -1 ? value : value.slice(0, semi);
  const eq = pair.indexOf('=');
  const masked = eq === -1 ? maskValue(pair.trim()) : `${pair.slice(0, eq + 1)}${maskValue(pair.slice(eq + 1).trim())}`;
  return semi === -1 ? masked : `${masked}${value.slice(semi)}`;
}
