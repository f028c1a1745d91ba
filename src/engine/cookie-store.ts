/**
 * The cookie jar of a run: cookies read from a file (`-b FILE`), set by responses (`Set-Cookie`, redirect hops
 * included), sent with each request whose URL they match — by RFC 6265's rules as tough-cookie implements them
 * (domain, path, Secure, expiry, public suffixes refused) — and written back at the end (`-c FILE`).
 *
 * tough-cookie is loaded on first use only: a jar that has received no cookie answers "none" without it, so a
 * suite whose API sets no cookie does not load it. The build writes it as its own file, dist/cookies.cjs, beside
 * the bundle; run from the sources (tests), it is the package in node_modules.
 */
import { sideBundle } from '../util/side-bundle.js';
import type { JarCookie } from './netscape-cookies.js';

type ToughCookie = typeof import('tough-cookie');

export interface CookieStore {
  /** The `Cookie` header value for a request to `url`, or null when the jar has none for it. */
  cookieHeader(url: string): Promise<string | null>;
  /** Stores the `Set-Cookie` headers of a response from `url` (cookies a browser would refuse are ignored). */
  store(url: string, setCookie: readonly string[]): Promise<void>;
}

export interface CookieJar extends CookieStore {
  /** Every cookie that has not expired, for `-c FILE`. */
  cookies(): Promise<JarCookie[]>;
}

export interface CookieJarOptions {
  /** Cookies to start with (`-b FILE`). */
  readonly initial?: readonly JarCookie[];
  /** Told of each cookie value the jar takes in (to mask it in every report). */
  readonly onValue?: (value: string) => void;
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number;
}

const loadToughCookie: () => ToughCookie = sideBundle('cookies.cjs', 'tough-cookie');

export function createCookieJar(options: CookieJarOptions = {}): CookieJar {
  const now = options.now ?? Date.now;
  let jar: import('tough-cookie').CookieJar | null = null;
  const open = async (): Promise<import('tough-cookie').CookieJar> => {
    if (jar !== null) return jar;
    const tough = loadToughCookie();
    const made = new tough.CookieJar(undefined, { rejectPublicSuffixes: true, allowSpecialUseDomain: true, prefixSecurity: 'silent' });
    for (const c of options.initial ?? []) {
      if (c.expires !== 0 && c.expires * 1000 <= now()) continue;
      const cookie = new tough.Cookie({
        key: c.name,
        value: c.value,
        domain: c.domain,
        path: c.path,
        secure: c.secure,
        httpOnly: c.httpOnly,
        hostOnly: !c.includeSubdomains,
        expires: c.expires === 0 ? 'Infinity' : new Date(c.expires * 1000),
        creation: new Date(now()),
      });
      await made.store.putCookie(cookie);
    }
    jar = made;
    return made;
  };
  for (const c of options.initial ?? []) options.onValue?.(c.value);
  let empty = (options.initial ?? []).length === 0;
  return {
    cookieHeader: async (url) => {
      if (empty) return null;
      const opened = await open();
      const text: string = await opened.getCookieString(url, {});
      return text === '' ? null : text;
    },
    store: async (url, setCookie) => {
      if (setCookie.length === 0) return;
      const opened = await open();
      for (const header of setCookie) {
        const cookie = await opened.setCookie(header, url, { ignoreError: true, now: new Date(now()) });
        if (cookie !== undefined) {
          empty = false;
          options.onValue?.(cookie.value);
        }
      }
    },
    cookies: async () => {
      if (jar === null) return [];
      const at = now();
      const all = await jar.store.getAllCookies();
      const out: JarCookie[] = [];
      for (const c of all) {
        const expiry = c.expiryTime();
        if (expiry !== undefined && expiry !== Infinity && expiry <= at) continue;
        out.push({
          domain: c.domain ?? '',
          includeSubdomains: c.hostOnly !== true,
          path: c.path ?? '/',
          secure: c.secure,
          httpOnly: c.httpOnly,
          expires: expiry === undefined || expiry === Infinity ? 0 : Math.floor(expiry / 1000),
          name: c.key,
          value: c.value,
        });
      }
      return out;
    },
  };
}
