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
  header(name: string, value: string): string;
  url(url: string): string;
  /** Replaces every known secret value occurring anywhere in a text (bodies, errors, wire dumps). */
  text(text: string): string;
}

/** The smallest secret length scrubbed from free text: shorter values would mask ordinary words. */
const MIN_SCRUB_LENGTH = 3;

export function createRedactor(options: RedactorOptions = {}): Redactor {
  if (options.show === true) {
    return { enabled: false, header: (_n, v) => v, url: (u) => u, text: (t) => t };
  }
  const headers = new Set([...SENSITIVE_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
  const queryParams = new Set(options.queryParams ?? []);
  const needles = collectNeedles(options.secrets ?? []);

  const text = (input: string): string => {
    let out = input;
    for (const [needle, replacement] of needles) {
      if (out.includes(needle)) out = out.split(needle).join(replacement);
    }
    return out;
  };

  return {
    enabled: true,
    header: (name, value) => (headers.has(name.toLowerCase()) ? maskHeaderValue(value) : text(value)),
    url: (raw) => {
      if (queryParams.size === 0) return text(raw);
      try {
        const parsed = new URL(raw);
        let changed = false;
        for (const param of queryParams) {
          if (parsed.searchParams.has(param)) {
            parsed.searchParams.set(param, maskValue(parsed.searchParams.get(param) ?? ''));
            changed = true;
          }
        }
        return text(changed ? parsed.toString().replace(/\*/g, '*') : raw).replace(/%2A/g, '*');
      } catch {
        return text(raw);
      }
    },
    text,
  };
}

/** Each secret in the forms it can take in output: raw, JSON-escaped, URL-encoded. Longest first. */
function collectNeedles(secrets: readonly string[]): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUB_LENGTH) continue;
    const mask = maskValue(secret);
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
      if (form.length >= MIN_SCRUB_LENGTH) pairs.set(form, mask);
    }
  }
  return [...pairs.entries()].sort((a, b) => b[0].length - a[0].length);
}
