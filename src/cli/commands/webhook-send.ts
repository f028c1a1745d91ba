import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { hasHeader, parseHeaderFlags, parseHeadersJson } from '../parse/header-flags.js';
import { readDataArg } from '../parse/data-argument.js';
import type { RawSingleOptions } from './request.js';
import {
  parseWebhookSettings,
  redactError,
  requireData,
  signPayload,
  webhookRedactor,
  type RawSchemeOptions,
  type RawSigningOptions,
  type SecretSource,
} from './webhook-settings.js';
import { SECRET_ENV } from '../flags/webhook-scheme-flags.js';

/** commander's values for `webhook send`: the request options (no -F), plus the scheme and -d. */
export type RawWebhookSendOptions = Omit<RawSingleOptions, 'data' | 'form'> &
  RawSchemeOptions &
  RawSigningOptions & {
    data?: string;
  };

/**
 * `apitest webhook send <url>`: reads the payload ONCE, signs exactly those bytes, and POSTs them
 * through the normal single-request path (retry, timeouts, --json report, exit codes).
 */
export async function runWebhookSendCommand(url: string | undefined, raw: RawWebhookSendOptions, io: Io): Promise<CommandResult> {
  const settings = parseWebhookSettings(raw, io.env);
  const redactor = webhookRedactor(settings, raw.showSecrets);
  try {
    if (url !== undefined && raw.url !== undefined) throw new UsageError('the URL is given twice (argument and --url)', { hint: 'give it once' });
    const body = await readDataArg(requireData(raw.data, 'send'), io);
    const signature = signPayload(settings, body, raw, io.now());
    refuseOverrides(raw, signature, settings.schemeName);
    const { runRequestCommand } = await import('./request.js');
    const { data: _data, ...rest } = raw;
    const target = url ?? raw.url;
    const request: RawSingleOptions = {
      ...rest,
      ...(target === undefined ? {} : { url: target }),
      form: [],
      method: raw.method ?? 'POST',
    };
    return await runRequestCommand(request, io, {
      body,
      headers: Object.entries(signature),
      secrets: settings.secretForms,
      authHint: rejectedSignatureHint(settings.schemeName, settings.secretSource),
    });
  } catch (error) {
    throw redactError(error, redactor);
  }
}

/**
 * The hint of a 401/403 from the receiver: for a webhook the usual cause is the signature (the secret or
 * the scheme), not the request's auth flags. Names where the secret came from.
 */
export function rejectedSignatureHint(scheme: string, secretSource: SecretSource): string {
  const used = secretSource === '--secret' ? '--secret' : `$${SECRET_ENV}`;
  return `check the webhook secret (--secret or $${SECRET_ENV}; this run used ${used}) and that the receiver verifies --scheme ${scheme}`;
}

/** A -H/--headers that names a header the scheme sets would send it twice (and break verification). */
function refuseOverrides(raw: RawWebhookSendOptions, signature: Readonly<Record<string, string>>, scheme: string): void {
  const user = [...(raw.headers === undefined ? [] : parseHeadersJson(raw.headers)), ...parseHeaderFlags(raw.header ?? [], '-H/--header')];
  for (const name of Object.keys(signature)) {
    if (hasHeader(user, name)) {
      throw new UsageError(`-H/--header: ${name} is set by the ${scheme} scheme`, {
        hint: name.toLowerCase().includes('event') ? 'use --event to choose the event' : 'drop this header; the scheme signs and sets it',
      });
    }
  }
}
