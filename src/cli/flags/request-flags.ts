import type { Command } from 'commander';
import { collect } from './collect.js';
import { addNetworkFlags, type RawNetworkOptions } from './network-flags.js';

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/** The raw option values commander gives for a request (before validation). */
export interface RawRequestOptions extends RawNetworkOptions {
  url?: string;
  method?: string;
  head?: boolean;
  get?: boolean;
  header?: string[];
  headers?: string;
  query?: string[];
  userAgent?: string;
  data?: string[];
  dataUrlencode?: string[];
  form?: string[];
  apiKey?: string | true;
  apiKeyHeader?: string;
  apiKeyQuery?: string;
  bearer?: string | true;
  /** `-u, --user` (curl's) and `--basic` (the older name): Basic auth. */
  user?: string;
  basic?: string;
  timeout?: string;
  connectTimeout?: string;
  location?: boolean;
  maxRedirects?: string;
  maxBody?: string;
  insecure?: boolean;
  cacert?: string;
}

/**
 * The options of one request, shared by the default command, `load`, `batch`, `cache explain` and `webhook send`.
 * `methodFirst`: the usage of the method-first form, where the command takes it (main.ts, methodFirst).
 */
export function addRequestFlags(cmd: Command, opts: { withBody?: boolean; cookieJar?: boolean; methodFirst?: string } = {}): Command {
  cmd
    .optionsGroup('Request:')
    .option('--url <url>', 'the URL (or give it as the first argument); http:// is assumed without a scheme')
    .option('-X, --method <method>', `HTTP method (default GET, or POST when a body is given)${opts.methodFirst === undefined ? '' : `; or give it first: ${opts.methodFirst}`}`)
    .option('-I, --head', 'send a HEAD request')
    .option('-H, --header <header>', '"Name: value" request header (repeatable)', collect)
    .option('--headers <json>', 'request headers as one JSON object of strings')
    .option('-q, --query <name=value>', 'query parameter, URL-encoded and appended (repeatable)', collect)
    .option('-A, --user-agent <agent>', 'the User-Agent header (default apitest/<version>)');
  if (opts.withBody !== false) {
    cmd
      .option('-d, --data <data>', 'request body: text, @file, or @- for stdin (repeatable: joined with &); JSON is sent as application/json, name=value&… as a form', collect)
      .option('--data-urlencode <name=value>', 'a form field, URL-encoded (repeatable; sent as application/x-www-form-urlencoded)', collect)
      .option('-G, --get', 'send the -d/--data-urlencode data as the query of a GET instead of a body')
      .option('-F, --form <name=value>', 'multipart form field; name=@file uploads a file (repeatable)', collect);
  }
  cmd
    .optionsGroup('Authentication:')
    .option('-u, --user <user[:password]>', 'HTTP Basic auth; without :password it is read from $API_PASSWORD when set, else asked for on a terminal')
    .option('--basic <user[:password]>', 'the same as -u/--user')
    .option('--bearer [token]', 'send "Authorization: Bearer <token>" (default: $ACCESS_TOKEN)')
    .option('--api-key [key]', 'send an API key (default: $API_KEY) in --api-key-header or --api-key-query; combines with -u or --bearer')
    .option('--api-key-header <name>', `header that carries the API key (default ${DEFAULT_API_KEY_HEADER})`)
    .option('--api-key-query <param>', 'send the API key as this query parameter instead of a header');
  cmd
    .optionsGroup('Connection and TLS:')
    .option('--timeout <duration>', 'total time allowed for the request: seconds, or 250ms, 5s, 1m (default 30s)')
    .option('--connect-timeout <duration>', 'time allowed to connect: seconds, or 250ms, 5s')
    .option('-L, --location', 'follow redirects')
    .option('--max-redirects <n>', 'most redirects to follow with -L (default 10)')
    .option('--max-body <size>', 'largest body, once decoded: 512kb, 10mb (default 64mb in memory; with -o, no limit unless given)')
    .option('-k, --insecure', 'do not verify TLS certificates (unsafe; prints a warning)')
    .option('--cacert <file>', 'PEM file of CA certificates to trust');
  return addNetworkFlags(cmd, { cookieJar: opts.cookieJar !== false });
}
