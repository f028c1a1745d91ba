/**
 * `Link` header parsing (RFC 8288 §3), hand-written and tolerant:
 *
 *   Link: <https://api.example.com/items?page=2>; rel="next", </items?page=9>; rel=last
 *
 * - several links per field, and several field lines (pass the array); a comma inside
 *   `<...>` or inside a quoted string never splits a link;
 * - parameters quoted (with `\` escapes) or bare, names case-insensitive (lower-cased),
 *   optional whitespace around `;` and `=`; a parameter without a value is "";
 * - only the first occurrence of a parameter counts (RFC 8288 §3.3 for `rel`);
 * - `rel` holds space-separated relation types, lower-cased (compared case-insensitively,
 *   §2.1); every parameter, `rel` included, is also kept raw in `params`;
 * - `title*=UTF-8''...` style values (RFC 8187) are percent-decoded when the charset is
 *   UTF-8, kept raw otherwise;
 * - targets are resolved against `baseUrl` (the request URL).
 * A malformed part (no `<...>`, a URL that does not resolve) is skipped; never throws.
 */

export interface LinkValue {
  /** Absolute target URL, resolved against the base URL. */
  url: string;
  /** Relation types, lower-cased; empty when the link has no rel. */
  rel: string[];
  params: Record<string, string>;
}

export function parseLinkHeader(value: string | string[] | undefined, baseUrl: string): LinkValue[] {
  if (value === undefined) return [];
  const lines = Array.isArray(value) ? value : [value];
  const links: LinkValue[] = [];
  for (const line of lines) {
    if (typeof line !== 'string') continue;
    for (const raw of scanLine(line)) {
      const url = resolve(raw.target, baseUrl);
      if (url === undefined) continue;
      const relParam = raw.params['rel'];
      const rel = relParam === undefined ? [] : relParam.toLowerCase().split(/[ \t]+/).filter((r) => r !== '');
      links.push({ url, rel, params: raw.params });
    }
  }
  return links;
}

/** The URL of the first link whose relation types include `rel` (case-insensitive). */
export function findLink(links: readonly LinkValue[], rel: string): string | undefined {
  const wanted = rel.toLowerCase();
  return links.find((link) => link.rel.includes(wanted))?.url;
}

interface RawLink {
  target: string;
  params: Record<string, string>;
}

const WS = new Set([' ', '\t', '\r', '\n']);

function scanLine(text: string): RawLink[] {
  const out: RawLink[] = [];
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && WS.has(text[i] ?? '')) i++;
  };
  /** Moves past the next comma that is outside quotes and angle brackets (or to the end). */
  const skipToNextLink = (): void => {
    let quoted = false;
    let angled = false;
    while (i < n) {
      const ch = text[i];
      if (quoted) {
        if (ch === '\\') i++;
        else if (ch === '"') quoted = false;
      } else if (angled) {
        if (ch === '>') angled = false;
      } else if (ch === '"') quoted = true;
      else if (ch === '<') angled = true;
      else if (ch === ',') {
        i++;
        return;
      }
      i++;
    }
  };

  while (i < n) {
    skipWs();
    if (i >= n) break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '<') {
      skipToNextLink();
      continue;
    }
    const close = text.indexOf('>', i + 1);
    if (close < 0) break; // unterminated target: nothing usable follows
    const target = text.slice(i + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = Object.create(null) as Record<string, string>;

    for (;;) {
      skipWs();
      if (i >= n) break;
      const ch = text[i];
      if (ch === ',') {
        i++;
        break;
      }
      if (ch !== ';') {
        // junk after the target or a parameter: keep what we have, go to the next link
        skipToNextLink();
        break;
      }
      i++; // ';'
      skipWs();
      const nameStart = i;
      while (i < n && !WS.has(text[i] ?? '') && !'=;,'.includes(text[i] ?? '')) i++;
      const name = text.slice(nameStart, i).toLowerCase();
      skipWs();
      let paramValue = '';
      if (text[i] === '=') {
        i++;
        skipWs();
        if (text[i] === '"') {
          i++;
          let v = '';
          while (i < n && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < n) i++;
            v += text[i];
            i++;
          }
          i++; // closing quote (or past the end when unterminated)
          paramValue = v;
        } else {
          const valueStart = i;
          while (i < n && !WS.has(text[i] ?? '') && text[i] !== ';' && text[i] !== ',') i++;
          paramValue = text.slice(valueStart, i);
          if (name.endsWith('*')) paramValue = decodeExtValue(paramValue);
        }
      }
      if (name !== '' && !(name in params)) params[name] = paramValue;
    }
    out.push({ target, params });
  }
  return out;
}

function resolve(target: string, baseUrl: string): string | undefined {
  try {
    return new URL(target, baseUrl).href;
  } catch {
    try {
      return new URL(target).href;
    } catch {
      return undefined;
    }
  }
}

/** RFC 8187 ext-value: `UTF-8'lang'%e2%82%ac` → "€"; anything else is returned as is. */
function decodeExtValue(raw: string): string {
  const m = /^([^']*)'[^']*'(.*)$/.exec(raw);
  if (m === null || (m[1] ?? '').toLowerCase() !== 'utf-8') return raw;
  try {
    return decodeURIComponent(m[2] ?? '');
  } catch {
    return raw;
  }
}
