import * as z from 'zod/mini';
import { ExitCode, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { printDiagnostic, printReport } from '../../render/output.js';
import { exitWith, type CommandResult } from '../command-result.js';
import type { Redactor } from '../../redact/redactor.js';
import { colorLevel, createTheme } from '../../render/theme.js';
import { renderExposedHostWarning, renderListenBanner } from '../../render/webhook-listen-banner.js';
import { renderEventLine, renderEventRow } from '../../render/webhook-row.js';
import { parseByteSize } from '../../util/byte-size.js';
import { eventDocument } from '../../webhook/listener/delivery-document.js';
import type { DeliveryEvent } from '../../webhook/listener/delivery-event.js';
import { startWebhookListener, type Listener } from '../../webhook/listener/start-listener.js';
import { DEFAULT_TOLERANCE_MS } from '../../webhook/schemes.js';
import type { SchemeName } from '../../webhook/scheme.js';
import { normaliseUrl } from '../parse/url-argument.js';
import { durationFlag, integerFlag, parseFlags } from '../parse/flag-schemas.js';
import { checkedFlag, parseTolerance, parseWebhookSettings, parseWindow, redactError, webhookRedactor, type RawSchemeOptions } from './webhook-settings.js';

/** GitHub deliveries carry no timestamp: their ids are remembered this long unless --replay-window says otherwise. */
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** After the last of --max-events, time for its answer to flush before the sockets are closed. */
const CLOSE_GRACE_MS = 200;

export interface RawWebhookListenOptions extends RawSchemeOptions {
  port: string;
  host: string;
  path: string;
  forward?: string;
  forwardTimeout: string;
  requestTimeout: string;
  maxEvents?: string;
  maxBody: string;
  tolerance?: string;
  replayWindow?: string;
  json?: boolean;
  color: boolean;
}

const ListenFlagsSchema = z.object({
  port: integerFlag('--port', 0, 65535),
  maxEvents: z.optional(integerFlag('--max-events', 1)),
  forwardTimeout: durationFlag('--forward-timeout'),
  requestTimeout: durationFlag('--request-timeout'),
  maxBody: checkedFlag((value) => {
    const bytes = parseByteSize(value);
    return bytes === undefined || bytes <= 0 ? { problem: `--max-body: invalid size ${JSON.stringify(value)} (use 512kb, 1mb, or a number of bytes)` } : { value: bytes };
  }),
  path: checkedFlag((p) =>
    p.startsWith('/') && !/[\s?#]/.test(p) ? { value: p } : { problem: `--path: expected a path such as / or /webhooks (no spaces, query or fragment), got ${JSON.stringify(p)}` },
  ),
  host: checkedFlag((h) => (h.trim() !== '' && !/\s/.test(h) ? { value: h.trim() } : { problem: `--host: expected an address such as 127.0.0.1, got ${JSON.stringify(h)}` })),
});

/**
 * `apitest webhook listen`: a local receiver. One row (or NDJSON line with --json) per delivery on
 * stdout; the "listening on" line and warnings on stderr. Runs until SIGINT/SIGTERM (exit 0) or
 * until --max-events deliveries (exit 0 when all were verified, 1 otherwise). Every request the
 * listener answers or loses counts as a delivery, including ones that are not valid HTTP
 * (reported with method and path "-").
 */
export async function runWebhookListenCommand(raw: RawWebhookListenOptions, io: Io): Promise<CommandResult> {
  const settings = parseWebhookSettings(raw, io.env);
  const redactor = webhookRedactor(settings);
  try {
    const flags = parseFlags(ListenFlagsSchema, {
      port: raw.port,
      maxEvents: raw.maxEvents,
      forwardTimeout: raw.forwardTimeout,
      requestTimeout: raw.requestTimeout,
      maxBody: raw.maxBody,
      path: raw.path,
      host: raw.host,
    });
    const toleranceMs = raw.tolerance === undefined ? DEFAULT_TOLERANCE_MS : parseTolerance(raw.tolerance);
    const replayWindowMs = replayWindowFor(settings.schemeName, raw.replayWindow, toleranceMs);
    const forward = raw.forward === undefined ? undefined : normaliseUrl(raw.forward, '--forward');
    const theme = createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env: io.env }));
    const forwarding = forward !== undefined;
    const view = raw.json === true ? (e: DeliveryEvent) => renderEventLine(eventDocument(e, forwarding)) : (e: DeliveryEvent) => renderEventRow(e, forwarding, theme);

    let listener: Listener;
    let seen = 0;
    let allVerified = true;
    const maxEvents = flags.maxEvents ?? null;
    let reachedMax: () => void = () => undefined;
    const maxReached = new Promise<void>((resolve) => {
      reachedMax = resolve;
    });
    try {
      listener = await startWebhookListener(
        {
          host: flags.host,
          port: flags.port,
          path: flags.path,
          maxBodyBytes: flags.maxBody,
          forwardTimeoutMs: flags.forwardTimeout,
          requestTimeoutMs: flags.requestTimeout,
          replayWindowMs,
          ...(forward === undefined ? {} : { forward }),
          now: () => new Date(io.now()),
          verify: (body, headers) =>
            settings.scheme.verify({
              body,
              headers,
              secret: settings.secret,
              nowMs: io.now(),
              toleranceMs,
              ...(settings.hmac === undefined ? {} : { hmac: settings.hmac }),
            }),
        },
        (event) => {
          if (maxEvents !== null && seen >= maxEvents) return; // late arrivals after the last counted one
          seen += 1;
          if (!event.verified) allVerified = false;
          printReport(io, redactor.text(view(event)));
          if (maxEvents !== null && seen >= maxEvents) reachedMax();
        },
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`${listenFlagOf(code)}: cannot listen on ${flags.host}:${flags.port}: ${code ?? (error as Error).message}`, {
        hint: code === 'EADDRINUSE' ? 'the port is taken; choose another with --port, or 0 for any free port' : 'check --host and --port',
      });
    }

    printDiagnostic(io, redactor.text(renderListenBanner(listener.url, settings.schemeName, forward, maxEvents)));
    if (!isLoopback(flags.host)) printDiagnostic(io, renderExposedHostWarning(flags.host));

    const signal = onInterrupt();
    const why = await Promise.race([maxReached.then(() => 'max' as const), signal.promise]);
    signal.dispose();
    if (why === 'max') await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
    await listener.close();
    if (why === 'signal') return exitWith(ExitCode.Ok);
    return exitWith(allVerified ? ExitCode.Ok : ExitCode.Expectation);
  } catch (error) {
    throw redactError(error, redactor);
  }
}

