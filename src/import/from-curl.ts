/**
 * `apitest import curl`: a curl command line (or several, one per line or joined by `;`/`&&`) → a suite with one
 * step per request. Pure: files named by `@file`/`-T`/`< file` are read through `readFile`, given by the caller.
 *
 * Mapped: method (`-X`, `-I`, `-G`, the defaults curl picks), URL (`--url`, `--url-query`, `-G` data; a user and
 * password in it become auth), headers (`-H`, `-A`, `-e`, `-r`, `-b` cookies), the body (`-d` and its kinds, `--json`,
 * `-F`, `-T`), `-u` and `--oauth2-bearer`, `-k`, `-L`/`--max-redirs`, `-m`, `--retry`/`--retry-delay`, `--compressed`.
 * Secrets given in clear go to environment variables (suite-values.ts). Everything else is a finding.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { contentTypeOf, urlProblem } from '../model/request-spec.js';
import type { StepInput } from '../suite/suite-schema.js';
import { parseCurlArgs, type CurlSegment, type Given } from './curl-args.js';
import { dataText, formFields, urlencodePiece, uploadText, type BodySources, type FormPart } from './curl-body.js';
import { authorizationAuth, headerRecord, moveSecretQuery, safeDecode, secretValue, type Auth, type CredentialContext } from './credentials.js';
import { Findings, inInputOrder, type ImportResult } from './findings.js';
import { literalDeep, losslessJson } from './json-body.js';
import { ENV_OPEN, tokenizeShell, displayWord, type ShellRedirect, type ShellToken, type ShellWord } from './shell-words.js';
import { hasEnvPart, SuiteValues } from './suite-values.js';

export interface CurlImportOptions {
  /** Reads a file the command names (`-d @file`, `-F f=<file`, `-T file`, `< file`), relative to curl's working directory. */
  readonly readFile?: (path: string) => Uint8Array | null;
  /** Whether a `-F name=@path` file can be read (without reading it); when absent, `readFile` is asked. */
  readonly readable?: (path: string) => boolean;
  /** A `-F name=@path` file as the suite should name it (relative to the suite file's directory). */
  readonly formFilePath?: (path: string) => string;
}

interface ShellCommand {
  readonly words: ShellWord[];
  readonly redirects: ShellRedirect[];
  /** Another command's output is piped into this one. */
  readonly pipedInto: boolean;
}

const CURL = /^curl(\.exe)?$/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function importCurl(input: string, options: CurlImportOptions = {}): ImportResult {
  const tokens = tokenizeShell(input);
  const commands = splitCommands(tokens);
  const findings = new Findings();
  const values = new SuiteValues();
  for (const token of tokens) {
    const text = token.kind === 'word' ? token.text : token.kind === 'redirect' ? token.target.text : '';
    for (const match of text.matchAll(/\uE000([^\uE001]*)\uE001/g)) values.reserveEnv(match[1] ?? '');
  }
  const curlCommands = commands.filter((c) => c.words.length > 0 && isCurlWord(commandWords(c)[0]?.text ?? ''));
  if (curlCommands.length === 0) {
    throw new UsageError('no curl command found', { hint: "give a command line that starts with curl, e.g. apitest import curl 'curl https://api.example.com/users'" });
  }
  const several = commands.filter((c) => c.words.length > 0).length > 1;
  const steps: StepInput[] = [];
  commands.forEach((command, commandIndex) => {
    if (command.words.length === 0) return;
    const words = commandWords(command);
    const label = several ? `command ${commandIndex + 1}, argument` : 'argument';
    const where = (index: number): string => `${label} ${index}`;
    const first = words[0];
    if (first === undefined || !isCurlWord(first.text)) {
      const name = displayWord(first?.text ?? command.words[0]?.text ?? '');
      findings.note(several ? `command ${commandIndex + 1}` : 'command', `${JSON.stringify(name.slice(0, 30))} is not a curl command: left out`);
      return;
    }
    for (const skipped of command.words.slice(0, command.words.indexOf(first))) {
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(skipped.text)) findings.unmapped(several ? `command ${commandIndex + 1}` : 'command', `${skipped.text.split('=')[0] ?? ''}=…: a variable set for the command is not kept (set it in the environment)`);
    }
    const stdin = stdinOf(command, options, findings, several ? `command ${commandIndex + 1}` : 'command');
    const segments = parseCurlArgs(words.map((w) => ({ text: w.text, notes: w.notes })), findings, where);
    const sources: BodySources = { readFile: options.readFile ?? null, readable: options.readable ?? null, stdin, findings, where };
    segments.forEach((segment, segmentIndex) => {
      if (segment.urls.length === 0) {
        if (segmentIndex === 0 || hasAnyOption(segment)) findings.unmapped(several ? `command ${commandIndex + 1}` : 'command', `a set of options${segmentIndex > 0 ? ' after --next' : ''} has no URL: nothing to import from it`);
        return;
      }
      for (const url of segment.urls) {
        const step = buildStep(segment, url, { values, findings, where, sources, formFilePath: options.formFilePath ?? ((p) => p), render: (v) => values.template(v), isReference: hasEnvPart });
        if (step !== null) steps.push(step);
      }
    });
  });
  if (steps.length === 0) throw new UsageError('the curl command has no HTTP URL to import', { hint: 'give the URL of the request (http:// or https://)' });
  const suite = Object.keys(values.vars).length > 0 ? { vars: { ...values.vars }, steps } : { steps };
  return { suite, findings: inInputOrder(findings.list) };
}

