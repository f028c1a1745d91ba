/** Pure redirect rules: which statuses redirect, what the next request looks like, and who gets credentials. */

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number, location: string | string[] | undefined): location is string | string[] {
  return REDIRECT_STATUSES.has(status) && location !== undefined && location !== '';
}

/**
 * The method after a redirect: 303 turns anything but HEAD into GET; 301/302 turn POST into GET
 * (what browsers, HTTPie and requests do); 307/308 keep method and body.
 */
export function redirectMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 303 && method !== 'HEAD') return { method: 'GET', keepBody: false };
  if ((status === 301 || status === 302) && method === 'POST') return { method: 'GET', keepBody: false };
  return { method, keepBody: true };
}

export function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

/** Drops headers by lower-case name. */
export function withoutHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  names: ReadonlySet<string>,
): Array<readonly [string, string]> {
  return headers.filter(([name]) => !names.has(name.toLowerCase()));
}
