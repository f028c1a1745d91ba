/**
 * Credentials met in imported requests, the same way for curl, Postman and HAR: an Authorization header becomes the
 * suite's `auth` (Bearer, Basic); a value given in clear (a token, a password, a cookie, a credential-looking header
 * or query parameter) is not written into the suite but read from an environment variable, with a note naming it.
 */
import type { StepInput } from '../suite/suite-schema.js';
import type { Findings } from './findings.js';
import { SECRET_NAME, type SuiteValues } from './suite-values.js';

export type Auth = NonNullable<StepInput['auth']>;

export interface CredentialContext {
  readonly values: SuiteValues;
  readonly findings: Findings;
  /** Input text as suite text (curl and HAR: `$NAME` → `{{ env.NAME }}`, `{{` protected; Postman: its `{{ var }}` kept). */
  readonly render: (value: string) => string;
  /** Whether a value refers to something (`$TOKEN`, a Postman `{{ var }}`) rather than holding a secret in clear. */
  readonly isReference: (value: string) => boolean;
}

/** A header as imported: name, value (environment references as ENV parts) and where it came from. */
export type ImportedHeader = readonly [name: string, value: string, where: string];

/** A credential: kept when it is empty or a reference (`$TOKEN`, `{{ token }}`), else moved to an environment variable with a note. */
export function secretValue(value: string, envBase: string, where: string, what: string, ctx: CredentialContext): string {
  if (value === '' || ctx.isReference(value)) return ctx.render(value);
  const { reference, env } = ctx.values.secret(envBase, value);
  ctx.findings.note(where, `${what} is not written into the suite: it is read from $${env} (set it before running the suite)`);
  return reference;
}

/** An Authorization header value as auth: Bearer → bearer, Basic → basic; null for other schemes (kept as a header). */
export function authorizationAuth(value: string, where: string, ctx: CredentialContext): Auth | null {
  const bearer = /^Bearer\s+(\S.*)$/i.exec(value);
  if (bearer !== null) return { bearer: secretValue(bearer[1] ?? '', 'ACCESS_TOKEN', where, 'the bearer token', ctx) };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && !decoded.includes('\uFFFD') && !/[\u0000-\u001f]/.test(decoded)) {
      return { basic: { user: ctx.values.literal(decoded.slice(0, colon)), password: secretValue(decoded.slice(colon + 1), 'API_PASSWORD', where, 'the Basic password', ctx) } };
    }
  }
  return null;
}

/**
 * Headers as a suite record. A repeated header is sent once with its values joined (`; ` for Cookie, which is the
 * same to a server; `, ` for others, a finding). Credential-looking values in clear are moved to the environment.
 */
export function headerRecord(headers: readonly ImportedHeader[], ctx: CredentialContext): Record<string, string> {
  const { render, isReference } = ctx;
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  const names = new Map<string, string>();
  for (const [name, value, where] of headers) {
    const lower = name.toLowerCase();
    let written: string;
    if (lower === 'cookie' && value !== '' && !isReference(value)) {
      const cookieNames = value.split(';').map((c) => c.split('=')[0]?.trim() ?? '').filter((n) => n !== '');
      const { reference, env } = ctx.values.secret('COOKIE', value);
      ctx.findings.note(where, `the cookies (${cookieNames.join(', ').slice(0, 80)}) are not written into the suite: they are read from $${env}`);
      written = reference;
    } else if (SECRET_NAME.test(name) && value !== '' && !isReference(value)) {
      const scheme = lower === 'authorization' || lower === 'proxy-authorization' ? /^([A-Za-z][A-Za-z0-9._~+-]*)\s+\S/.exec(value)?.[1] : undefined;
      const secret = scheme === undefined ? value : value.slice(scheme.length).trim();
      const { reference, env } = ctx.values.secret(name, secret);
      ctx.findings.note(where, `the ${name} header's value is not written into the suite: it is read from $${env}`);
      written = scheme === undefined ? reference : `${scheme} ${reference}`;
    } else written = render(value);
    const existing = names.get(lower);
    if (existing === undefined) {
      names.set(lower, name);
      record[name] = written;
    } else if (lower === 'cookie') {
      record[existing] = `${record[existing] ?? ''}; ${written}`;
    } else {
      record[existing] = `${record[existing] ?? ''}, ${written}`;
      ctx.findings.unmapped(where, `the ${name} header is given twice; the suite sends one ${name} header with both values, joined by a comma`);
    }
  }
  return record;
}

/**
 * Query parameters of a URL whose names say they are credentials, given in clear, are taken out of the URL and
 * become `query: { name: "{{ env.NAME }}" }` (sent after the others).
 */
export function moveSecretQuery(url: string, where: string, ctx: CredentialContext): { url: string; moved: Array<[string, string]> } {
  const q = url.indexOf('?');
  if (q === -1) return { url, moved: [] };
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const kept: string[] = [];
  const moved: Array<[string, string]> = [];
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : safeDecode(pair.slice(eq + 1).replace(/\+/g, ' '));
    if (eq > 0 && SECRET_NAME.test(name) && /^[A-Za-z0-9._~-]+$/.test(name) && value !== '' && !ctx.isReference(pair) && !moved.some(([n]) => n === name)) {
      const { reference, env } = ctx.values.secret(name, value);
      moved.push([name, reference]);
      ctx.findings.note(where, `the query parameter ${name} is not written into the suite: it is read from $${env}`);
    } else kept.push(pair);
  }
  const rest = hash === -1 ? '' : url.slice(hash);
  return { url: `${url.slice(0, q)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${rest}`, moved };
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
