import { UsageError } from '../../errors.js';

const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
/** `name:` followed by something that is not a port number: a scheme without `//` (`mailto:x`, `http:/x`, `file:x`). */
const SCHEME_WITHOUT_SLASHES = /^([a-zA-Z][a-zA-Z0-9+.-]*):(?!\d|\/\/)/;

/**
 * Normalises a URL as curl and HTTPie do: no scheme means http://, `:3000/x` means http://localhost:3000/x.
 * Any scheme other than http and https is a usage error, and so is `http:/x` (one slash).
 * Messages show the URL with any password replaced by `****`.
 */
export function normaliseUrl(input: string, flag = 'URL'): string {
  const trimmed = input.trim();
  const shown = JSON.stringify(hidePassword(trimmed));
  if (trimmed === '') throw new UsageError(`${flag}: empty URL`, { hint: 'give a URL such as http://localhost:3000/users' });
  // The WHATWG parser would silently drop tabs and newlines: refuse control characters instead.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UsageError(`${flag}: ${shown} contains control characters`, { hint: 'remove them, or URL-encode them' });
  let candidate = trimmed;
  if (!HAS_SCHEME.test(candidate)) {
    const bare = SCHEME_WITHOUT_SLASHES.exec(candidate);
    // `user:pass@host/x` has a colon before an @ and no scheme: that is userinfo, not a scheme.
    const userinfo = /^[^/?#]*@/.test(candidate);
    if (bare?.[1] && !userinfo) {
      const scheme = bare[1].toLowerCase();
      if (scheme === 'http' || scheme === 'https') {
        throw new UsageError(`${flag}: malformed URL ${shown}`, { hint: `write it as ${scheme}://host[:port]/path` });
      }
      throw new UsageError(`${flag}: unsupported scheme "${scheme}" in ${shown}`, { hint: 'only http:// and https:// URLs are supported' });
    }
    candidate = candidate.startsWith(':') ? `http://localhost${candidate}` : `http://${candidate}`;
  }
  const scheme = candidate.slice(0, candidate.indexOf(':')).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new UsageError(`${flag}: unsupported scheme "${scheme}" in ${shown}`, { hint: 'only http:// and https:// URLs are supported' });
  }
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw new UsageError(`${flag}: malformed URL ${shown}`, { hint: 'write it as http://host[:port]/path' });
  }
  if (parsed.hostname === '') throw new UsageError(`${flag}: URL ${shown} has no host`, { hint: 'write it as http://host[:port]/path' });
  return parsed.toString();
}

/** Appends `name=value` pairs (from `-q`) to a URL's query, URL-encoded. */
export function appendQuery(url: string, pairs: readonly string[]): string {
  if (pairs.length === 0) return url;
  const parsed = new URL(url);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-q/--query: expected name=value, got ${JSON.stringify(pair)}`, { hint: 'write -q page=2' });
    parsed.searchParams.append(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return parsed.toString();
}

/** `http://user:secret@host` → `http://user:****@host` (for messages about a URL that may not parse). */
export function hidePassword(url: string): string {
  return url.replace(/^((?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?[^/?#@:]*:)[^/?#@]*@/, '$1****@');
}
