// zod/mini, as in ../parse/flag-schemas.ts: the same checks with a smaller start-up cost.
import * as z from 'zod/mini';
import { ApitestError, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { createRedactor, type Redactor } from '../../redact/redactor.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../util/duration.js';
import { DEFAULT_HMAC, getScheme, isSchemeName, SCHEME_NAMES } from '../../webhook/schemes.js';
import { parseUnixSeconds, type HmacOptions, type Scheme, type SchemeName, type SignInput } from '../../webhook/scheme.js';
import { parseFlags } from '../parse/flag-schemas.js';
import { SECRET_ENV } from '../flags/webhook-scheme-flags.js';

/** The raw option values every `webhook` subcommand shares (before validation). */
export interface RawSchemeOptions {
  scheme?: string;
  secret?: string;
  signatureHeader?: string;
  algorithm?: string;
  encoding?: string;
  prefix?: string;
}

/** Extra raw options of the subcommands that sign (`sign`, `send`). */
export interface RawSigningOptions {
  event?: string;
  timestamp?: string;
  id?: string;
}

export interface WebhookSettings {
  schemeName: SchemeName;
  scheme: Scheme;
  /** The secret itself: only ever handed to the scheme, never printed. */
  secret: string;
  /** Where the secret came from, named in the errors about it. */
  secretSource: SecretSource;
  /** Every form of the secret that must be masked in output. */
  secretForms: readonly string[];
  /** Generic HMAC options (`--scheme hmac` only). */
  hmac: HmacOptions | undefined;
}

/** `--secret`, or the environment variable used when it is not given. */
export type SecretSource = '--secret' | typeof SECRET_ENV;

type FlagCheck<T> = { value: T } | { problem: string };

/** A string flag checked by `check`, whose problem message (naming the flag) becomes the usage error. */
export function checkedFlag<T>(check: (value: string) => FlagCheck<T>) {
  return z.pipe(
    z.string(),
    z.transform((input: string, ctx): T => {
      const result = check(input);
      if ('value' in result) return result.value;
      ctx.issues.push({ code: 'custom', input, message: result.problem });
      return undefined as T; // ignored: the issue fails the parse
    }),
  );
}

function choiceFlag<const T extends readonly [string, ...string[]]>(flag: string, choices: T) {
  return checkedFlag((value): FlagCheck<T[number]> => {
    const lower = value.trim().toLowerCase();
    return (choices as readonly string[]).includes(lower)
      ? { value: lower as T[number] }
      : { problem: `${flag}: expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}` };
  });
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const SchemeFlagsSchema = z.object({
  scheme: z.pipe(
    z.optional(z.string()),
    z.transform((input: string | undefined, ctx): SchemeName => {
      const name = input?.trim().toLowerCase() ?? '';
      if (isSchemeName(name)) return name;
      const problem = input === undefined ? 'missing' : `unknown scheme ${JSON.stringify(input)}`;
      ctx.issues.push({ code: 'custom', input, message: `--scheme: ${problem} (use one of ${SCHEME_NAMES.join(', ')})` });
      return 'hmac'; // ignored: the issue fails the parse
    }),
  ),
  signatureHeader: z.optional(
    checkedFlag((v) => (HEADER_NAME.test(v) ? { value: v } : { problem: `--signature-header: invalid header name ${JSON.stringify(v)} (letters, digits and -)` })),
  ),
  algorithm: z.optional(choiceFlag('--algorithm', ['sha1', 'sha256', 'sha512'])),
  encoding: z.optional(choiceFlag('--encoding', ['hex', 'base64'])),
  prefix: z.optional(checkedFlag((v) => (/[\r\n\0]/.test(v) ? { problem: '--prefix: must be a single line' } : { value: v }))),
});

/**
 * Validates the scheme options and resolves the secret (`--secret`, else $WEBHOOK_SECRET).
 * The generic HMAC options only make sense with `--scheme hmac`; with another scheme they are a usage error.
 */
export function parseWebhookSettings(raw: RawSchemeOptions, env: Io['env']): WebhookSettings {
  const flags = parseFlags(SchemeFlagsSchema, {
    scheme: raw.scheme,
    signatureHeader: raw.signatureHeader,
    algorithm: raw.algorithm,
    encoding: raw.encoding,
    prefix: raw.prefix,
  });
  const hmacGiven = (
    [
      ['--signature-header', flags.signatureHeader],
      ['--algorithm', flags.algorithm],
      ['--encoding', flags.encoding],
      ['--prefix', flags.prefix],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (flags.scheme !== 'hmac' && hmacGiven.length > 0) {
    throw new UsageError(`${hmacGiven.map(([f]) => f).join(', ')}: only for --scheme hmac (the ${flags.scheme} scheme fixes its own header and digest)`, {
      hint: 'drop the option, or use --scheme hmac',
    });
  }
  const secret = raw.secret ?? env[SECRET_ENV];
  if (secret === undefined || secret === '') {
    throw new UsageError(
      raw.secret === ''
        ? '--secret: the secret is empty'
        : secret === ''
          ? `${SECRET_ENV}: the secret is empty (set it, or give --secret)`
          : `no webhook secret: give --secret or set the environment variable ${SECRET_ENV}`,
      { code: 'EWEBHOOK_SECRET', hint: `prefer ${SECRET_ENV}=... over --secret, which other users can see in the process list` },
    );
  }
  const hmac: HmacOptions | undefined =
    flags.scheme === 'hmac'
      ? {
          header: flags.signatureHeader ?? DEFAULT_HMAC.header,
          algorithm: flags.algorithm ?? DEFAULT_HMAC.algorithm,
          encoding: flags.encoding ?? DEFAULT_HMAC.encoding,
          prefix: flags.prefix ?? DEFAULT_HMAC.prefix,
        }
      : undefined;
  return {
    schemeName: flags.scheme,
    scheme: getScheme(flags.scheme),
    secret,
    secretSource: raw.secret === undefined ? SECRET_ENV : '--secret',
    secretForms: secretForms(secret),
    hmac,
  };
}

/** The secret as given, plus the base64 key inside a `whsec_` secret (Standard Webhooks). */
function secretForms(secret: string): string[] {
  const forms = [secret];
  if (secret.startsWith('whsec_') && secret.length > 'whsec_'.length) forms.push(secret.slice('whsec_'.length));
  return forms;
}

/** A redactor that masks the webhook secret (in all its forms) wherever it would appear. */
export function webhookRedactor(settings: Pick<WebhookSettings, 'secretForms'>, show = false): Redactor {
  return createRedactor({ show, secrets: settings.secretForms });
}

/** Masks the secret in an apitest error before it reaches main's catch-all (which has no redactor). */
export function redactError(error: unknown, redactor: Redactor): unknown {
  if (!(error instanceof ApitestError) || !redactor.enabled) return error;
  const message = redactor.text(error.message);
  const hint = error.hint === undefined ? undefined : redactor.text(error.hint);
  if (message !== error.message) error.message = message;
  if (hint !== error.hint) Object.defineProperty(error, 'hint', { value: hint });
  return error;
}

/** The `-d/--data` value, which the webhook subcommands require (an empty string is an empty body). */
export function requireData(value: string | undefined, command: string): string {
  if (value === undefined) {
    throw new UsageError(`webhook ${command}: -d/--data is required (the exact payload)`, { hint: 'give text, @file, or @- for stdin' });
  }
  return value;
}

/** `--tolerance`: the replay window of the timestamped schemes; `0` accepts only the current second. */
export function parseTolerance(value: string): number {
  return parseWindow('--tolerance', value);
}

/** A duration flag where `0` is allowed (`--tolerance`, `--replay-window`); a bare number is seconds. */
export function parseWindow(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 0) {
    throw new UsageError(`${flag}: invalid duration ${JSON.stringify(value)} (use 30s, 5m, 1h, or a number of seconds)`);
  }
  if (ms > MAX_DURATION_MS) throw new UsageError(`${flag}: ${JSON.stringify(value)} is longer than the longest duration allowed (${formatDuration(MAX_DURATION_MS)})`);
  return ms;
}

const SINGLE_LINE = /^[^\r\n\0]*$/;

/** Signs `body` with the scheme, honouring `--event`, `--timestamp` and `--id`. */
export function signPayload(settings: WebhookSettings, body: Uint8Array, raw: RawSigningOptions, nowMs: number): Record<string, string> {
  const input: SignInput = { body, secret: settings.secret, nowMs: signingTime(raw.timestamp, nowMs) };
  if (raw.event !== undefined) {
    if (settings.schemeName === 'stripe' || settings.schemeName === 'standard') {
      throw new UsageError(`--event: not used by the ${settings.schemeName} scheme, which reads the event type from the body's "type" field`, {
        hint: 'put the type in the JSON payload, or drop --event',
      });
    }
    if (raw.event.trim() === '' || !SINGLE_LINE.test(raw.event)) throw new UsageError('--event: expected a single-line, non-empty event name');
    input.event = raw.event.trim();
  }
  if (raw.id !== undefined) {
    if (raw.id.trim() === '' || !SINGLE_LINE.test(raw.id)) throw new UsageError('--id: expected a single-line, non-empty id');
    input.id = raw.id.trim();
  }
  if (settings.hmac !== undefined) input.hmac = settings.hmac;
  try {
    return settings.scheme.sign(input);
  } catch (error) {
    // The scheme cannot tell where the secret came from: name it (--secret or $WEBHOOK_SECRET).
    if (error instanceof UsageError && error.code === 'EWEBHOOK_SECRET' && !error.message.startsWith(`${settings.secretSource}:`)) {
      throw new UsageError(`${settings.secretSource}: ${error.message}`, { code: error.code, ...(error.hint === undefined ? {} : { hint: error.hint }) });
    }
    throw error;
  }
}

function signingTime(timestamp: string | undefined, nowMs: number): number {
  if (timestamp === undefined) return nowMs;
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === null) throw new UsageError(`--timestamp: expected unix seconds, got ${JSON.stringify(timestamp)}`, { hint: 'e.g. --timestamp "$(date +%s)"' });
  return seconds * 1000;
}