/**
 * How long delivery ids are remembered to refuse replays: `--replay-window` when given (0: not checked); else
 * the `--tolerance` for the timestamped schemes (a replay outside it fails their timestamp check anyway) and
 * DEFAULT_REPLAY_WINDOW_MS for github, whose deliveries carry no timestamp. hmac deliveries carry no id.
 */
export function replayWindowFor(scheme: SchemeName, given: string | undefined, toleranceMs: number): number {
  if (scheme === 'hmac') {
    if (given !== undefined) {
      throw new UsageError('--replay-window: not used by the hmac scheme, whose deliveries carry no id', { hint: 'drop --replay-window' });
    }
    return 0;
  }
  if (given !== undefined) return parseWindow('--replay-window', given);
  return scheme === 'github' ? DEFAULT_REPLAY_WINDOW_MS : toleranceMs;
}

/** The option a listen failure is about: the port (taken, privileged) or the address (not local, unknown). */
function listenFlagOf(code: string | undefined): string {
  if (code === 'EADDRINUSE' || code === 'EACCES') return '--port';
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAFNOSUPPORT') return '--host';
  return 'webhook listen';
}

/** Resolves on the first SIGINT or SIGTERM; `dispose` stops listening for them. */
function onInterrupt(): { promise: Promise<'signal'>; dispose: () => void } {
  let stop: () => void = () => undefined;
  const promise = new Promise<'signal'>((resolve) => {
    stop = () => resolve('signal');
  });
  const handler = (): void => stop();
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