function isCurlWord(text: string): boolean {
  return CURL.test(basename(text.replace(/\\/g, '/')));
}

/** The command's words from `curl` on: a shell prompt (`$`) and variable assignments before it are not arguments. */
function commandWords(command: ShellCommand): ShellWord[] {
  let start = 0;
  while (start < command.words.length) {
    const text = command.words[start]?.text ?? '';
    if (text === '$' || text === '%' || text === '>' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) start++;
    else break;
  }
  return command.words.slice(start);
}

function splitCommands(tokens: readonly ShellToken[]): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let current: ShellCommand = { words: [], redirects: [], pipedInto: false };
  for (const token of tokens) {
    if (token.kind === 'word') current.words.push(token);
    else if (token.kind === 'redirect') current.redirects.push(token);
    else {
      commands.push(current);
      current = { words: [], redirects: [], pipedInto: token.op === '|' };
    }
  }
  commands.push(current);
  return commands.filter((c) => c.words.length > 0 || c.redirects.length > 0);
}

/** What the command reads on stdin (`<<EOF`, `<<<`, `< file`); other redirections are notes. */
function stdinOf(command: ShellCommand, options: CurlImportOptions, findings: Findings, label: string): string | null {
  let stdin: string | null = null;
  for (const redirect of command.redirects) {
    const op = redirect.op;
    if (op === '<<' || op === '<<-' || op === '<<<' || op === '0<<' || op === '0<<<') stdin = redirect.content ?? '';
    else if (op === '<' || op === '0<') {
      const bytes = hasEnvPart(redirect.target.text) ? null : (options.readFile?.(redirect.target.text) ?? null);
      const text = bytes === null ? null : Buffer.from(bytes).toString('utf8');
      if (text === null || text.includes('\u0000')) findings.unmapped(label, `< ${displayWord(redirect.target.text)}: standard input cannot be read from that file`);
      stdin = text;
    } else findings.note(label, `${op} ${displayWord(redirect.target.text)}: the redirection of curl's output is left out`);
  }
  return command.pipedInto && stdin === null ? null : stdin;
}

function hasAnyOption(segment: CurlSegment): boolean {
  return segment.method !== null || segment.headers.length > 0 || segment.data.length > 0 || segment.forms.length > 0 || segment.user !== null;
}

interface StepContext extends CredentialContext {
  readonly where: (index: number) => string;
  readonly sources: BodySources;
  readonly formFilePath: (path: string) => string;
}

