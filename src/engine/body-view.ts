import type { HeaderMap } from '../util/header-map.js';

/**
 * How a response body reads: parsed JSON, text, binary (base64), or absent. A JSON body nested deeper than
 * MAX_JSON_DEPTH reads as text, with a note: every later step (printing, masking, checks) then stays bounded.
 */
export type BodyView =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'text'; text: string; note?: string }
  | { kind: 'binary'; bytes: Uint8Array };

/** The deepest JSON body read as JSON (JSON.stringify and structured clones overflow the stack near 5,000 levels). */
export const MAX_JSON_DEPTH = 1000;

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
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { kind: 'text', text };
      }
      if (depthExceeds(value, MAX_JSON_DEPTH)) return { kind: 'text', text, note: `JSON nested more than ${MAX_JSON_DEPTH} levels deep: shown as text, not queried` };
      return { kind: 'json', value, text };
    }
    return { kind: 'binary', bytes: body };
  }
  if (type === '' || TEXT_TYPES.test(type)) {
    const text = decodeUtf8(body);
    if (text !== null) return { kind: 'text', text };
  }
  return { kind: 'binary', bytes: body };
}

/** Whether a parsed JSON value nests deeper than `limit` (walked without recursion). */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
