import type { HeaderMap } from '../util/header-map.js';

/** How a response body reads: parsed JSON, text, binary (base64), or absent. */
export type BodyView =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array };

const TEXT_TYPES = /^(text\/|application\/(.*\+)?(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml|x-ndjson|problem\+json)\b)|\+json\b|\+xml\b/i;
const JSON_TYPES = /^application\/(.*\+)?json\b|\+json\b|^application\/problem\+json/i;

export function contentTypeOf(headers: HeaderMap): string {
  const value = headers['content-type'];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** Decides how to read a body from its content type; without one, valid UTF-8 is text. Pure. */
export function viewBody(body: Uint8Array | null, headers: HeaderMap): BodyView {
  if (body === null || body.length === 0) return { kind: 'none' };
  const type = contentTypeOf(headers);
  if (JSON_TYPES.test(type)) {
    const text = decodeUtf8(body);
    if (text !== null) {
      try {
        return { kind: 'json', value: JSON.parse(text), text };
      } catch {
        return { kind: 'text', text };
      }
    }
    return { kind: 'binary', bytes: body };
  }
  if (type === '' || TEXT_TYPES.test(type)) {
    const text = decodeUtf8(body);
    if (text !== null) return { kind: 'text', text };
  }
  return { kind: 'binary', bytes: body };
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
