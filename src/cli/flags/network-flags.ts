import { InvalidArgumentError, type Command } from 'commander';
import { collect } from './collect.js';

/** The network options of issue 11 (proxies, client certificates, cookies, HTTP/2), before validation. */
export interface RawNetworkOptions {
  proxy?: string;
  noproxy?: string;
  cert?: string;
  key?: string;
  certPassphrase?: string | true;
  cookie?: string[];
  cookieJar?: string;
  http2?: boolean;
}

/**
 * Flag definitions only (cheap to load); the checks are in ../parse/network-input.ts and ../parse/cookie-flags.ts.
 * `cookieJar: false` (batch, webhook send): `-b name=value` only, no cookie files and no `-c` (batch's `-c` is
 * its concurrency).
 */
export function addNetworkFlags(cmd: Command, opts: { cookieJar?: boolean } = {}): Command {
  cmd
    .optionsGroup('Connection and TLS:')
    .option('-x, --proxy <url>', 'send through this HTTP proxy: http://[user:password@]host[:port] (https:// for TLS to the proxy); default $HTTPS_PROXY, $HTTP_PROXY, $ALL_PROXY')
    .option('--noproxy <hosts>', 'hosts that go direct, comma-separated: example.com (and its subdomains), 10.0.0.0/8, or * (default $NO_PROXY)')
    .option('--cert <file>', 'TLS client certificate: PEM (its key in the file, or --key), or a .p12/.pfx bundle')
    .option('--key <file>', 'the PEM private key of --cert')
    .option('--cert-passphrase [passphrase]', 'passphrase of the --cert key or bundle (default: $APITEST_CERT_PASSPHRASE)')
    .option('--http2', 'offer HTTP/2 over TLS (ALPN); HTTP/1.1 when the server does not take it')
    .optionsGroup('Cookies:');
  if (opts.cookieJar === false) {
    return cmd.option('-b, --cookie <name=value;…>', 'send cookies ("a=1; b=2") with every request (repeatable)', (value: string, previous: string[] = []) => {
      if (!value.includes('=')) throw new InvalidArgumentError('give cookies as "name=value; name2=value2" (cookie files are for single requests)');
      return [...previous, value];
    });
  }
  return cmd
    .option('-b, --cookie <name=value;…|file>', 'send cookies ("a=1; b=2"), or load a Netscape cookie file, as curl -b (repeatable)', collect)
    .option('-c, --cookie-jar <file>', 'write the cookies to this Netscape cookie file at the end, as curl -c (0600 when new)');
}
