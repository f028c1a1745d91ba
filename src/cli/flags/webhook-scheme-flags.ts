import { Option, type Command } from 'commander';
import { DEFAULT_HMAC, SCHEME_NAMES } from '../../webhook/scheme-names.js';

/** Where the secret comes from when `--secret` is not given. */
export const SECRET_ENV = 'WEBHOOK_SECRET';

/** `--scheme`, `--secret` and the generic HMAC options, added to a subcommand. */
export function addSchemeFlags(cmd: Command): Command {
  return cmd
    .option('--scheme <scheme>', `signature scheme: ${SCHEME_NAMES.join(', ')} (required)`)
    .option('--secret <secret>', `the shared secret (default: $${SECRET_ENV}); masked in all output`)
    .option('--signature-header <name>', `hmac: header that carries the signature (default ${DEFAULT_HMAC.header})`)
    .option('--algorithm <alg>', `hmac: sha1, sha256 or sha512 (default ${DEFAULT_HMAC.algorithm})`)
    .option('--encoding <enc>', `hmac: digest encoding, hex or base64 (default ${DEFAULT_HMAC.encoding})`)
    .option('--prefix <text>', 'hmac: text before the digest in the header, e.g. sha256= (default none)');
}

/** `--event` and the hidden replay/testing options of the subcommands that sign. */
export function addSigningFlags(cmd: Command): Command {
  return cmd
    .option('--event <type>', 'github: the X-GitHub-Event value (default ping); hmac: sent as X-Event')
    .addOption(new Option('--timestamp <unix-seconds>', 'sign as of this time instead of now (for testing replays and tolerance)').hideHelp())
    .addOption(new Option('--id <id>', 'the delivery / message id instead of a random one (github, standard)').hideHelp());
}
