import { ExitCode, UsageError } from '../../errors.js';
import { headerProblem } from '../../model/header-syntax.js';
import type { HeaderInput } from '../../model/request-spec.js';
import type { Io } from '../../io.js';
import { printReport } from '../../render/output.js';
import { exitWith, type CommandResult } from '../command-result.js';
import type { VerifyResult } from '../../webhook/scheme.js';
import type { HeaderMap } from '../../util/header-map.js';
import { DEFAULT_TOLERANCE_MS } from '../../webhook/schemes.js';
import { parseHeaderFlags } from '../parse/header-flags.js';
import { readDataArg } from '../parse/data-argument.js';
import { parseTolerance, parseWebhookSettings, redactError, requireData, webhookRedactor, type RawSchemeOptions } from './webhook-settings.js';

export interface RawWebhookVerifyOptions extends RawSchemeOptions {
  data?: string;
  header: string[];
  tolerance?: string;
  json?: boolean;
}

/** The `--json` document of `webhook verify`. */
export interface VerifyDocument {
  scheme: string;
  valid: boolean;
  /** The failure code (missing-header, malformed-header, bad-signature, timestamp-outside-tolerance, bad-secret); null when valid. */
  reason: string | null;
  message: string;
  event: string | null;
}

/**
 * `apitest webhook verify`: checks a captured delivery (payload + headers).
 * Exit 0 when valid, 1 (expectation failed) when not, with the reason on stdout.
 */
export async function runWebhookVerifyCommand(raw: RawWebhookVerifyOptions, io: Io): Promise<CommandResult> {
  const settings = parseWebhookSettings(raw, io.env);
  const redactor = webhookRedactor(settings);
  try {
    const toleranceMs = raw.tolerance === undefined ? DEFAULT_TOLERANCE_MS : parseTolerance(raw.tolerance);
    const headers = headerMapOf(checkedHeaders(parseHeaderFlags(raw.header, '-H/--header')));
    const body = await readDataArg(requireData(raw.data, 'verify'), io);
    const result = settings.scheme.verify({
      body,
      headers,
      secret: settings.secret,
      nowMs: io.now(),
      toleranceMs,
      ...(settings.hmac === undefined ? {} : { hmac: settings.hmac }),
    });
    const doc = verifyDocument(settings.schemeName, result);
    if (raw.json === true) {
      printReport(io, redactor.text(`${JSON.stringify(doc, null, 2)}\n`));
    } else {
      const event = doc.event === null ? '' : ` (event ${doc.event})`;
      printReport(io, redactor.text(doc.valid ? `valid: ${doc.message}${event}\n` : `invalid: ${doc.reason}: ${doc.message}${event}\n`));
    }
    return exitWith(doc.valid ? ExitCode.Ok : ExitCode.Expectation);
  } catch (error) {
    throw redactError(error, redactor);
  }
}

export function verifyDocument(scheme: string, result: VerifyResult): VerifyDocument {
  if (result.ok) return { scheme, valid: true, reason: null, message: `${scheme} signature matches the body`, event: result.event };
  return { scheme, valid: false, reason: result.reason, message: result.message, event: result.event };
}

/** The delivery's headers must be ones HTTP could have carried. */
function checkedHeaders(headers: readonly HeaderInput[]): HeaderInput[] {
  for (const [name, value, source] of headers) {
    const problem = headerProblem(name, value);
    if (problem !== null) throw new UsageError(`${source ?? '-H/--header'}: ${problem.problem}`, { hint: problem.hint });
  }
  return [...headers];
}

/** `-H` pairs → a header map; a name given twice keeps both values (the schemes fold them). */
function headerMapOf(pairs: readonly HeaderInput[]): HeaderMap {
  const map = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    (map[key] ??= []).push(value);
  }
  return map;
}
