/**
 * The one table of exit codes, and the typed errors that carry them.
 * `cli/main.ts` is the only place that turns an error into an exit code.
 */
export const ExitCode = {
  Ok: 0,
  Expectation: 1,
  Usage: 2,
  Connection: 3,
  Timeout: 4,
  Http: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorKind = 'usage' | 'connection' | 'tls' | 'timeout' | 'http' | 'expectation';

export abstract class ApitestError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly exitCode: ExitCode;
  /** A stable machine word for the failure (an errno such as ECONNREFUSED, or a short word). */
  readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERROR';
    this.hint = options.hint;
  }
}

/** Bad command line or bad input: nothing was sent. */
export class UsageError extends ApitestError {
  readonly kind = 'usage' as const;
  readonly exitCode = ExitCode.Usage;
  constructor(message: string, options: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, { code: 'EUSAGE', ...options });
  }
}

export class ConnectionError extends ApitestError {
  readonly kind = 'connection' as const;
  readonly exitCode = ExitCode.Connection;
}

export class TlsError extends ApitestError {
  readonly kind = 'tls' as const;
  readonly exitCode = ExitCode.Connection;
}

export class TimeoutError extends ApitestError {
  readonly kind = 'timeout' as const;
  readonly exitCode = ExitCode.Timeout;
}

export class ExpectationError extends ApitestError {
  readonly kind = 'expectation' as const;
  readonly exitCode = ExitCode.Expectation;
}

/** The server answered with a status >= 400. Subclasses name the common cases. */
export class HttpStatusError extends ApitestError {
  readonly kind = 'http' as const;
  readonly exitCode = ExitCode.Http;
  constructor(
    readonly status: number,
    message: string,
    options: { code?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { code: `HTTP_${status}`, ...options });
  }
}
export class UnauthorizedError extends HttpStatusError {}
export class ForbiddenError extends HttpStatusError {}
export class NotFoundError extends HttpStatusError {}
export class RateLimitError extends HttpStatusError {}
export class ServerError extends HttpStatusError {}

/** Builds the typed error for a response status >= 400, with a hint for the common cases. */
export function httpErrorFor(status: number, statusText: string, url: string, retryAfterSeconds?: number | null): HttpStatusError {
  const base = `${status} ${statusText}`.trim() + ` from ${url}`;
  if (status === 401) {
    return new UnauthorizedError(status, `${base}: authentication failed`, { hint: 'check the credentials (--bearer, --api-key, --basic)' });
  }
  if (status === 403) {
    return new ForbiddenError(status, `${base}: permission denied`, { hint: 'the credentials are valid but lack permission for this resource' });
  }
  if (status === 404) {
    return new NotFoundError(status, `${base}: not found`, { hint: 'check the URL path' });
  }
  if (status === 429) {
    const wait = retryAfterSeconds == null ? '' : ` (the server asks to wait ${retryAfterSeconds}s)`;
    return new RateLimitError(status, `${base}: rate limit exceeded${wait}`, { hint: 'slow down with --rate, or retry with --retry' });
  }
  if (status >= 500) {
    return new ServerError(status, `${base}: server error`, { hint: 'the server failed; --retry may help if it is transient' });
  }
  return new HttpStatusError(status, base);
}