function buildStep(segment: CurlSegment, urlGiven: Given, ctx: StepContext): StepInput | null {
  const { values, findings, where } = ctx;
  const at = (given: Given): string => where(given.index);
  const url = prepareUrl(urlGiven, segment, ctx);
  if (url === null) return null;

  // Headers in the order curl sends them: -H as given, then -A, -e, -r, -b where no -H gave the same header.
  const headers: Array<[string, string, Given]> = [];
  const has = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name.toLowerCase());
  for (const given of segment.headers) {
    const parsed = parseHeader(given, ctx);
    if (parsed !== null) headers.push([parsed[0], parsed[1], given]);
  }
  if (segment.userAgent !== null && !has('user-agent')) headers.push(['User-Agent', segment.userAgent.value, segment.userAgent]);
  if (segment.referer !== null && !has('referer')) {
    const referer = segment.referer.value.replace(/;auto$/, '');
    if (referer !== segment.referer.value) findings.unmapped(at(segment.referer), `${segment.referer.option} ";auto" not imported: redirects do not set Referer`);
    if (referer !== '') headers.push(['Referer', referer, segment.referer]);
  }
  if (segment.range !== null && !has('range')) headers.push(['Range', `bytes=${segment.range.value}`, segment.range]);
  const cookies: string[] = [];
  for (const given of segment.cookies) {
    if (given.value.includes('=')) cookies.push(given.value);
    else findings.unmapped(at(given), `${given.option} ${JSON.stringify(displayWord(given.value).slice(0, 40))}: not imported: a cookie file is not read (give the cookies as name=value)`);
  }
  if (cookies.length > 0) headers.push(['Cookie', cookies.join('; '), segment.cookies[0] as Given]);

  // The body.
  const step: StepInput = { name: '', method: '', url: '' };
  let method: string | null = segment.method?.value ?? null;
  if (method !== null && (hasEnvPart(method) || !TOKEN.test(method))) {
    findings.unmapped(at(segment.method as Given), `${segment.method?.option}: not imported: ${JSON.stringify(displayWord(method))} is not a method name`);
    method = null;
  }
  let bodyKind: 'none' | 'data' | 'form' | 'upload' = 'none';
  if (segment.forms.length > 0 && segment.data.length > 0) {
    throw new UsageError(`${where(segment.forms[0]?.index ?? 0)}: -F and -d cannot be used together`, { hint: 'curl refuses it too ("You can only select one HTTP request method")' });
  }
  let text: { text: string; json: boolean } | null = null;
  let fields: FormPart[] = [];
  if (segment.data.length > 0) {
    text = dataText(segment, ctx.sources);
    bodyKind = 'data';
  } else if (segment.forms.length > 0) {
    fields = formFields(segment, ctx.sources);
    bodyKind = 'form';
  }
  if (segment.uploadFile !== null) {
    if (bodyKind !== 'none') findings.unmapped(at(segment.uploadFile), `${segment.uploadFile.option}: not imported: the request already has a body`);
    else {
      const upload = uploadText(segment.uploadFile, ctx.sources);
      if (upload !== null) text = { text: upload, json: false };
      bodyKind = 'upload';
    }
  }
  let finalUrl = url.text;
  if (segment.get && text !== null && bodyKind === 'data') {
    finalUrl = appendQuery(finalUrl, text.text);
    text = null;
    bodyKind = 'none';
  }
  if (bodyKind === 'upload' && segment.uploadFile !== null && /\/$/.test(finalUrl) && !hasEnvPart(segment.uploadFile.value) && segment.uploadFile.value !== '-' && segment.uploadFile.value !== '.') {
    finalUrl += encodeURIComponent(basename(segment.uploadFile.value));
  }
  const defaultMethod = segment.head ? 'HEAD' : segment.get ? 'GET' : bodyKind === 'data' || bodyKind === 'form' ? 'POST' : bodyKind === 'upload' ? 'PUT' : 'GET';
  step.method = method ?? defaultMethod;
  step.url = values.template(finalUrl);
  step.name = stepName(step.method, finalUrl);
  if (url.query.length > 0) {
    step.query = Object.fromEntries(url.query.map(([name, value]) => [name, value]));
  }

  // Auth, and credentials in headers (both may be replaced by environment references).
  let auth: Auth | null = null;
  const authorization = headers.find(([n]) => n.toLowerCase() === 'authorization');
  if (authorization !== undefined) {
    const mapped = authorizationAuth(authorization[1], at(authorization[2]), ctx);
    if (mapped !== null) {
      auth = mapped;
      headers.splice(headers.indexOf(authorization), 1);
    }
  }
  const userGiven = segment.user ?? url.user;
  if (userGiven !== null) {
    if (auth !== null || authorization !== undefined) findings.unmapped(at(userGiven), `${userGiven.option}: not imported: the Authorization header given with -H is sent instead (as curl does)`);
    else auth = basicAuth(userGiven, ctx);
  }
  if (segment.bearer !== null) {
    if (auth !== null || authorization !== undefined) findings.unmapped(at(segment.bearer), `${segment.bearer.option}: not imported: the request already has an Authorization header`);
    else auth = { bearer: secretValue(segment.bearer.value, 'ACCESS_TOKEN', at(segment.bearer), `the ${segment.bearer.option} token`, ctx) };
  }
  const apiKeyHeader = headers.find(([n]) => /^(x-)?api-?key$/i.test(n));
  if (auth === null && apiKeyHeader !== undefined) {
    auth = { apiKey: secretValue(apiKeyHeader[1], 'API_KEY', at(apiKeyHeader[2]), `the ${apiKeyHeader[0]} header's key`, ctx), header: apiKeyHeader[0] };
    headers.splice(headers.indexOf(apiKeyHeader), 1);
  }

  // Content-Type: curl's own when none was given; written out when apitest would choose another.
  const contentType = headers.find(([n]) => n.toLowerCase() === 'content-type');
  if (bodyKind === 'form' && contentType !== undefined && /^multipart\/form-data/i.test(contentType[1])) {
    headers.splice(headers.indexOf(contentType), 1);
    findings.note(at(contentType[2]), `Content-Type: ${contentType[1].slice(0, 40)}: left out; the multipart type and its boundary are set when the form is sent`);
  }
  let json: unknown = undefined;
  if (text !== null && bodyKind === 'data') {
    const curlType = contentType?.[1] ?? (text.json ? 'application/json' : 'application/x-www-form-urlencoded');
    if (text.json && !headers.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', 'application/json', segment.data[0] as Given]);
    json = /json/i.test(curlType) && !hasEnvPart(text.text) ? losslessJson(text.text) : undefined;
    const detected = hasEnvPart(text.text) ? null : contentTypeOf(Buffer.from(text.text, 'utf8'));
    const chosen = json !== undefined ? 'application/json' : detected;
    if (contentType === undefined && chosen !== curlType) {
      headers.push(['Content-Type', curlType, segment.data[0] as Given]);
      if (curlType === 'application/x-www-form-urlencoded' && detected === 'application/json') {
        findings.note(at(segment.data[0] as Given), `${segment.data[0]?.option}: curl sends this JSON as application/x-www-form-urlencoded, and so does the suite (with -H 'Content-Type: application/json' it would be JSON)`);
      }
    }
  }

  const record = headerRecord(headers.map(([n, v, g]) => [n, v, at(g)] as const), ctx);
  if (Object.keys(record).length > 0) step.headers = record;
  if (auth !== null) step.auth = auth;
  if (json !== undefined) step.json = literalDeep(json, values);
  else if (text !== null) step.body = values.template(text.text);
  else if (bodyKind === 'form') {
    const form = formObject(fields, segment, ctx);
    if (form !== null) step.form = form;
  }
  if (segment.insecure) step.insecure = true;
  if (segment.location) step.followRedirects = true;
  if (segment.maxRedirs !== null) {
    const n = Number(segment.maxRedirs.value);
    if (Number.isInteger(n) && n >= 0 && n <= 1000) {
      if (segment.location) step.maxRedirects = n;
    } else findings.unmapped(at(segment.maxRedirs), `${segment.maxRedirs.option} ${JSON.stringify(displayWord(segment.maxRedirs.value))}: not imported: a suite takes 0 to 1000 redirects`);
  }
  if (segment.maxTime !== null) {
    const seconds = Number(segment.maxTime.value);
    if (Number.isFinite(seconds) && seconds > 0 && segment.maxTime.value.trim() !== '') step.timeout = seconds;
    else findings.unmapped(at(segment.maxTime), `${segment.maxTime.option} ${JSON.stringify(displayWord(segment.maxTime.value))}: not imported: not a positive number of seconds`);
  }
  const retry = retryOf(segment, ctx);
  if (retry !== null) step.retry = retry;
  return step;
}

