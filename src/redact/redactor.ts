import { maskHeaderValue, maskValue } from './mask.js';

/** Header names whose values are always credentials. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

export interface RedactorOptions {
  /** Credential values given to auth flags (and anything else known to be secret). */
  secrets?: readonly string[];
  /** Extra header names to mask (lower-case), e.g. a custom API-key header. */
  headers?: readonly string[];
  /** Query parameter names to mask in URLs, e.g. `--api-key-query`. */
  queryParams?: readonly string[];
  /** `--show-secrets`: mask nothing. */
  show?: boolean;
}

export interface Redactor {
  readonly enabled: boolean;
  /**
   * Masks the value of a credential header (by name). The credential it sees is also remembered, so
   * later `text()` calls scrub it too: a `-H "Authorization: …"` echoed back in a response body is masked.
   */
  header(name: string, value: string): string;
  /** Masks the password of `user:password@` and the configured query parameters, then scrubs secrets. */
  url(url: string): string;
  /** Replaces every known secret value occurring anywhere in a text (bodies, errors, wire dumps). */
  text(text: string): string;
}

/** The smallest secret length scrubbed from free text: shorter values would mask ordinary words. */
const MIN_SCRUB_LENGTH = 3;
/** The smallest credential learned from a header value: these are not chosen by the user as flags are. */
const MIN_LEARNED_LENGTH = 6;
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S.*)$/;

export function createRedactor(options: RedactorOptions = {}): Redactor {
  if (options.show === true) {
    return { enabled: false, header: (_n, v) => v, url: (u) => u, text: (t) => t };
  }
  const headers = new Set([...SENSITIVE_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
  const queryParams = new Set(options.queryParams ?? []);
  const pairs = new Map<string, string>();
  for (const secret of options.secrets ?? []) addNeedles(pairs, secret, MIN_SCRUB_LENGTH);
  let needles = sortNeedles(pairs);

  const learn = (name: string, value: string): void => {
    const before = pairs.size;
    for (const [credential, mask] of credentialsIn(name, value)) addNeedles(pairs, credential, MIN_LEARNED_LENGTH, mask);
    if (pairs.size !== before) needles = sortNeedles(pairs);
  };

  const text = (input: string): string => {
    let out = input;
    for (const [needle, replacement] of needles) {
      if (out.includes(needle)) out = out.split(needle).join(replacement);
    }
    // The tail kept by maskValue is harmless for a token, but the tail of base64(user:password) is the password's.
    return out.replace(/\b(Basic\s+)\*\*\*\*[A-Za-z0-9+/=]{1,4}/gi, '$1****');
  };

  return {
    enabled: true,
    header: (name, value) => {
      if (!headers.has(name.toLowerCase())) return text(value);
      learn(name, value);
      return maskHeaderValue(value);
    },
    url: (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        return text(raw);
      }
      let changed = false;
      if (parsed.password !== '') {
        addNeedles(pairs, decodeURIComponentSafe(parsed.password), MIN_SCRUB_LENGTH);
        needles = sortNeedles(pairs);
        parsed.password = '****';
        changed = true;
      }
      for (const param of queryParams) {
        if (parsed.searchParams.has(param)) {
          parsed.searchParams.set(param, maskValue(parsed.searchParams.get(param) ?? ''));
          changed = true;
        }
      }
      return text(changed ? parsed.toString().replace(/%2A/g, '*') : raw);
    },
    text,
  };
}

/**
 * The secret parts of a credential header value, each with its mask: the whole value (masked as a header
 * value, keeping the scheme word), the part after an auth scheme, and cookie values.
 */
function credentialsIn(name: string, value: string): Array<[string, string]> {
  const lower = name.toLowerCase();
  const whole = value.trim();
  const out: Array<[string, string]> = [[whole, maskHeaderValue(whole)]];
  const scheme = AUTH_SCHEME.exec(whole);
  if (scheme?.[1] && scheme[2] && (lower === 'authorization' || lower === 'proxy-authorization')) {
    out.push([scheme[2], /^basic$/i.test(scheme[1]) ? '****' : maskValue(scheme[2])]);
  }
  if (lower === 'cookie' || lower === 'set-cookie') {
    const pieces = lower === 'cookie' ? whole.split(';') : [whole.split(';')[0] ?? ''];
    for (const piece of pieces) {
      const eq = piece.indexOf('=');
      if (eq !== -1) out.push([piece.slice(eq + 1).trim(), maskValue(piece.slice(eq + 1).trim())]);
    }
  }
  return out;
}

/** A secret in the forms it can take in output: raw, JSON-escaped, URL-encoded. */
function addNeedles(pairs: Map<string, string>, secret: string, minLength: number, mask = maskValue(secret)): void {
  if (secret.length < minLength) return;
  for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
    if (form.length >= minLength && !pairs.has(form)) pairs.set(form, mask);
  }
}

/** Longest first, so a secret that contains another is replaced whole. */
function sortNeedles(pairs: Map<string, string>): Array<[string, string]> {
  return [...pairs.entries()].sort((a, b) => b[0].length - a[0].length);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
