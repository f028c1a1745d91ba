import type { ApitestError } from '../errors.js';
import type { SingleRequestDocument } from '../model/request-document.js';
import { hidePassword } from './parse/url-argument.js';

/** The `--json` document of a run that failed before any request (bad flags or input): ok false, error filled. */
export function usageDocument(method: string | undefined, url: string | undefined, error: ApitestError | { code: string; message: string }): SingleRequestDocument {
  return {
    schemaVersion: 1,
    ok: false,
    request: { method: method ?? 'GET', url: hidePassword(url ?? ''), headers: {} },
    response: null,
    timings: { dns: null, tcp: null, tls: null, firstByte: null, download: null, total: null },
    rateLimit: null,
    redirects: [],
    attempts: [],
    error: { kind: 'usage', code: error.code, message: error.message },
  };
}
