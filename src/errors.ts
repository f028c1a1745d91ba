/**
 * The one table of error kinds and exit codes, and the typed errors that carry them.
 * Every kind has one exit code and, where one is always true, a default hint. The `--json` document's and the
 * suite report's error kinds (and their JSON Schemas), the exit-code tables of the README and docs/cli.md are
 * generated from or tested against this table (test/unit/error-kinds.test.ts).
 */
import { formatDuration } from './util/duration.js';

export const ExitCode = {
  Ok: 0,
  Expectation: 1,
  Usage: 2,
  Connection: 3,
  Timeout: 4,
  Http: 5,
  /** A bug in apitest (sysexits' EX_SOFTWARE). */
  Internal: 70,
  /** Stopped by Ctrl-C (128 + SIGINT); by SIGTERM it is 143 (128 + 15). */
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

interface KindRow {
  readonly exitCode: ExitCode;
  /** Said when the error has no hint of its own; null when no hint would be true for every case. */
  readonly defaultHint: string | null;
  /** What the kind means, for the schemas and the docs. */
  readonly meaning: string;
  /** Where it is reported: a single request's `--json` document, a suite step, or both. */
  readonly reportedBy: readonly ('request' | 'step')[];
}

export const ERROR_KINDS = {
  expectation: { exitCode: ExitCode.Expectation, defaultHint: null, meaning: 'an expectation failed', reportedBy: ['request', 'step'] },
  capture: { exitCode: ExitCode.Expectation, defaultHint: null, meaning: 'a capture found no value', reportedBy: ['step'] },
  variable: {
    exitCode: ExitCode.Expectation,
    defaultHint: null,
    meaning: 'a {{ variable }} had no value (e.g. an earlier capture failed); nothing was sent',
    reportedBy: ['step'],
  },
  usage: { exitCode: ExitCode.Usage, defaultHint: null, meaning: 'bad command line or input; nothing was sent', reportedBy: ['request', 'step'] },
  connection: { exitCode: ExitCode.Connection, defaultHint: null, meaning: 'no response: DNS, refused, reset, too many redirects', reportedBy: ['request', 'step'] },
  tls: {
    exitCode: ExitCode.Connection,
    defaultHint: "give the server's CA with --cacert, or skip verification with -k/--insecure (unsafe)",
    meaning: 'no response: the TLS handshake failed',
    reportedBy: ['request', 'step'],
  },
  decode: {
    exitCode: ExitCode.Connection,
    defaultHint: null,
    meaning: 'the body could not be read: a compressed body that is corrupt or ended early, or a body larger than --max-body',
    reportedBy: ['request', 'step'],
  },
  write: {
    exitCode: ExitCode.Connection,
    defaultHint: null,
    meaning: 'the body or a report could not be written (disk full, a device that refuses data); the previous content of a file is kept',
    reportedBy: ['request'],
  },
  token: {
    exitCode: ExitCode.Connection,
    defaultHint: null,
    meaning: 'the OAuth2 token endpoint answered without a usable access token (not JSON, no access_token, not a bearer token); the request was not sent',
    reportedBy: ['request', 'step'],
  },
  timeout: { exitCode: ExitCode.Timeout, defaultHint: null, meaning: 'no response in time', reportedBy: ['request', 'step'] },
  http: { exitCode: ExitCode.Http, defaultHint: null, meaning: 'the server answered with a status >= 400', reportedBy: ['request', 'step'] },
  interrupted: {
    exitCode: ExitCode.Interrupted,
    defaultHint: null,
    meaning: 'stopped by Ctrl-C (exit 130) or SIGTERM (exit 143): what finished is reported, temporary files are removed',
    reportedBy: ['request', 'step'],
  },
  internal: {
    exitCode: ExitCode.Internal,
    defaultHint: 'run with --debug for details, and please report it',
    meaning: 'a bug in apitest',
    reportedBy: ['step'],
  },
} as const satisfies Record<string, KindRow>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** The kinds a single request's `--json` document and a suite step can report, in table order. */
export const REQUEST_ERROR_KINDS = kindsReportedBy('request');
export const STEP_ERROR_KINDS = kindsReportedBy('step');

function kindsReportedBy(where: 'request' | 'step'): [ErrorKind, ...ErrorKind[]] {
  return (Object.keys(ERROR_KINDS) as ErrorKind[]).filter((kind) => (ERROR_KINDS[kind].reportedBy as readonly string[]).includes(where)) as [ErrorKind, ...ErrorKind[]];
}

export function exitCodeOf(kind: ErrorKind): ExitCode {
  return ERROR_KINDS[kind].exitCode;
}

export interface ErrorOptions {
  code?: string;
  hint?: string;
  cause?: unknown;
  /** Whether trying again could help (a reset, a timeout): the error line suggests --retry only then, and only when no retry was made. */
  retryable?: boolean;
}

export abstract class ApitestError extends Error {
  abstract readonly kind: ErrorKind;
  /** A stable machine word for the failure (an errno such as ECONNREFUSED, or a short word). */
  readonly code: string;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERROR';
    this.hint = options.hint;
    this.retryable = options.retryable === true;
  }

  get exitCode(): ExitCode {
    return ERROR_KINDS[this.kind].exitCode;
  }
}

/** Bad command line or bad input: nothing was sent. */
export class UsageError extends ApitestError {
  readonly kind = 'usage' as const;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'EUSAGE', ...options });
  }
}

export class ConnectionError extends ApitestError {
  readonly kind = 'connection' as const;
}

export class TlsError extends ApitestError {
  readonly kind = 'tls' as const;
}

/** The OAuth2 token endpoint answered, but not with a usable access token. */
export class TokenError extends ApitestError {
  readonly kind = 'token' as const;
}

export class TimeoutError extends ApitestError {
  readonly kind = 'timeout' as const;
}

/** The run was stopped by SIGINT or SIGTERM. */
export class InterruptedError extends ApitestError {
  readonly kind = 'interrupted' as const;
  constructor(message = 'interrupted', options: ErrorOptions = {}) {
    super(message, { code: 'EINTERRUPTED', ...options });
  }
}

export class ExpectationError extends ApitestError {
  readonly kind = 'expectation' as const;
}

/** The server answered with a status >= 400. */
export class HttpStatusError extends ApitestError {
  readonly kind = 'http' as const;
  constructor(
    readonly status: number,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, { code: `HTTP_${status}`, ...options });
  }
}

/**
 * What the error line and the reports say about a status >= 400, with a hint for the common cases. Whether to
 * suggest --retry is decided by the caller (result/failure.ts), which knows whether a retry was made.
 */
export function describeHttpStatus(status: number, statusText: string, url: string, retryAfterSeconds: number | null = null): { message: string; hint: string | undefined } {
  const base = `${status} ${statusText}`.trim() + ` from ${url}`;
  if (status === 401) return { message: `${base}: authentication failed`, hint: 'check the credentials (--bearer, --api-key, -u)' };
  if (status === 403) return { message: `${base}: permission denied`, hint: 'the credentials are valid but lack permission for this resource' };
  if (status === 404) return { message: `${base}: not found`, hint: 'check the URL path' };
  if (status === 429) {
    const wait = retryAfterSeconds === null ? '' : ` (the server asks to wait ${formatDuration(retryAfterSeconds * 1000)})`;
    return { message: `${base}: rate limit exceeded${wait}`, hint: 'slow down with --rate' };
  }
  if (status >= 500) return { message: `${base}: server error`, hint: 'the server failed' };
  return { message: base, hint: undefined };
}
