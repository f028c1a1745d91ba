/**
 * `apitest import har`: a HAR 1.2 file (a browser's network panel, `apitest --har`, a proxy) → a suite that replays
 * the recorded requests in order, each expecting the status that was recorded.
 *
 * Per entry: method, URL (when every entry has the same origin, it becomes `baseUrl` and the steps' URLs are
 * relative, so the suite can be pointed elsewhere), headers (less those the transport sets itself: HTTP/2
 * pseudo-headers, Host, Content-Length, Connection, Accept-Encoding…), the body (`postData.text`, or its `params`),
 * `expect: { status }`. Credentials in clear (Authorization, cookies, credential-looking headers and query
 * parameters) are read from environment variables. Responses, timings and pages are not replayed.
 */
import { UsageError } from '../errors.js';
import { contentTypeOf } from '../model/request-spec.js';
import type { StepInput, SuiteFile } from '../suite/suite-schema.js';
import { authorizationAuth, headerRecord, moveSecretQuery, type Auth, type CredentialContext, type ImportedHeader } from './credentials.js';
import { Findings, type ImportResult } from './findings.js';
import { losslessJson, literalDeep } from './json-body.js';
import { SuiteValues } from './suite-values.js';

/** Headers the transport writes itself, left out of every step. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'accept-encoding']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

interface HarHeader {
  name: string;
  value: string;
}

export function importHar(text: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`the HAR file is not valid JSON: ${(error as Error).message}`, { hint: 'give a .har file as a browser or apitest --har saves it' });
  }
  const entries = isRecord(data) && isRecord(data.log) ? data.log.entries : undefined;
  if (!Array.isArray(entries)) throw new UsageError('not a HAR file: it has no log.entries list', { hint: 'give a .har file as a browser or apitest --har saves it' });
  if (entries.length === 0) throw new UsageError('the HAR file has no entries: nothing to replay');

  const findings = new Findings();
  const values = new SuiteValues();
  const ctx: CredentialContext = { values, findings, render: (v) => values.literal(v), isReference: () => false };
  const left = new Set<string>();
  const steps: Array<{ step: StepInput; url: URL }> = [];
  entries.forEach((entry: unknown, i: number) => {
    const where = `entry ${i + 1}`;
    const request = isRecord(entry) ? entry.request : undefined;
    if (!isRecord(request) || typeof request.method !== 'string' || typeof request.url !== 'string') {
      findings.unmapped(where, 'not imported: it has no request with a method and a URL');
      return;
    }
    const built = buildStep(entry as Record<string, unknown>, request, where, ctx, left);
    if (built !== null) steps.push(built);
  });
  if (steps.length === 0) throw new UsageError('the HAR file has no HTTP request to replay');
  if (left.size > 0) findings.note('every entry', `the headers ${[...left].join(', ')} are left out: apitest's transport sets them itself`);

  const origins = new Set(steps.map((s) => s.url.origin));
  const log = isRecord(data) && isRecord(data.log) ? data.log : {};
  const title = Array.isArray(log.pages) && isRecord(log.pages[0]) ? log.pages[0].title : undefined;
  const [origin] = origins;
  const relative = origins.size === 1 && origin !== undefined && origin !== 'null';
  const suite: SuiteFile = {
    ...(typeof title === 'string' && title.trim() !== '' ? { name: title.trim().slice(0, 200) } : {}),
    ...(relative ? { baseUrl: values.literal(origin) } : {}),
    steps: [],
  };
  const finalSteps = steps.map(({ step, url }) => (relative ? { ...step, url: values.literal(`${url.pathname}${url.search}`) } : step));
  if (Object.keys(values.vars).length > 0) suite.vars = { ...values.vars };
  delete (suite as { steps?: unknown }).steps;
  suite.steps = finalSteps;
  return { suite, findings: findings.list };
}

function buildStep(entry: Record<string, unknown>, request: Record<string, unknown>, where: string, ctx: CredentialContext, left: Set<string>): { step: StepInput; url: URL } | null {
  const { values, findings } = ctx;
  const method = request.method as string;
  const rawUrl = request.url as string;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    findings.unmapped(where, `not imported: ${JSON.stringify(rawUrl.slice(0, 80))} is not a URL`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    findings.unmapped(where, `not imported: ${url.protocol} URLs are not HTTP requests`);
    return null;
  }
  if (!TOKEN.test(method)) {
    findings.unmapped(where, `not imported: ${JSON.stringify(method.slice(0, 20))} is not a method`);
    return null;
  }
  url.hash = '';
  const { url: kept, moved } = moveSecretQuery(url.toString(), where, ctx);
  const keptUrl = new URL(kept);
  const step: StepInput = { name: `${method} ${keptUrl.pathname}`.slice(0, 200), method, url: values.literal(kept) };
  if (moved.length > 0) step.query = Object.fromEntries(moved);

  const headers: ImportedHeader[] = [];
  for (const h of Array.isArray(request.headers) ? (request.headers as unknown[]) : []) {
    if (!isRecord(h) || typeof h.name !== 'string' || typeof h.value !== 'string') continue;
    const header = h as unknown as HarHeader;
    const lower = header.name.toLowerCase();
    if (header.name.startsWith(':') || TRANSPORT_HEADERS.has(lower)) {
      left.add(header.name.startsWith(':') ? 'HTTP/2 pseudo-headers (:method, :path…)' : lower);
      continue;
    }
    if (!TOKEN.test(header.name)) {
      findings.unmapped(where, `the header ${JSON.stringify(header.name.slice(0, 40))} is not imported: not a header name`);
      continue;
    }
    headers.push([header.name, header.value, where]);
  }

  let auth: Auth | null = null;
  const authorization = headers.find(([n]) => n.toLowerCase() === 'authorization');
  if (authorization !== undefined) {
    auth = authorizationAuth(authorization[1], where, ctx);
    if (auth !== null) headers.splice(headers.indexOf(authorization), 1);
  }

  const postData = isRecord(request.postData) ? request.postData : null;
  let json: unknown = undefined;
  let body: string | null = null;
  let form: Record<string, string> | null = null;
  if (postData !== null) {
    const mimeType = typeof postData.mimeType === 'string' ? postData.mimeType : '';
    const hasType = headers.some(([n]) => n.toLowerCase() === 'content-type');
    const text = bodyText(postData, where, findings);
    if (text !== null) {
      if (!hasType && mimeType !== '' && contentTypeOf(Buffer.from(text, 'utf8')) !== mimeType) headers.push(['Content-Type', mimeType, where]);
      const type = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? mimeType;
      json = /json/i.test(type) ? losslessJson(text) : undefined;
      if (json === undefined) body = text;
    } else if (Array.isArray(postData.params) && postData.params.length > 0) {
      form = paramsForm(postData.params as unknown[], mimeType, where, findings);
      if (form !== null && hasType) {
        const type = headers.find(([n]) => n.toLowerCase() === 'content-type');
        if (type !== undefined && /multipart/i.test(type[1])) headers.splice(headers.indexOf(type), 1);
      }
    }
  }

  const record = headerRecord(headers, ctx);
  if (Object.keys(record).length > 0) step.headers = record;
  if (auth !== null) step.auth = auth;
  if (json !== undefined) step.json = literalDeep(json, values);
  else if (body !== null) step.body = values.literal(body);
  else if (form !== null) step.form = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, values.literal(v)]));

  const response = isRecord(entry.response) ? entry.response : null;
  const status = response?.status;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) step.expect = { status };
  else findings.unmapped(where, `no status was recorded (${JSON.stringify(status ?? null)}, e.g. a blocked or failed request): the step has no status expectation, so it fails on a status >= 400`);
  return { step, url: keptUrl };
}

/** The recorded body as text; `encoding: base64` (some tools write it) decoded; null without text. */
function bodyText(postData: Record<string, unknown>, where: string, findings: Findings): string | null {
  if (typeof postData.text !== 'string') return null;
  if (postData.encoding === 'base64') {
    const bytes = Buffer.from(postData.text, 'base64');
    const text = bytes.toString('utf8');
    if (text.includes('\u0000') || !Buffer.from(text, 'utf8').equals(bytes)) {
      findings.unmapped(where, 'the request body is binary: not imported (a suite body is text)');
      return null;
    }
    return text;
  }
  return postData.text;
}

/** `postData.params` (no text recorded) as a form; file uploads were not recorded with their content. */
function paramsForm(params: readonly unknown[], mimeType: string, where: string, findings: Findings): Record<string, string> | null {
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of params) {
    if (!isRecord(p) || typeof p.name !== 'string' || p.name === '') continue;
    if (typeof p.fileName === 'string') {
      findings.unmapped(where, `the uploaded file of the form field ${p.name} is not imported: a HAR file does not hold its content`);
      continue;
    }
    if (p.name in form) {
      findings.unmapped(where, `a second form field ${p.name} is not imported (a suite form has one value per name)`);
      continue;
    }
    form[p.name] = typeof p.value === 'string' ? p.value : '';
  }
  if (Object.keys(form).length === 0) return null;
  if (/multipart/i.test(mimeType)) findings.unmapped(where, 'the form was sent as multipart/form-data; a suite form without a file field is sent as application/x-www-form-urlencoded');
  return form;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
