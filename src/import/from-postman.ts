/**
 * `apitest import postman`: a Postman collection (v2.0 or v2.1), with an optional environment file → one suite.
 *
 * Folders become name prefixes (`Users/Admin/Create user`), requests become steps in the collection's order,
 * collection and environment variables become `vars` (postman-vars.ts), auth is mapped (postman-auth.ts; the
 * collection's as `defaults.auth`, an item's or its folder's as the step's). Postman follows redirects by default,
 * so the suite does too (`defaults.followRedirects: true`). Scripts (pre-request and test, at every level) are not
 * run by a suite: each is listed with its item path; a test script's `pm.response.to.have.status(N)` becomes
 * `expect: { status: N }`. Saved example responses and descriptions are documentation and are not imported.
 */
import { UsageError } from '../errors.js';
import type { StepInput, SuiteFile } from '../suite/suite-schema.js';
import type { Auth } from './credentials.js';
import { Findings, type ImportResult } from './findings.js';
import { mapPostmanAuth, type AuthContext } from './postman-auth.js';
import { applyBehavior, mapPostmanRequest, type RequestContext } from './postman-request.js';
import { PostmanVars, type PostmanVariable } from './postman-vars.js';
import { SuiteValues } from './suite-values.js';

export interface PostmanImportOptions {
  /** The environment file's text (Postman's export of an environment), if one was given. */
  readonly environment?: string | null;
  /** Whether this build's suites have `auth.oauth2`. */
  readonly supportsOAuth2?: boolean;
  /** A formdata file path as the suite should name it, and whether it exists. */
  readonly formFile?: (src: string) => { path: string; exists: boolean };
}

const HINT = 'export the collection from Postman as Collection v2.1 (or v2.0)';

