/**
 * One Postman request (collection v2.0/v2.1) → a suite step's request fields: method, URL (path variables `:id`
 * filled in, enabled query parameters), enabled headers, the body (raw, urlencoded, formdata, graphql) and
 * `protocolProfileBehavior` (redirects, TLS). What has no equivalent is a finding at the item's path.
 */
import type { StepInput } from '../suite/suite-schema.js';
import { headerRecord, moveSecretQuery, type CredentialContext, type ImportedHeader } from './credentials.js';
import { losslessJson, literalDeep } from './json-body.js';
import { contentTypeOf, urlProblem } from '../model/request-spec.js';
import type { PostmanVars } from './postman-vars.js';

export interface RequestContext extends CredentialContext {
  readonly vars: PostmanVars;
  /** A formdata file (`src`) as the suite should name it; and whether it exists there. */
  readonly formFile: (src: string) => { path: string; exists: boolean };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Content-Type Postman sets for a raw body of each language, when the request gives none. */
const RAW_TYPES: Record<string, string> = { json: 'application/json', xml: 'application/xml', html: 'text/html', javascript: 'application/javascript', text: 'text/plain' };

export type RequestFields = Pick<StepInput, 'method' | 'url' | 'query' | 'headers' | 'json' | 'body' | 'form' | 'followRedirects' | 'insecure'>;

export function mapPostmanRequest(request: Record<string, unknown> | string, where: string, ctx: RequestContext): RequestFields | null {
  if (typeof request === 'string') {
    const { url, query } = urlText(request, where, ctx);
    if (!urlUsable(url, where, ctx)) return null;
    return query.length > 0 ? { method: 'GET', url, query: Object.fromEntries(query) } : { method: 'GET', url };
  }
  const method = typeof request.method === 'string' && request.method !== '' ? request.method.toUpperCase() : 'GET';
  if (!TOKEN.test(method)) {
    ctx.findings.unmapped(where, `not imported: ${JSON.stringify(method.slice(0, 20))} is not a method`);
    return null;
  }
  const { url, query } = urlOf(request.url, where, ctx);
  if (!urlUsable(url, where, ctx)) return null;
  const fields: RequestFields = { method, url };
  if (query.length > 0) fields.query = Object.fromEntries(query);

  const headers: ImportedHeader[] = [];
  for (const h of headerList(request.header)) {
    if (h.disabled) {
      ctx.findings.note(where, `the header ${h.key} is disabled in Postman: left out`);
      continue;
    }
    if (!TOKEN.test(h.key)) {
      ctx.findings.unmapped(where, `the header ${JSON.stringify(h.key.slice(0, 40))} is not imported: not a header name`);
      continue;
    }
    headers.push([h.key, h.value, where]);
  }
  body(request.body, headers, fields, where, ctx);
  const record = headerRecord(headers, ctx);
  if (Object.keys(record).length > 0) fields.headers = record;
  return fields;
}

/** A URL a suite can send: with a `{{ … }}` it is checked when the step runs; without, now (http:// assumed). */
function urlUsable(url: string, where: string, ctx: RequestContext): boolean {
  if (url.trim() === '') {
    ctx.findings.unmapped(where, 'not imported: the request has no URL');
    return false;
  }
  if (url.includes('{{')) return true;
  if (url.trim().startsWith('/')) {
    ctx.findings.unmapped(where, `not imported: the URL ${JSON.stringify(url.slice(0, 80))} has no host`);
    return false;
  }
  const problem = urlProblem(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url.trim()) ? url.trim() : `http://${url.trim()}`);
  if (problem !== null) ctx.findings.unmapped(where, `not imported: ${problem}`);
  return problem === null;
}

/** Applies `protocolProfileBehavior` (an item's request settings). */
export function applyBehavior(behavior: unknown, fields: RequestFields, where: string, ctx: CredentialContext): void {
  if (!isRecord(behavior)) return;
  for (const [key, value] of Object.entries(behavior)) {
    if (key === 'followRedirects' && typeof value === 'boolean') fields.followRedirects = value;
    else if (key === 'strictSSL' && typeof value === 'boolean') {
      if (!value) fields.insecure = true;
    } else if (key === 'disableBodyPruning' || key === 'disabledSystemHeaders') continue;
    else ctx.findings.unmapped(where, `the request setting ${key} is not imported`);
  }
}