/** The URL with a scheme, its user and password taken out (as auth), secret query parameters moved to `query`. */
function prepareUrl(given: Given, segment: CurlSegment, ctx: StepContext): { text: string; user: Given | null; query: Array<[string, string]> } | null {
  const { findings, where } = ctx;
  let text = given.value.trim();
  if (text === '') {
    findings.unmapped(where(given.index), 'an empty URL: not imported');
    return null;
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) && !text.startsWith(ENV_OPEN)) text = `http://${text}`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    findings.unmapped(where(given.index), `${scheme}:// URL not imported: a suite sends HTTP requests only`);
    return null;
  }
  if (!segment.globoff && /[{}[\]]/.test(text.replace(/^[a-z]+:\/\/\[[0-9a-fA-F:.]+\]/i, ''))) {
    findings.unmapped(where(given.index), 'the URL has {…} or […], which curl expands into several requests (unless -g): imported as one URL, as written');
  }
  for (const query of segment.urlQueries) {
    const piece = query.value.startsWith('+') ? query.value.slice(1) : urlencodePiece(query, ctx.sources);
    if (piece !== null) text = appendQuery(text, piece);
  }
  let user: Given | null = null;
  const userinfo = /^(https?:\/\/)([^@/?#]*)@/i.exec(text);
  if (userinfo !== null) {
    text = `${userinfo[1]}${text.slice(userinfo[0].length)}`;
    const raw = userinfo[2] ?? '';
    const decoded = safeDecode(raw);
    user = { value: decoded, index: given.index, option: 'the URL\'s user:password' };
  }
  if (!hasEnvPart(text)) {
    const problem = urlProblem(text);
    if (problem !== null) throw new UsageError(`${where(given.index)}: ${problem}`, { hint: 'check the URL of the curl command' });
  }
  const { url: kept, moved } = moveSecretQuery(text, where(given.index), ctx);
  return { text: kept, user, query: moved };
}

function appendQuery(url: string, query: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${query}${fragment}`;
}

/** `-H 'Name: value'`; `Name;` is an empty header; `Name:` removes one of curl's own (not imported). */
function parseHeader(given: Given, ctx: StepContext): [string, string] | null {
  const { findings, where } = ctx;
  const raw = given.value;
  if (raw.startsWith('@')) {
    findings.unmapped(where(given.index), `${given.option} ${displayWord(raw).slice(0, 40)}: not imported: headers from a file are not read`);
    return null;
  }
  const colon = raw.indexOf(':');
  const semicolon = raw.indexOf(';');
  if (colon === -1 && semicolon !== -1 && raw.slice(semicolon + 1).trim() === '') {
    const name = raw.slice(0, semicolon).trim();
    if (TOKEN.test(name)) return [name, ''];
  }
  if (colon <= 0) {
    findings.unmapped(where(given.index), `${given.option} ${JSON.stringify(displayWord(raw).slice(0, 40))}: not imported: not a "Name: value" header`);
    return null;
  }
  const name = raw.slice(0, colon).trim();
  const value = raw.slice(colon + 1).trim();
  if (!TOKEN.test(name)) {
    findings.unmapped(where(given.index), `${given.option}: not imported: ${JSON.stringify(displayWord(name).slice(0, 40))} is not a header name`);
    return null;
  }
  if (value === '') {
    findings.unmapped(where(given.index), `${given.option} "${name}:": not imported: it removes a header curl adds itself; a suite sends its own`);
    return null;
  }
  return [name, value];
}

/** `-u user:password` (or the URL's): a password in clear goes to $API_PASSWORD; no password: curl would ask for it. */
function basicAuth(given: Given, ctx: StepContext): Auth | null {
  const colon = given.value.indexOf(':');
  const user = colon === -1 ? given.value : given.value.slice(0, colon);
  if (user === '' || user.includes(':')) {
    ctx.findings.unmapped(ctx.where(given.index), `${given.option}: not imported: a suite's Basic auth needs a user name`);
    return null;
  }
  if (colon === -1) {
    const env = ctx.values.secretEnv('API_PASSWORD', `\u0000prompt:${user}`);
    ctx.findings.note(ctx.where(given.index), `${given.option}: curl would ask for the password; the suite reads it from $${env}`);
    return { basic: { user: ctx.values.template(user), password: `{{ env.${env} }}` } };
  }
  return { basic: { user: ctx.values.template(user), password: secretValue(given.value.slice(colon + 1), 'API_PASSWORD', ctx.where(given.index), `the password of ${given.option}`, ctx) } };
}

