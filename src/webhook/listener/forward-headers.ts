/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones node recomputes for the new connection. */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect']);

/**
 * The headers a delivery is forwarded with: its raw headers (`rawHeaders`: name, value, name, value, ...)
 * minus hop-by-hop ones and those its `Connection` header names, in the original order and casing,
 * led by the app's `Host` and ended by the body's length. Pure.
 */
export function forwardableHeaders(rawHeaders: readonly string[], connection: string | undefined, host: string, bodyLength: number): [string, string][] {
  const connectionTokens = new Set(
    (connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  // Raw-array headers make node skip its automatic Host, so name the app's host here.
  const out: [string, string][] = [['Host', host]];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const value = rawHeaders[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower) || connectionTokens.has(lower)) continue;
    out.push([name, value]);
  }
  // The body is identical, so this equals the sender's Content-Length (and replaces chunked framing).
  out.push(['Content-Length', String(bodyLength)]);
  return out;
}
