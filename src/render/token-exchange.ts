/**
 * `-v`: an OAuth2 token request and the token endpoint's answer, on stderr, masked — the client secret and
 * tokens structurally (form and JSON fields by name, the Basic credentials), then every known secret in the
 * rest — so a failing token request can be debugged without showing a credential. Pure.
 */
import type { TokenExchange } from '../engine/oauth2/token-provider.js';
import type { Redactor } from '../redact/redactor.js';
import { maskTokenForm, maskTokenJson } from '../redact/token-fields.js';
import type { Theme } from './theme.js';
import { renderReceivedHead, renderSentRequest } from './verbose.js';

const MAX_BODY_PREVIEW = 4096;

export function renderTokenExchange(exchange: TokenExchange, redactor: Redactor, theme: Theme): string {
  const { c } = theme;
  const lines = [c.dim(`* OAuth2 token request (${exchange.grant}) to ${redactor.url(exchange.url)}`)];
  let text = `${lines.join('\n')}\n`;
  if (exchange.sent !== null) {
    const body = exchange.sent.body === null ? null : Buffer.from(maskTokenForm(Buffer.from(exchange.sent.body).toString('utf8')), 'utf8');
    text += renderSentRequest({ ...exchange.sent, body }, redactor, theme);
  }
  if (exchange.head !== null) {
    text += renderReceivedHead(exchange.head, redactor, theme);
    if (exchange.body !== null && exchange.body.length > 0) {
      const shown = Buffer.from(exchange.body.subarray(0, MAX_BODY_PREVIEW)).toString('utf8');
      text += `${redactor.text(maskTokenJson(shown))}${exchange.body.length > MAX_BODY_PREVIEW ? c.dim(`\n[… ${exchange.body.length} bytes in all]`) : ''}\n`;
    }
  }
  return text;
}
