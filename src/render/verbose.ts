import type { ResponseData, RouteNote, SentRequest } from '../engine/types.js';
import type { Redactor } from '../redact/redactor.js';
import type { Theme } from './theme.js';

const MAX_BODY_PREVIEW = 4096;

/** The request as on the wire, curl style (`> ` lines), credentials masked. Pure. */
export function renderSentRequest(sent: SentRequest, redactor: Redactor, theme: Theme): string {
  const { c } = theme;
  const url = new URL(redactor.url(sent.url));
  const lines = [...routeLines(sent.route, url).map((line) => c.dim(line)), c.cyan(`> ${sent.method} ${url.pathname}${url.search} HTTP/${sent.httpVersion}`)];
  for (const [name, value] of sent.headers) lines.push(c.cyan(`> ${name}: ${redactor.header(name, value)}`));
  lines.push(c.cyan('>'));
  if (sent.body !== null && sent.body.length > 0) {
    const text = Buffer.from(sent.body.subarray(0, MAX_BODY_PREVIEW)).toString('utf8');
    lines.push(redactor.text(text) + (sent.body.length > MAX_BODY_PREVIEW ? c.dim(`\n[… ${sent.body.length} bytes in all]`) : ''));
  }
  return `${lines.join('\n')}\n`;
}

/** The response status line and headers as received (`< ` lines). Pure. */
export function renderReceivedHead(response: Pick<ResponseData, 'httpVersion' | 'status' | 'statusText' | 'rawHeaders'>, redactor: Redactor, theme: Theme): string {
  const { c } = theme;
  const lines = [c.magenta(`< HTTP/${response.httpVersion} ${response.status} ${response.statusText}`.trimEnd())];
  for (const [name, value] of response.rawHeaders) lines.push(c.magenta(`< ${name}: ${redactor.header(name, value)}`));
  lines.push(c.magenta('<'));
  return `${lines.join('\n')}\n`;
}

/** `* ` lines, as curl's: which proxy the request went through (or why none), and what became of --http2. */
export function routeLines(route: RouteNote | undefined, url: URL): string[] {
  if (route === undefined) return [];
  const lines: string[] = [];
  if (route.proxy !== null) {
    const how = route.proxy.tunnel ? `tunnel to ${url.host} (CONNECT)` : 'the request goes to the proxy with the full URL';
    lines.push(`* proxy ${route.proxy.url} (from ${route.proxy.source}): ${how}`);
  }
  if (route.bypass !== null) lines.push(`* no proxy for ${route.bypass.host}: it matches ${route.bypass.source}`);
  switch (route.http2) {
    case 'negotiated':
      lines.push('* HTTP/2 negotiated (ALPN h2)');
      break;
    case 'not-offered':
      lines.push('* --http2: the server did not offer HTTP/2 (ALPN); HTTP/1.1 was used');
      break;
    case 'not-tls':
      lines.push('* --http2: HTTP/2 is negotiated over TLS only; HTTP/1.1 was used for this http:// URL');
      break;
    case 'proxy':
      lines.push('* --http2: not through a proxy in this version; HTTP/1.1 was used');
      break;
    case null:
      break;
  }
  return lines;
}
