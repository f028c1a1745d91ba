import type { ResponseData, SentRequest } from '../engine/types.js';
import type { Redactor } from '../redact/redactor.js';
import type { Theme } from './theme.js';

const MAX_BODY_PREVIEW = 4096;

/** The request as on the wire, curl style (`> ` lines), credentials masked. Pure. */
export function renderSentRequest(sent: SentRequest, redactor: Redactor, theme: Theme): string {
  const { c } = theme;
  const url = new URL(redactor.url(sent.url));
  const lines = [c.cyan(`> ${sent.method} ${url.pathname}${url.search} HTTP/${sent.httpVersion}`)];
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