interface Header {
  key: string;
  value: string;
  disabled: boolean;
}

/** `[{ key, value, disabled }]`, or (v2.0) a string of `Name: value` lines. */
function headerList(raw: unknown): Header[] {
  if (typeof raw === 'string') {
    return raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.includes(':'))
      .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim(), value: line.slice(line.indexOf(':') + 1).trim(), disabled: false }));
  }
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((h) => ({ key: typeof h.key === 'string' ? h.key.trim() : '', value: scalarText(h.value), disabled: h.disabled === true })).filter((h) => h.key !== '');
}

/** A number, boolean or string as text; anything else (null, an object, an array) is no value: ''. */
export function scalarText(value: unknown): string {
  // Not String() of an object: a collection's `{ "toString": "" }` would make it throw.
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** The URL as suite text, and the credential query parameters taken out of it. */
function urlOf(raw: unknown, where: string, ctx: RequestContext): { url: string; query: Array<[string, string]> } {
  if (typeof raw === 'string') return urlText(raw, where, ctx);
  if (!isRecord(raw)) return { url: '', query: [] };
  let base: string;
  let queryText: string | null = null;
  if (typeof raw.raw === 'string' && raw.raw !== '') {
    const cut = raw.raw.search(/[?#]/);
    base = cut === -1 ? raw.raw : raw.raw.slice(0, cut);
    if (cut !== -1 && raw.raw[cut] === '?') queryText = raw.raw.slice(cut + 1).replace(/#.*$/, '');
  } else {
    const host = Array.isArray(raw.host) ? raw.host.map(scalarText).join('.') : scalarText(raw.host);
    const path = Array.isArray(raw.path) ? raw.path.map((p) => (isRecord(p) ? scalarText(p.value) : scalarText(p))).join('/') : scalarText(raw.path);
    const protocol = scalarText(raw.protocol);
    const port = scalarText(raw.port);
    base = `${protocol !== '' ? `${protocol}://` : ''}${host}${port !== '' ? `:${port}` : ''}${path === '' ? '' : `/${path.replace(/^\//, '')}`}`;
  }
  if (Array.isArray(raw.query)) {
    const parts: string[] = [];
    for (const q of raw.query) {
      if (!isRecord(q) || typeof q.key !== 'string') continue;
      if (q.disabled === true) {
        ctx.findings.note(where, `the query parameter ${q.key} is disabled in Postman: left out`);
        continue;
      }
      parts.push(q.value === null || q.value === undefined ? q.key : `${q.key}=${scalarText(q.value)}`);
    }
    queryText = parts.length > 0 ? parts.join('&') : null;
  }
  // Path variables: /users/:id with url.variable [{ key: 'id', value: '42' }].
  const variables = new Map<string, string>();
  if (Array.isArray(raw.variable)) for (const v of raw.variable) if (isRecord(v) && typeof v.key === 'string') variables.set(v.key, scalarText(v.value));
  base = base.replace(/(\/):([A-Za-z_][A-Za-z0-9_-]*)/g, (whole, slash: string, name: string) => {
    const value = variables.get(name);
    if (value !== undefined && value !== '') return `${slash}${value}`;
    ctx.findings.note(where, `the path variable :${name} has no value in the collection: it reads the variable ${name}`);
    return `${slash}{{${name}}}`;
  });
  return urlText(queryText === null ? base : `${base}?${queryText}`, where, ctx);
}

function urlText(text: string, where: string, ctx: RequestContext): { url: string; query: Array<[string, string]> } {
  const { url, moved } = moveSecretQuery(text.trim(), where, ctx);
  return { url: ctx.vars.text(url, where), query: moved };
}

/** The body by mode; Content-Type as Postman would send it when the request sets none. */
function body(raw: unknown, headers: ImportedHeader[], fields: RequestFields, where: string, ctx: RequestContext): void {
  if (!isRecord(raw) || typeof raw.mode !== 'string' || raw.disabled === true) return;
  const hasType = headers.some(([n]) => n.toLowerCase() === 'content-type');
  const setType = (type: string, text: string | null): void => {
    if (hasType) return;
    if (text !== null && !hasReference(text) && contentTypeOf(Buffer.from(text, 'utf8')) === type) return;
    headers.push(['Content-Type', type, where]);
  };
  switch (raw.mode) {
    case 'raw': {
      const text = scalarText(raw.raw);
      if (text === '') return;
      const options = isRecord(raw.options) && isRecord(raw.options.raw) ? raw.options.raw : {};
      const language = typeof options.language === 'string' ? options.language : 'text';
      const type = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? RAW_TYPES[language] ?? 'text/plain';
      const json = /json/i.test(type) && !hasReference(text) ? losslessJson(text) : undefined;
      if (json !== undefined) {
        fields.json = literalDeep(json, ctx.values);
        if (!hasType && type !== 'application/json') headers.push(['Content-Type', type, where]);
        return;
      }
      setType(type, text);
      fields.body = ctx.vars.text(text, where);
      return;
    }
    case 'urlencoded': {
      const form = formEntries(raw.urlencoded, where, ctx, false);
      if (form !== null) fields.form = form;
      return;
    }
    case 'formdata': {
      const form = formEntries(raw.formdata, where, ctx, true);
      if (form !== null) fields.form = form;
      return;
    }
    case 'graphql': {
      const graphql = isRecord(raw.graphql) ? raw.graphql : {};
      const query = scalarText(graphql.query);
      const variablesText = scalarText(graphql.variables).trim();
      let variables: unknown = undefined;
      if (variablesText !== '') {
        try {
          variables = JSON.parse(variablesText);
        } catch {
          variables = undefined;
        }
      }
      if (variablesText === '' || (variables !== undefined && !hasReference(variablesText))) {
        const value: Record<string, unknown> = { query: ctx.vars.text(query, where) };
        if (variables !== undefined) value.variables = literalDeep(variables, ctx.values);
        fields.json = value;
        return;
      }
      // Variables with {{…}} in them: the JSON text is written with them in place, as Postman sends it.
      setType('application/json', null);
      fields.body = ctx.vars.text(`{"query":${JSON.stringify(query)},"variables":${variablesText}}`, where);
      return;
    }
    case 'file':
      ctx.findings.unmapped(where, 'the body (a file) is not imported: a suite body is text, a form, or JSON');
      return;
    default:
      ctx.findings.unmapped(where, `the body (mode ${raw.mode}) is not imported`);
  }
}

function hasReference(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

/** urlencoded and formdata entries as a suite form; formdata files as `{ file }`. */
function formEntries(raw: unknown, where: string, ctx: RequestContext, multipart: boolean): Record<string, string | { file: string }> | null {
  if (!Array.isArray(raw)) return null;
  const form: Record<string, string | { file: string }> = Object.create(null) as Record<string, string | { file: string }>;
  let files = 0;
  for (const entry of raw) {
    if (!isRecord(entry) || typeof entry.key !== 'string' || entry.key === '') continue;
    const key = entry.key;
    if (entry.disabled === true) {
      ctx.findings.note(where, `the form field ${key} is disabled in Postman: left out`);
      continue;
    }
    if (key in form) {
      ctx.findings.unmapped(where, `a second form field ${key} is not imported (a suite form has one value per name)`);
      continue;
    }
    if (typeof entry.contentType === 'string' && entry.contentType !== '') ctx.findings.unmapped(where, `the content type of the form field ${key} is not imported`);
    if (entry.type === 'file') {
      const sources = Array.isArray(entry.src) ? entry.src.map(scalarText) : [scalarText(entry.src)];
      const [src, ...more] = sources.filter((s) => s !== '');
      if (src === undefined) {
        ctx.findings.unmapped(where, `the form field ${key} names no file: not imported`);
        continue;
      }
      if (more.length > 0) ctx.findings.unmapped(where, `the form field ${key} has ${more.length + 1} files: only the first is imported`);
      const file = ctx.formFile(src);
      if (!file.exists) ctx.findings.unmapped(where, `the file of the form field ${key} (${src}) does not exist here: the suite will not load until it does`);
      form[key] = { file: ctx.vars.text(file.path, where) };
      files++;
      continue;
    }
    form[key] = ctx.vars.text(entry.value, where);
  }
  if (Object.keys(form).length === 0) return null;
  if (multipart && files === 0) ctx.findings.unmapped(where, 'the form is sent as multipart/form-data by Postman; a suite form without a file field is sent as application/x-www-form-urlencoded');
  return form;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
