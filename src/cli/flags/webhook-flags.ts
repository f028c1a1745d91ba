import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { CommandResult } from '../command-result.js';
import { collect } from './collect.js';
import { suggest } from '../suggest.js';
import { addSchemeFlags, addSigningFlags } from './webhook-scheme-flags.js';
import { addOutputFlags } from './output-flags.js';
import { addRequestFlags } from './request-flags.js';
import { addRetryFlags } from './retry-flags.js';

export const WEBHOOK_DESCRIPTION = 'sign and send webhooks, verify captured deliveries, listen and forward to a local app';

const DATA_HELP = 'the exact payload: text, @file, or @- for stdin';

const EXAMPLES = `
Examples:
  $ export WEBHOOK_SECRET=It5a-s3cret
  $ apitest webhook sign --scheme github --event push -d @payload.json
  $ apitest webhook send localhost:3000/hooks --scheme stripe -d @event.json
  $ apitest webhook verify --scheme github -d @payload.json -H 'X-Hub-Signature-256: sha256=…'
  $ apitest webhook listen --port 9000 --scheme standard --forward localhost:3000/hooks

Schemes: github, stripe, standard (Standard Webhooks / Svix), hmac (generic: --signature-header,
--algorithm, --encoding, --prefix). The secret is --secret or $WEBHOOK_SECRET, masked in all output.
Docs: docs/webhooks.md`;

/**
 * Adds `webhook sign|send|verify|listen`. Each action loads its module lazily, so a plain
 * request never loads webhook code; `setResult` hands the result back to main.
 */
export function registerWebhookCommand(program: Command, io: Io, setResult: (result: CommandResult) => void): void {
  const webhook = program
    .command('webhook')
    .description(WEBHOOK_DESCRIPTION)
    .usage('<sign|send|verify|listen> [options]')
    .argument('[command]', 'sign, send, verify or listen')
    .addHelpText('after', EXAMPLES)
    .action((name: string | undefined) => {
      const guess = name === undefined ? null : suggest(name, ['sign', 'send', 'verify', 'listen']);
      throw new UsageError(name === undefined ? 'webhook: missing command' : `webhook: unknown command ${JSON.stringify(name)}`, {
        hint: guess !== null ? `did you mean webhook ${guess}?` : 'use sign, send, verify or listen; see apitest webhook --help',
      });
    });

  const sign = webhook.command('sign').description('print the headers that sign a payload (--json: { scheme, headers })');
  addSchemeFlags(sign);
  addSigningFlags(sign);
  sign
    .option('-d, --data <data>', DATA_HELP)
    .option('--json', 'print { "scheme", "headers": { name: value } }')
    .option('--debug', 'print stack traces of internal errors', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runWebhookSignCommand } = await import('../commands/webhook-sign.js');
      setResult(await runWebhookSignCommand(opts as unknown as Parameters<typeof runWebhookSignCommand>[0], io));
    });

  const send = webhook
    .command('send')
    .description('sign a payload and POST exactly those bytes (retry, timeouts, --json report, exit codes as a single request)')
    .argument('[url]', 'where to deliver (http:// is assumed without a scheme)');
  addSchemeFlags(send);
  addSigningFlags(send);
  send.option('-d, --data <data>', DATA_HELP);
  addRequestFlags(send, { withBody: false, cookieJar: false });
  addRetryFlags(send);
  addOutputFlags(send);
  send.action(async (url: string | undefined, opts: Record<string, unknown>) => {
    const { runWebhookSendCommand } = await import('../commands/webhook-send.js');
    setResult(await runWebhookSendCommand(url, opts as unknown as Parameters<typeof runWebhookSendCommand>[1], io));
  });

  const verify = webhook.command('verify').description('check a captured delivery: exit 0 when valid, 1 when not (with the reason)');
  addSchemeFlags(verify);
  verify
    .option('-d, --data <data>', DATA_HELP)
    .option('-H, --header <header>', '"Name: value" header of the delivery (repeatable)', collect, [])
    .option('--tolerance <duration>', 'stripe, standard: accepted distance between the signed timestamp and now', '5m')
    .option('--json', 'print { "scheme", "valid", "reason", "message", "event" }')
    .option('--debug', 'print stack traces of internal errors', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runWebhookVerifyCommand } = await import('../commands/webhook-verify.js');
      setResult(await runWebhookVerifyCommand(opts as unknown as Parameters<typeof runWebhookVerifyCommand>[0], io));
    });

  const listen = webhook.command('listen').description('receive deliveries locally, verify each (2xx / 401), optionally forward verified ones');
  addSchemeFlags(listen);
  listen
    .option('--port <n>', 'port to listen on (0: any free port)', '9000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--path <path>', 'the path deliveries are posted to (others get 404)', '/')
    .option('--forward <url>', 'pass each verified delivery on to this app, headers and body bytes unchanged')
    .option('--forward-timeout <duration>', 'time allowed for the app to answer a forwarded delivery', '10s')
    .option('--max-events <n>', 'exit after n deliveries (every request counts, malformed ones and connections that end without one too): 0 when all were verified, 1 otherwise')
    .option('--max-body <size>', 'largest body accepted (bigger ones get 413)', '1mb')
    .option('--tolerance <duration>', 'stripe, standard: accepted distance between the signed timestamp and now', '5m')
    .option('--replay-window <duration>', 'how long a delivery id is remembered to refuse replays (github: 5m; stripe, standard: the --tolerance; 0: off)')
    .option('--request-timeout <duration>', 'time a sender has for a whole request, headers and body (then 408)', '60s')
    .option('--json', 'one NDJSON line per delivery on stdout')
    .option('--no-color', 'no colours (also off when stdout is not a TTY, or with NO_COLOR)')
    .option('--debug', 'print stack traces of internal errors', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runWebhookListenCommand } = await import('../commands/webhook-listen.js');
      setResult(await runWebhookListenCommand(opts as unknown as Parameters<typeof runWebhookListenCommand>[0], io));
    });
}
