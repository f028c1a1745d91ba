/**
 * URLs checked before anything is sent. A `baseUrl` or step `url` without a `{{ … }}` template is checked
 * when the file is compiled, with the rule the request itself uses after interpolation (model/request-spec.ts's
 * `urlProblem`: parseable, http or https, a host), and so is the join of the two. One that holds a template can only be
 * checked once interpolated, when its step runs (`build-request.ts`).
 */
import { urlProblem } from '../model/request-spec.js';
import { joinUrl } from './build-request.js';
import { hasTemplate } from './interpolate.js';

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The problem of a template-free `baseUrl`; null when it is fine or holds a template. */
export function baseUrlProblem(baseUrl: string): string | null {
  // Steps' URLs are appended to baseUrl as text: a query or fragment there would swallow them.
  if (/[?#]/.test(baseUrl.replace(/\{\{.*?\}\}/gs, ''))) return `baseUrl ${JSON.stringify(baseUrl)} has a query or fragment (steps' URLs are appended to it; put query parameters in each step's query)`;
  return hasTemplate(baseUrl) ? null : urlProblem(baseUrl.trim());
}

/**
 * The problem of a step's URL as it will be sent (joined to `baseUrl` when relative); null when it is fine,
 * when a template leaves it to the run, or when the problem is reported elsewhere (a relative URL without
 * baseUrl, an invalid baseUrl).
 */
export function stepUrlProblem(rawUrl: string, baseUrl: string | undefined): string | null {
  const url = rawUrl.trim();
  if (hasTemplate(url)) return null;
  if (HAS_SCHEME.test(url)) return urlProblem(url);
  if (baseUrl === undefined) {
    if (url.startsWith('/')) return null;
    const assumed = joinUrl(null, url);
    return urlProblem(assumed) === null ? null : `invalid URL ${JSON.stringify(assumed)} (the URL has no scheme and the suite no baseUrl, so http:// is assumed)`;
  }
  if (hasTemplate(baseUrl) || urlProblem(baseUrl) !== null) return null;
  const joined = joinUrl(baseUrl, url);
  return urlProblem(joined) === null ? null : `invalid URL ${JSON.stringify(joined)} (baseUrl joined with ${JSON.stringify(url)})`;
}
