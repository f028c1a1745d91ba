import type { Command } from 'commander';
import { collect } from './collect.js';

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/** The raw option values commander gives for a request (before validation). */
export interface RawRequestOptions {
  url?: string;
  method?: string;
  header: string[];
  headers?: string;
  query: string[];
  data?: string;
  form: string[];
  apiKey?: string | true;
  apiKeyHeader: string;
  apiKeyQuery?: string;
  bearer?: string | true;
  basic?: string;
  timeout: string;
  connectTimeout?: string;
  location: boolean;
  maxRedirects: string;
  insecure: boolean;
  cacert?: string;
}

/** The options of one request, shared by the default command and `webhook send`. */
export function addRequestFlags(cmd: Command, opts: { withBody?: boolean } = {}): Command {
  cmd
    .option('-u, --url <url>', 'the URL (or give it as the first argument); http:// is assumed without a scheme')
    .option('-X, --method <method>', 'HTTP method (default GET, or POST when a body is given)')
    .option('-H, --header <header>', '"Name: value" request header (repeatable)', collect, [])
    .option('--headers <json>', 'request headers as one JSON object of strings')
    .option('-q, --query <name=value>', 'query parameter, URL-encoded and appended (repeatable)', collect, []);
  if (opts.withBody !== false) {
    cmd
      .option('-d, --data <data>', 'request body: text, @file, or @- for stdin (JSON is sent as application/json)')
      .option('-F, --form <name=value>', 'multipart form field; name=@file uploads a file (repeatable)', collect, []);
  }
  return cmd
    .option('--api-key [key]', 'send an API key (default: $API_KEY) in --api-key-header or --api-key-query')
    .option('--api-key-header <name>', 'header that carries the API key', DEFAULT_API_KEY_HEADER)
    .option('--api-key-query <param>', 'send the API key as this query parameter instead of a header')
    .option('--bearer [token]', 'send "Authorization: Bearer <token>" (default: $ACCESS_TOKEN)')
    .option('--basic <user[:password]>', 'HTTP Basic auth; a missing password is read from $API_PASSWORD')
    .option('--timeout <duration>', 'total time allowed for the request (250ms, 5s, 1m)', '30s')
    .option('--connect-timeout <duration>', 'time allowed to connect')
    .option('-L, --location', 'follow redirects', false)
    .option('--max-redirects <n>', 'most redirects to follow with -L', '10')
    .option('-k, --insecure', 'do not verify TLS certificates (unsafe; prints a warning)', false)
    .option('--cacert <file>', 'PEM file of CA certificates to trust');
}
