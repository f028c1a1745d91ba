import { UsageError } from '../errors.js';

const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/**
 * Normalises a URL as curl and HTTPie do: no scheme means http://, `:3000/x` means http://localhost:3000/x.
 * Any scheme other than http and https is a usage error.
 */
export function normaliseUrl(input: string, flag = 'URL'): string {
  const trimmed = input.trim();
  if (trimmed === '') throw new UsageError(`${flag}: empty URL`, { hint: 'give a URL such as http://localhost:3000/users' });
  let candidate = trimmed;
  if (!HAS_SCHEME.test(candidate)) {
    candidate = candidate.startsWith(':') ? `http://localhost${candidate}` : `http://${candidate}`;
  }
  const scheme = candidate.slice(0, candidate.indexOf(':')).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new UsageError(`${flag}: unsupported scheme "${scheme}" in ${JSON.stringify(trimmed)}`, { hint: 'only http:// and https:// URLs are supported' });
  }
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw new UsageError(`${flag}: malformed URL ${JSON.stringify(trimmed)}`, { hint: 'write it as http://host[:port]/path' });
  }
  if (parsed.hostname === '') throw new UsageError(`${flag}: URL ${JSON.stringify(trimmed)} has no host`);
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
