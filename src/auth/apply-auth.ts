import type { AuthSpec } from '../model/request-spec.js';
import { assertNever } from '../util/assert-never.js';

export interface AuthApplied {
  url: string;
  headers: Array<[string, string]>;
}

/** Adds the credential the auth spec asks for to a request's URL or headers. Pure. */
export function applyAuth(auth: AuthSpec, url: string, headers: ReadonlyArray<readonly [string, string]>): AuthApplied {
  const out: Array<[string, string]> = headers.map(([n, v]) => [n, v]);
  switch (auth.kind) {
    case 'none':
      return { url, headers: out };
    case 'bearer':
      return { url, headers: setHeader(out, 'Authorization', `Bearer ${auth.token.reveal()}`) };
    case 'basic': {
      const encoded = Buffer.from(`${auth.user}:${auth.password.reveal()}`, 'utf8').toString('base64');
      return { url, headers: setHeader(out, 'Authorization', `Basic ${encoded}`) };
    }
    case 'api-key': {
      if (auth.query !== null) {
        const parsed = new URL(url);
        parsed.searchParams.set(auth.query, auth.key.reveal());
        return { url: parsed.toString(), headers: out };
      }
      return { url, headers: setHeader(out, auth.header, auth.key.reveal()) };
    }
    default:
      return assertNever(auth);
  }
}

/** The values that must never be printed for this auth spec (raw credentials and their encoded forms). */
export function authSecrets(auth: AuthSpec): string[] {
  switch (auth.kind) {
    case 'none':
      return [];
    case 'bearer':
      return [auth.token.reveal()];
    case 'basic':
      return [auth.password.reveal(), Buffer.from(`${auth.user}:${auth.password.reveal()}`, 'utf8').toString('base64')];
    case 'api-key':
      return [auth.key.reveal()];
    default:
      return assertNever(auth);
  }
}

/** Header names that carry this auth's credential (to mask, and to drop on a cross-origin redirect). */
export function authHeaderNames(auth: AuthSpec): string[] {
  if (auth.kind === 'api-key' && auth.query === null) return [auth.header.toLowerCase()];
  if (auth.kind === 'bearer' || auth.kind === 'basic') return ['authorization'];
  return [];
}

function setHeader(headers: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  const lower = name.toLowerCase();
  return [...headers.filter(([n]) => n.toLowerCase() !== lower), [name, value]];
}
