/**
 * `-b, --cookie` and `-c, --cookie-jar`, as curl reads them:
 *
 * - `-b 'a=1; b=2'` (an argument with a `=`) is sent as the Cookie header, as given;
 * - `-b FILE` (no `=`) loads a Netscape cookie file (engine/netscape-cookies.ts) into the run's jar; a file that
 *   does not exist is an empty jar (so `-b jar.txt -c jar.txt` works the first time, as in curl);
 * - `-c FILE` writes the jar at the end (atomically, only over a regular file; an existing file keeps its mode, a
 *   new one is 0600), whether or not the request succeeded.
 *
 * Either turns the jar on (curl's cookie engine): a Set-Cookie of a redirect hop is sent with the next hop.
 */
import { MAX_TEXT_FILE_BYTES, readWholeFile } from '../../files/read-bounded.js';
import { unreadableReason } from '../../util/unreadable-reason.js';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { createCookieJar, type CookieJar } from '../../engine/cookie-store.js';
import { parseCookieString, parseNetscapeCookies, type JarCookie } from '../../engine/netscape-cookies.js';
import { prepareOutputTarget, type OutputTarget } from '../../files/output-target.js';
import type { RawNetworkOptions } from '../flags/network-flags.js';

export const COOKIE_FLAG = '-b/--cookie';
export const COOKIE_JAR_FLAG = '-c/--cookie-jar';

export interface CookiePlan {
  /** The run's jar, when -b FILE or -c is given; null otherwise. */
  readonly jar: CookieJar | null;
  /** Where -c writes the jar, checked before anything is sent. */
  readonly jarTarget: OutputTarget | null;
  /** Cookie values given or loaded: masked in every report. */
  readonly secrets: readonly string[];
}

const isCookieData = (value: string): boolean => value.includes('=');

/** The `-b name=value` arguments as one Cookie header value (`a=1; b=2`), or null. */
export function cookieHeaderOf(values: readonly string[] | undefined): string | null {
  const data = (values ?? []).filter(isCookieData).map((v) => v.trim().replace(/;+\s*$/, ''));
  return data.length === 0 ? null : data.join('; ');
}

export async function planCookies(raw: RawNetworkOptions, io: Io, warn: (line: string) => void): Promise<CookiePlan> {
  const values = raw.cookie ?? [];
  const secrets: string[] = [];
  for (const value of values.filter(isCookieData)) for (const [, v] of parseCookieString(value)) secrets.push(v);
  const files = values.filter((v) => !isCookieData(v));
  if (files.length === 0 && raw.cookieJar === undefined) return { jar: null, jarTarget: null, secrets };
  const initial: JarCookie[] = [];
  for (const file of files) initial.push(...(await readJarFile(file, io, warn)));
  const jarTarget = raw.cookieJar === undefined ? null : await prepareOutputTarget(raw.cookieJar, io.cwd, COOKIE_JAR_FLAG, { newFileMode: 0o600 });
  for (const c of initial) secrets.push(c.value);
  return { jar: createCookieJar({ initial }), jarTarget, secrets };
}

async function readJarFile(file: string, io: Io, warn: (line: string) => void): Promise<JarCookie[]> {
  if (file.trim() === '') throw new UsageError(`${COOKIE_FLAG}: empty value`, { hint: 'give "name=value" or a cookie file' });
  let text: string;
  try {
    text = (await readWholeFile(resolve(io.cwd, file), MAX_TEXT_FILE_BYTES)).toString('utf8');
  } catch (error) {
    // As curl: a jar that does not exist yet is empty.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${COOKIE_FLAG}: cannot read ${JSON.stringify(file)}: ${unreadableReason(error)}`, { hint: 'check the path (a file of cookies in Netscape format, or "name=value")' });
  }
  const parsed = parseNetscapeCookies(text);
  if (parsed.skipped.length > 0) {
    const [first] = parsed.skipped;
    const more = parsed.skipped.length - 1;
    warn(`${COOKIE_FLAG}: ${JSON.stringify(file)} line ${first} is not a Netscape cookie line; skipped${more > 0 ? ` (and ${more} more)` : ''}`);
  }
  return parsed.cookies;
}
