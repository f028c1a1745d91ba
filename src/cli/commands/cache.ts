/**
 * `apitest cache explain <url>` (sends the request through the engine, without the cache: nothing is stored),
 * `apitest cache ls`, `apitest cache clear`. Exit codes of explain are those of a request that got a response
 * (0, whatever the verdict; 3/4 when none came; 2 for bad flags); a status >= 400 is explained, not an error.
 */
import { createGotTransport } from '../../engine/transport.js';
import { executeRequest, type EngineDeps } from '../../engine/execute.js';
import { cacheRequestOf } from '../../engine/http-cache/cache-request.js';
import { explainResponse } from '../../engine/http-cache/explain.js';
import { freshnessLeft, policyFromObject } from '../../engine/http-cache/cache-rules.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { printReport } from '../../render/output.js';
import { colorLevel, createTheme } from '../../render/theme.js';
import { renderCacheExplain, renderCacheList, type CacheExplainDocument, type CacheListRow } from '../../render/cache-report.js';
import { finalAttempt } from '../../result/settle.js';
import { OK, resultOfError, type CommandResult } from '../command-result.js';
import type { RawRequestOptions } from '../flags/request-flags.js';
import type { RawOAuth2Options } from '../flags/oauth2-flags.js';
import { buildRequestSpec } from '../parse/request-input.js';
import { runClock } from '../run-clock.js';
import { learningRedactor } from './request.js';

export interface RawCacheExplainOptions extends RawRequestOptions, RawOAuth2Options {
  json?: boolean;
  color: boolean;
}

export async function runCacheExplainCommand(raw: RawCacheExplainOptions, io: Io): Promise<CommandResult> {
  if (raw.url === undefined) throw new UsageError('cache explain: the URL is missing', { hint: 'apitest cache explain <url> [request options]' });
  const spec = await buildRequestSpec(raw, io);
  const secrets = learningRedactor(spec, false);
  const transport = createGotTransport();
  const clock = runClock(io);
  const deps: EngineDeps = { transport, clock, random: Math.random, limiter: null, gate: null, ...(io.interrupt === undefined ? {} : { signal: io.interrupt.signal }) };
  try {
    if (spec.auth.authorization?.kind === 'oauth2') {
      // An OAuth2 request gets its token as a request does (the token cache included); each token is masked.
      const { oauth2Tokens } = await import('../oauth2-tokens.js');
      const { tokens } = await oauth2Tokens(io, {
        transport,
        clock,
        cache: raw.tokenCache !== false,
        verbose: false,
        errTheme: createTheme(colorLevel({ flag: raw.color, isTTY: io.stderr.isTTY === true, env: io.env })),
        redactor: secrets.current,
        learn: secrets.learn,
      });
      deps.tokens = tokens;
    }
    const exchange = await executeRequest(spec, { limit: 0, retryOn: [], baseDelayMs: 0, maxDelayMs: 0, factor: 2, allMethods: false }, deps);
    const last = finalAttempt(exchange);
    if (last.outcome.kind === 'failure') return resultOfError(last.outcome.error, secrets.current());
    const response = last.outcome.response;
    const explanation = explainResponse(cacheRequestOf(spec), response, last.redirects.length > 0, () => Date.now());
    const doc: CacheExplainDocument = {
      request: { method: spec.method, url: secrets.current().url(last.request?.url ?? spec.url) },
      response: { status: response.status, statusText: response.statusText },
      ...explanation,
    };
    if (raw.json === true) printReport(io, `${JSON.stringify(doc, null, 2)}\n`);
    else printReport(io, renderCacheExplain(doc, createTheme(colorLevel({ flag: raw.color, isTTY: io.stdout.isTTY === true, env: io.env }))));
    return OK;
  } finally {
    transport.close();
  }
}

async function cacheDir(io: Io, dir: string | undefined): Promise<string> {
  const { httpCacheDir } = await import('../../files/http-cache-store.js');
  if (dir !== undefined && dir.trim() === '') throw new UsageError('--dir: the directory is empty');
  return httpCacheDir(io.env, dir ?? null, io.cwd);
}

export async function runCacheListCommand(opts: { dir?: string; json?: boolean; color: boolean }, io: Io): Promise<CommandResult> {
  const dir = await cacheDir(io, opts.dir);
  const { listHttpCache } = await import('../../files/http-cache-store.js');
  let entries;
  try {
    entries = await listHttpCache(dir);
  } catch (error) {
    throw new UsageError(`cache ls: ${error instanceof Error ? error.message : String(error)}`);
  }
  const now = (): number => Date.now();
  const rows: CacheListRow[] = [];
  for (const entry of entries) {
    for (const variant of entry.variants) {
      let age: number | null = null;
      let ttl: number | null = null;
      try {
        const policy = policyFromObject(now, variant.policy);
        age = Math.max(0, Math.floor(policy.age()));
        ttl = freshnessLeft(policy, null);
      } catch {
        // A damaged policy: listed without age.
      }
      rows.push({ key: entry.key, method: entry.method, url: entry.url, status: variant.status, age, ttl, bytes: Buffer.byteLength(variant.body, 'base64'), storedAt: new Date(variant.storedAt).toISOString(), variants: entry.variants.length });
    }
  }
  if (opts.json === true) printReport(io, `${JSON.stringify({ dir, entries: rows }, null, 2)}\n`);
  else printReport(io, renderCacheList(dir, rows, createTheme(colorLevel({ flag: opts.color, isTTY: io.stdout.isTTY === true, env: io.env }))));
  return OK;
}

export async function runCacheClearCommand(opts: { dir?: string }, io: Io): Promise<CommandResult> {
  const dir = await cacheDir(io, opts.dir);
  const { clearHttpCache } = await import('../../files/http-cache-store.js');
  let removed: number;
  try {
    removed = await clearHttpCache(dir);
  } catch (error) {
    throw new UsageError(`cache clear: ${error instanceof Error ? error.message : String(error)}`, { hint: 'remove the directory by hand if it is not yours' });
  }
  printReport(io, `removed ${removed} cached response${removed === 1 ? '' : 's'} from ${dir}\n`);
  return OK;
}

