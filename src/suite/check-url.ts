/**
 * URLs checked before anything is sent. A `baseUrl` or step `url` without a `{{ … }}` template is checked
 * when the file is compiled, with the rule the request itself uses after interpolation (the RequestSpec's
 * `url`: parseable, http or https), and so is the join of the two. One that holds a template can only be
 * checked once interpolated, when its step runs (`build-request.ts`).
 */
import { RequestSpecSchema } from '../model/request-spec.js';
import { joinUrl } from './build-request.js';
import { hasTemplate } from './interpolate.js';

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Why this URL cannot be sent, or null when it can. */
export function urlProblem(url: string): string | null {
  if (RequestSpecSchema.shape.url.safeParse(url).success) return null;
  let protocol: string | null = null;
  try {
    protocol = new URL(url.trim()).protocol;
  } catch {
    protocol = null;
  }
  const notHttp = protocol === null ? !HAS_SCHEME.test(url.trim()) : protocol !== 'http:' && protocol !== 'https:';
  return notHttp ? `expected an http:// or https:// URL, got ${JSON.stringify(url)}` : `invalid URL ${JSON.stringify(url)}`;
}

/** The problem of a template-free `baseUrl`; null when it is fine or holds a template. */
export function baseUrlProblem(baseUrl: string): string | null {
  // Steps' URLs are appended to baseUrl as text: a query or fragment there would swallow them.
  if (/[?#]/.test(baseUrl.replace(/\{\{.*?\}\}/gs, ''))) return `baseUrl ${JSON.stringify(baseUrl)} has a query or fragment (steps' URLs are appended to it; put query parameters in each step's query)`;
  return hasTemplate(baseUrl) ? null : urlProblem(baseUrl);
}

/**
 * The problem of a step's URL as it will be sent (joined to `baseUrl` when relative); null when it is fine,
 * when a template leaves it to the run, or when the problem is reported elsewhere (a relative URL without
 * baseUrl, an invalid baseUrl).
 */
export function stepUrlProblem(url: string, baseUrl: string | undefined): string | null {
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
