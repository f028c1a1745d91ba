/**
 * Masking of the report channel (tables, `--json` documents, `-v`, reporters, error and note lines). Never used
 * on the data channel: what the user asked to receive (`--format body`, `-o`, NDJSON items, forwarded webhooks)
 * is exactly what the server sent.
 *
 * 1. Structurally, whatever their length: the values of credential headers (Authorization, Proxy-Authorization,
 *    Cookie and Set-Cookie values, the API-key header), a URL's password, the API-key query parameter.
 * 2. In free text (bodies, messages, check values), known secrets are scrubbed as whole tokens only — not next to
 *    a letter, digit, `-`, `_` or `.` — in their plain, base64, JSON-escaped and URL-encoded forms, and only when
 *    at least MIN_SCRUB_LENGTH characters long: a short secret would mask ordinary words (`--basic me:test`
 *    must not turn `/anything/latest` into `/anything/la****`).
 */
import { maskCookieHeader, maskHeaderValue, maskSetCookieHeader, maskValue } from './mask.js';

/** Header names whose values are always credentials. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** The shortest secret scrubbed from free text. */
export const MIN_SCRUB_LENGTH = 6;

/** A secret, and whether its mask may keep its last four characters (never for base64(user:password)). */
export interface SecretValue {
  readonly value: string;
  readonly keepTail: boolean;
  /** How it shows when masked, when not `****` and maybe its tail (a header value keeps its scheme word). */
  readonly mask?: string;
}

export interface RedactorOptions {
  /** Credential values given to auth flags (and anything else known to be secret). */
  secrets?: ReadonlyArray<string | SecretValue>;
  /** Extra header names to mask (any case), e.g. a custom API-key header. */
  headers?: readonly string[];
  /** Query parameter names to mask in URLs, e.g. `--api-key-query`. */
  queryParams?: readonly string[];
  /** `--show-secrets`: mask nothing. */
  show?: boolean;
}

export interface Redactor {
  readonly enabled: boolean;
  /**
   * A header value as the report shows it: a credential header's value masked by its structure (and remembered,
   * so an echo of it in a body is scrubbed too); any other value scrubbed of known secrets.
   */
  header(name: string, value: string): string;
  /** A URL with its password and the configured query parameters masked, then scrubbed of known secrets. */
  url(url: string): string;
  /** Free text scrubbed of every known secret (whole tokens only). */
  text(text: string): string;
  /** Whether `text` can change anything (false when no secret is known): lets callers skip walking large values. */
  scrubs(): boolean;
}

const TOKEN_CHAR = '[A-Za-z0-9_.\\-]';
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S.*)$/;

export function createRedactor(options: RedactorOptions = {}): Redactor {
  if (options.show === true) {
    return { enabled: false, header: (_n, v) => v, url: (u) => u, text: (t) => t, scrubs: () => false };
  }
  const headers = new Set([...SENSITIVE_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
  const queryParams = new Set(options.queryParams ?? []);
  /** Each form a secret takes in text → its mask. */
  const needles = new Map<string, string>();
  let pattern: RegExp | null = null;
  const learn = (secret: string | SecretValue): void => {
    const { value, keepTail, mask: given } = typeof secret === 'string' ? { value: secret, keepTail: true, mask: undefined } : secret;
    if (value.length < MIN_SCRUB_LENGTH) return;
    const mask = given ?? (keepTail ? maskValue(value) : '****');
    for (const form of formsOf(value)) {
      if (form.length >= MIN_SCRUB_LENGTH && !needles.has(form)) {
        needles.set(form, mask);
        pattern = null;
      }
    }
  };
  for (const secret of options.secrets ?? []) learn(secret);

  const text = (input: string): string => {
    if (needles.size === 0) return input;
    pattern ??= wholeTokens([...needles.keys()]);
    return input.replace(pattern, (found) => needles.get(found) ?? '****');
  };

  return {
    enabled: true,
    header: (name, value) => {
      const lower = name.toLowerCase();
      if (!headers.has(lower)) return text(value);
      for (const secret of credentialsIn(lower, value)) learn(secret);
      if (lower === 'cookie') return maskCookieHeader(value);
      if (lower === 'set-cookie') return maskSetCookieHeader(value);
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
        learn(decodeURIComponentSafe(parsed.password));
        parsed.password = '****';
        changed = true;
      }
      if ([...queryParams].some((param) => parsed.searchParams.has(param))) {
        const masked = [...parsed.searchParams].map(([name, value]): [string, string] => {
          if (!queryParams.has(name)) return [name, value];
          learn(value);
          return [name, maskValue(value)];
        });
        parsed.search = new URLSearchParams(masked).toString();
        changed = true;
      }
      return text(changed ? parsed.toString().replace(/%2A/g, '*') : raw);
    },
    text,
    scrubs: () => needles.size > 0,
  };
}

/** The forms a secret takes in output: raw, base64, JSON-escaped, URL-encoded. */
function formsOf(secret: string): string[] {
  return [secret, Buffer.from(secret, 'utf8').toString('base64'), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

/** One regular expression for every needle, longest first, each only as a whole token. */
function wholeTokens(needles: string[]): RegExp {
  const alternatives = needles.sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return new RegExp(`(?<!${TOKEN_CHAR})(?:${alternatives.join('|')})(?!${TOKEN_CHAR})`, 'g');
}

/** The secret parts of a credential header's value: the whole value, the part after an auth scheme, cookie values. */
function credentialsIn(lower: string, value: string): SecretValue[] {
  const whole = value.trim();
  const out: SecretValue[] = [{ value: whole, keepTail: true, mask: maskHeaderValue(whole) }];
  const scheme = AUTH_SCHEME.exec(whole);
  if (scheme?.[1] && scheme[2] && (lower === 'authorization' || lower === 'proxy-authorization')) {
    out.push({ value: scheme[2], keepTail: !/^basic$/i.test(scheme[1]) });
  }
  if (lower === 'cookie' || lower === 'set-cookie') {
    const pieces = lower === 'cookie' ? whole.split(';') : [whole.split(';')[0] ?? ''];
    for (const piece of pieces) {
      const eq = piece.indexOf('=');
      if (eq !== -1) out.push({ value: piece.slice(eq + 1).trim(), keepTail: true });
    }
  }
  return out;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
