import type { Io } from '../../io.js';
import { printReport } from '../../render/output.js';
import { OK, type CommandResult } from '../command-result.js';
import { readDataArg } from '../parse/data-argument.js';
import {
  parseWebhookSettings,
  redactError,
  requireData,
  signPayload,
  webhookRedactor,
  type RawSchemeOptions,
  type RawSigningOptions,
} from './webhook-settings.js';

export interface RawWebhookSignOptions extends RawSchemeOptions, RawSigningOptions {
  data?: string;
  json?: boolean;
}

/**
 * `apitest webhook sign`: prints the headers that sign the payload — `Name: value` lines
 * (ready for `-H`), or with --json `{ "scheme", "headers": { name: value } }`.
 */
export async function runWebhookSignCommand(raw: RawWebhookSignOptions, io: Io): Promise<CommandResult> {
  const settings = parseWebhookSettings(raw, io.env);
  const redactor = webhookRedactor(settings);
  try {
    const body = await readDataArg(requireData(raw.data, 'sign'), io);
    const headers = signPayload(settings, body, raw, io.now());
    if (raw.json === true) {
      printReport(io, redactor.text(`${JSON.stringify({ scheme: settings.schemeName, headers }, null, 2)}\n`));
    } else {
      printReport(io, redactor.text(renderHeaderLines(headers)));
    }
    return OK;
  } catch (error) {
    throw redactError(error, redactor);
  }
}

/** `Name:  value` lines, values aligned; each line still parses as `-H "Name: value"`. */
export function renderHeaderLines(headers: Readonly<Record<string, string>>): string {
  const entries = Object.entries(headers);
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => `${`${name}:`.padEnd(width + 1)} ${value}\n`).join('');
}
