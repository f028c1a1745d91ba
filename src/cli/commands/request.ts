import { authHeaderNames, authSecrets } from '../../auth/apply-auth.js';
import { createGotTransport } from '../../engine/transport.js';
import { executeRequest, type ExecutedExchange } from '../../engine/execute.js';
import type { ResponseHead } from '../../engine/transport.js';
import type { SentRequest } from '../../engine/types.js';
import { ApitestError, RateLimitError, httpErrorFor, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { createTokenBucket } from '../../ratelimit/token-bucket.js';
import { createRedactor, type Redactor } from '../../redact/redactor.js';
import { buildDocument, finalAttempt } from '../../render/build-document.js';
import { renderReceivedHead, renderSentRequest } from '../../render/verbose.js';
import { createTheme } from '../../render/theme.js';
import type { SingleRequestDocument } from '../../spec/json-document.js';
import type { RequestSpec } from '../../spec/request-spec.js';
import { systemClock } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { buildRequestSpec, type PreparedParts } from '../build-request-spec.js';
import { prepareOutputFile, type AtomicOutput } from '../output-file.js';
import { decideOutputView, type OutputView } from '../output-view.js';
import { formatErrorLine } from '../report-error.js';
import type { RawOutputOptions, RawRequestOptions } from '../request-options.js';
import { parseRetrySettings, type RawRetryOptions, type RetrySettings } from '../retry-options.js';
import { startSpinner } from '../spinner.js';

export type RawSingleOptions = RawRequestOptions & RawOutputOptions & RawRetryOptions;

/** `apitest [options] <url>`: one request (with retries), reported as a table, JSON or the bare body. */
export async function runRequestCommand(raw: RawSingleOptions, io: Io, prepared: PreparedParts = {}): Promise<number> {
  const view = decideOutputView(raw, io);
  let spec: RequestSpec;
  let retry: RetrySettings;
  let output: AtomicOutput | null;
  try {
    spec = await buildRequestSpec(raw, io, prepared);
    retry = parseRetrySettings(raw);
    output = view.outputFile === null ? null : await prepareOutputFile(view.outputFile, io.cwd);
  } catch (error) {
    if (error instanceof UsageError && view.format === 'json') io.stdout.write(`${JSON.stringify(usageDocument(raw, error), null, 2)}\n`);
    throw error;
  }
  const redactor = redactorFor(spec, view.showSecrets, prepared.secrets);
  const errTheme = createTheme(view.errColor);
  if (spec.insecure) io.stderr.write(errTheme.c.yellow('apitest: warning: -k/--insecure: TLS certificates are not verified\n'));

  const transport = createGotTransport();
  const spinner = view.spinner ? await startSpinner(`${spec.method} ${redactor.url(spec.url)}`, io) : null;
  let exchange: ExecutedExchange;
  try {
    exchange = await executeRequest(spec, retry.policy, {
      transport,
      clock: systemClock,
      random: Math.random,
      limiter: retry.rate ? createTokenBucket(retry.rate, retry.burst, systemClock) : null,
      gate: null,
      ...(output ? { openBodySink: () => output.open() } : {}),
      ...(view.verbose
        ? {
            onRequest: (sent: SentRequest) => io.stderr.write(renderSentRequest(sent, redactor, errTheme)),
            onResponse: (head: ResponseHead) => io.stderr.write(renderReceivedHead(head, redactor, errTheme)),
          }
        : {}),
      onRetry: ({ attempt, delayMs, decision }) => {
        const line = `attempt ${attempt} failed (${decision.reason}); retrying in ${formatDuration(delayMs)}${decision.source === 'retry-after' ? ' as Retry-After asks' : ''}`;
        if (spinner) spinner.text(line);
        else io.stderr.write(errTheme.c.dim(`apitest: ${line}\n`));
      },
    });
  } finally {
    spinner?.stop();
    transport.close();
  }

  const error = decideError(exchange, retry, view);
  const last = finalAttempt(exchange);
  if (output) {
    if (last.outcome.kind === 'response') await output.commit();
    else await output.discard();
  }
  const doc = buildDocument(exchange, { redactor, nowMs: io.now(), error, outputFile: output?.path ?? null });
  await writeReport(doc, last.outcome.kind === 'response' ? last.outcome.response.body : null, view, redactor, io);
  if (error) {
    io.stderr.write(formatErrorLine(error, redactor, view.debug));
    return error.exitCode;
  }
  return 0;
}

/** The error that decides the exit code: a transport failure, a too-long Retry-After, or a status >= 400. */
function decideError(exchange: ExecutedExchange, retry: RetrySettings, view: OutputView): ApitestError | null {
  const last = finalAttempt(exchange);
  if (last.outcome.kind === 'failure') return last.outcome.error;
  const { response } = last.outcome;
  if (exchange.retryAfterTooLong !== null) {
    return new RateLimitError(response.status, `${response.status} ${response.statusText} from ${exchange.spec.url}: the server asks to wait ${exchange.retryAfterTooLong}s (Retry-After), longer than --retry-max-delay ${formatDuration(retry.policy.maxDelayMs)}`, {
      code: 'RETRY_AFTER_TOO_LONG',
      hint: 'try again later, or raise --retry-max-delay to wait that long',
    });
  }
  if (response.status >= 400 && view.fail) return httpErrorFor(response.status, response.statusText, exchange.spec.url);
  return null;
}

async function writeReport(doc: SingleRequestDocument, body: Uint8Array | null, view: OutputView, redactor: Redactor, io: Io): Promise<void> {
  switch (view.format) {
    case 'json':
      io.stdout.write(redactor.text(`${JSON.stringify(doc, null, 2)}\n`));
      return;
    case 'body': {
      if (body === null) return;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
      const isText = !text.includes('\uFFFD');
      io.stdout.write(isText && redactor.enabled ? redactor.text(text) : body);
      return;
    }
    case 'table': {
      const { renderTableReport } = await import('../../render/table-report.js');
      const theme = createTheme(view.color);
      io.stdout.write(redactor.text(renderTableReport(doc, { maxLines: view.maxBodyLines, columns: view.columns, placeholderTimings: view.placeholderTimings }, theme)));
      return;
    }
  }
}

export function redactorFor(spec: RequestSpec, show: boolean, extraSecrets: readonly string[] = []): Redactor {
  return createRedactor({
    show,
    secrets: [...authSecrets(spec.auth), ...extraSecrets],
    headers: authHeaderNames(spec.auth),
    queryParams: spec.auth.kind === 'api-key' && spec.auth.query !== null ? [spec.auth.query] : [],
  });
}

function usageDocument(raw: RawRequestOptions, error: UsageError): SingleRequestDocument {
  return {
    schemaVersion: 1,
    ok: false,
    request: { method: raw.method ?? 'GET', url: raw.url ?? '', headers: {} },
    response: null,
    timings: { dns: null, tcp: null, tls: null, firstByte: null, download: null, total: null },
    rateLimit: null,
    redirects: [],
    attempts: [],
    error: { kind: 'usage', code: error.code, message: error.message },
  };
}