export function importPostman(collectionText: string, options: PostmanImportOptions = {}): ImportResult {
  const collection = parseJson(collectionText, 'the collection');
  if (!isRecord(collection)) throw new UsageError('not a Postman collection: the file is not a JSON object', { hint: HINT });
  if (Array.isArray(collection.requests) && !Array.isArray(collection.item)) throw new UsageError('a Postman collection v1 is not supported', { hint: HINT });
  const info = isRecord(collection.info) ? collection.info : null;
  if (info === null || !Array.isArray(collection.item)) throw new UsageError('not a Postman collection: it has no info and item list', { hint: HINT });
  const schema = typeof info.schema === 'string' ? info.schema : '';
  if (schema !== '' && !/collection\/v2\.[01]/.test(schema)) throw new UsageError(`unsupported Postman collection schema ${JSON.stringify(schema.slice(0, 100))}`, { hint: HINT });
  const collectionName = typeof info.name === 'string' && info.name.trim() !== '' ? info.name.trim() : 'Postman collection';
  const top = `collection ${JSON.stringify(collectionName)}`;

  const findings = new Findings();
  const values = new SuiteValues();
  const vars = new PostmanVars(values, findings);
  const variables: PostmanVariable[] = [];
  for (const v of Array.isArray(collection.variable) ? collection.variable : []) {
    if (!isRecord(v) || typeof v.key !== 'string' || v.key === '') continue;
    if (v.disabled === true) {
      findings.note(`${top} variables`, `the variable ${v.key} is disabled in Postman: left out`);
      continue;
    }
    variables.push({ key: v.key, value: v.value ?? '', secret: v.type === 'secret', where: `${top} variables` });
  }
  if (options.environment !== undefined && options.environment !== null) variables.push(...environmentVariables(options.environment, findings));
  vars.define(variables);

  const supportsOAuth2 = options.supportsOAuth2 === true;
  const formFile = options.formFile ?? ((src: string) => ({ path: src, exists: true }));
  const context = (where: string): RequestContext & AuthContext => ({
    values,
    findings,
    vars,
    formFile,
    supportsOAuth2,
    render: (value) => vars.text(value, where),
    isReference: PostmanVars.hasReference,
  });

  const defaults: NonNullable<SuiteFile['defaults']> = { followRedirects: true };
  const collectionAuth = mapPostmanAuth(collection.auth, top, context(top));
  const defaultAuth: Auth | null = collectionAuth.kind === 'mapped' ? collectionAuth.auth : null;
  if (defaultAuth !== null) defaults.auth = defaultAuth;
  scripts(collection.event, top, findings);

  const steps: StepInput[] = [];
  const walk = (items: readonly unknown[], path: readonly string[], inherited: Auth | 'none' | null, depth: number): void => {
    for (const item of items) {
      if (!isRecord(item)) continue;
      const name = typeof item.name === 'string' && item.name.trim() !== '' ? item.name.trim() : '(unnamed)';
      const where = [...path, name].join('/');
      // A folder's auth is item.auth; a request's is item.request.auth.
      const ownRaw = Array.isArray(item.item) ? item.auth : isRecord(item.request) ? item.request.auth : undefined;
      const own = mapPostmanAuth(ownRaw, where, context(where));
      // An auth that could not be mapped sends none (rather than the collection's).
      const auth = own.kind === 'inherit' ? inherited : own.kind === 'none' || own.auth === null ? 'none' : own.auth;
      scripts(item.event, where, findings, item.request !== undefined);
      if (Array.isArray(item.item)) {
        if (depth > 50) {
          findings.unmapped(where, 'folders nested deeper than 50 levels are not imported');
          continue;
        }
        walk(item.item, [...path, name], auth, depth + 1);
        continue;
      }
      if (item.request === undefined || (typeof item.request !== 'string' && !isRecord(item.request))) {
        findings.unmapped(where, 'not imported: neither a request nor a folder');
        continue;
      }
      const fields = mapPostmanRequest(item.request as Record<string, unknown> | string, where, context(where));
      if (fields === null) continue;
      applyBehavior(item.protocolProfileBehavior, fields, where, context(where));
      const step: StepInput = { name: where.slice(0, 500), ...fields };
      if (auth === 'none') {
        if (defaultAuth !== null) step.auth = 'none';
      } else if (auth !== null && JSON.stringify(auth) !== JSON.stringify(defaultAuth)) step.auth = auth;
      const status = testStatus(item.event);
      if (status !== null) step.expect = { status };
      steps.push(orderStep(step));
    }
  };
  walk(collection.item, [], defaultAuth, 0);
  if (steps.length === 0) throw new UsageError(`the collection ${JSON.stringify(collectionName)} has no request to import`);
  const suite: SuiteFile = { name: collectionName.slice(0, 200), ...(Object.keys(values.vars).length > 0 ? { vars: { ...values.vars } } : {}), defaults, steps };
  return { suite, findings: findings.list };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`, { hint: HINT });
  }
}

/** A Postman environment export: `{ name, values: [{ key, value, enabled, type }] }`. */
function environmentVariables(text: string, findings: Findings): PostmanVariable[] {
  const env = parseJson(text, 'the environment file');
  if (!isRecord(env) || !Array.isArray(env.values)) throw new UsageError('not a Postman environment: it has no values list', { hint: 'export the environment from Postman (Environments → Export)' });
  const where = `environment ${JSON.stringify(typeof env.name === 'string' ? env.name : 'environment')}`;
  const out: PostmanVariable[] = [];
  for (const v of env.values) {
    if (!isRecord(v) || typeof v.key !== 'string' || v.key === '') continue;
    if (v.enabled === false) {
      findings.note(where, `the variable ${v.key} is disabled in Postman: left out`);
      continue;
    }
    out.push({ key: v.key, value: v.value ?? '', secret: v.type === 'secret', where });
  }
  return out;
}

/** Every non-empty script at this level is listed: a suite runs no JavaScript. */
function scripts(events: unknown, where: string, findings: Findings, isRequest = false): void {
  if (!Array.isArray(events)) return;
  for (const event of events) {
    if (!isRecord(event) || !isRecord(event.script)) continue;
    const exec = event.script.exec;
    const code = Array.isArray(exec) ? exec.join('\n') : typeof exec === 'string' ? exec : '';
    if (code.trim() === '' || event.disabled === true) continue;
    const kind = event.listen === 'prerequest' ? 'pre-request script' : event.listen === 'test' ? 'test script' : `${typeof event.listen === 'string' ? event.listen : (JSON.stringify(event.listen) ?? 'unnamed')} script`;
    const scope = isRequest ? '' : ' (it runs for every request below)';
    const status = event.listen === 'test' && isRequest ? statusCheck(code) : null;
    findings.unmapped(where, `${kind} not imported${scope}${status !== null ? `; its status check became expect: { status: ${status} }` : ''}`);
  }
}

/** `pm.response.to.have.status(201)` (or `pm.expect(pm.response.code).to.eql(201)`) in a test script. */
function statusCheck(code: string): number | null {
  const match = /pm\.response\.to\.have\.status\(\s*(\d{3})\s*\)/.exec(code) ?? /pm\.expect\(\s*pm\.response\.code\s*\)\.to\.(?:eql|equal|be\.equal)\(\s*(\d{3})\s*\)/.exec(code);
  const status = match === null ? NaN : Number(match[1]);
  return status >= 100 && status <= 599 ? status : null;
}

function testStatus(events: unknown): number | null {
  if (!Array.isArray(events)) return null;
  for (const event of events) {
    if (!isRecord(event) || event.listen !== 'test' || event.disabled === true || !isRecord(event.script)) continue;
    const exec = event.script.exec;
    const status = statusCheck(Array.isArray(exec) ? exec.join('\n') : typeof exec === 'string' ? exec : '');
    if (status !== null) return status;
  }
  return null;
}

/** Keys in the order people read a step: name, method, url, query, headers, auth, body, settings, expect. */
function orderStep(step: StepInput): StepInput {
  const order = ['name', 'method', 'url', 'query', 'headers', 'auth', 'json', 'body', 'form', 'followRedirects', 'insecure', 'expect'];
  const out: Record<string, unknown> = {};
  for (const key of order) if ((step as Record<string, unknown>)[key] !== undefined) out[key] = (step as Record<string, unknown>)[key];
  return out as StepInput;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