function formObject(fields: readonly FormPart[], segment: CurlSegment, ctx: StepContext): Record<string, string | { file: string }> | null {
  const form: Record<string, string | { file: string }> = Object.create(null) as Record<string, string | { file: string }>;
  const first = segment.forms[0] as Given;
  for (const field of fields) {
    if (field.name in form) {
      ctx.findings.unmapped(ctx.where(first.index), `-F ${field.name}: a second field of the same name is not imported (a suite form has one value per name)`);
      continue;
    }
    form[field.name] = 'file' in field ? { file: ctx.values.template(ctx.formFilePath(field.file)) } : ctx.values.template(field.text);
  }
  if (Object.keys(form).length === 0) return null;
  if (!fields.some((f) => 'file' in f)) {
    ctx.findings.unmapped(ctx.where(first.index), `${first.option}: curl sends multipart/form-data; a suite form without a file field is sent as application/x-www-form-urlencoded`);
  }
  return form;
}

function retryOf(segment: CurlSegment, ctx: StepContext): StepInput['retry'] | null {
  if (segment.retry === null) {
    if (segment.retryDelay !== null) ctx.findings.note(ctx.where(segment.retryDelay.index), `${segment.retryDelay.option}: left out: there is no --retry`);
    return null;
  }
  const limit = Number(segment.retry.value);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100 || segment.retry.value.trim() === '') {
    ctx.findings.unmapped(ctx.where(segment.retry.index), `${segment.retry.option} ${JSON.stringify(displayWord(segment.retry.value))}: not imported: a suite takes 0 to 100 retries`);
    return null;
  }
  if (segment.retryDelay === null) return limit;
  const delay = Number(segment.retryDelay.value);
  if (!Number.isFinite(delay) || delay <= 0) {
    ctx.findings.unmapped(ctx.where(segment.retryDelay.index), `${segment.retryDelay.option}: not imported: not a positive number of seconds`);
    return limit;
  }
  // curl's --retry-delay is a fixed delay: the suite's backoff starts there and is capped at it.
  return { limit, delay, maxDelay: delay };
}

/** `POST /users`: the method and the URL's path. */
function stepName(method: string, url: string): string {
  const display = displayWord(url);
  const path = /^[a-z]+:\/\/[^/?#]*(\/[^?#]*)?/i.exec(display)?.[1] ?? '';
  return `${method} ${path === '' ? (/^[a-z]+:\/\//i.test(display) ? '/' : display.replace(/[?#].*$/, '')) : path}`.slice(0, 200);
}
