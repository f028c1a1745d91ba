/**
 * A validated suite file compiled into runnable steps, with every problem found before a request is sent:
 * expectations and captures (JSONPaths compiled), schemas, durations, rates, methods, URLs without templates
 * (check-url.ts: as the request will check them, joined to baseUrl), variable references (a name must be a
 * suite var, a --var, or a capture of an earlier step; `env.NAME` must be set for the steps that will run),
 * and which steps run (skip, only, --filter). Its input has no cycles and is at most MAX_DEPTH deep
 * (check-structure.ts runs first).
 */
import type { CaptureSpec } from '../expect/capture.js';
import { parseSubject } from '../expect/parse-expression.js';
import { parseRate } from '../ratelimit/parse-rate.js';
import type { SkipReason } from '../model/suite-report.js';
import { compileExpect, type CompiledExpect, type SchemaCache } from './compile-expect.js';
import { compileRequest, urlNeedsBase, type RequestTemplate } from './compile-request.js';
import { MAX_DEPTH } from './check-structure.js';
import { baseUrlProblem, stepUrlProblem } from './check-url.js';
import { scanTemplates, type Reference } from './interpolate.js';
import type { PathKey, RawProblem } from './locate-issue.js';
import { isCredentialName, isSecretHeaderName } from './secrets.js';
import type { StepInput, SuiteFile } from './suite-schema.js';
import type { Pattern } from '../expect/pattern.js';


export interface CompiledStep {
  readonly index: number;
  readonly name: string;
  /** Why the step does not run, decided before the run (`bail` is decided during it). */
  readonly skip: Exclude<SkipReason, 'bail'> | null;
  readonly request: RequestTemplate;
  readonly expect: CompiledExpect;
  readonly captures: readonly CaptureSpec[];
  /** This step's captures that some step sends as a credential: their values are secrets once captured. */
  readonly secretCaptures: ReadonlySet<string>;
  /** `load.weight`: how many times `apitest load --suite` runs the step in each pass of a virtual user. */
  readonly loadWeight: number;
}

export interface CompiledSuite {
  /** As shown in reports: relative to the working directory, with `/`. */
  readonly file: string;
  readonly name: string;
  readonly baseUrl: string | null;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly steps: readonly CompiledStep[];
  readonly rate: { count: number; perMs: number } | null;
  /** Environment values that flow into credentials: masked in every report. */
  readonly secrets: readonly string[];
  /** One cookie jar for the file's steps (`cookies: false` turns it off). */
  readonly cookies: boolean;
}

export interface CompileContext {
  file: string;
  dir: string;
  /** The suite's directory as shown (for schema file names in messages). */
  displayDir: string;
  cliVars: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string | undefined>>;
  filter: Pattern | null;
  schemaCache: SchemaCache;
}

/**
 * A suite to compile: a valid file, or what could be salvaged from an invalid one (steps that failed the
 * schema are `undefined`) so that its other problems are reported in the same run.
 */
export type SuiteInput = Omit<SuiteFile, 'steps'> & {
  steps: ReadonlyArray<StepInput | undefined>;
  /** Capture names by the first step that declares them, invalid steps included. */
  declaredCaptures: ReadonlyMap<string, number>;
};

export function asSuiteInput(suite: SuiteFile): SuiteInput {
  const declaredCaptures = new Map<string, number>();
  suite.steps.forEach((step, index) => {
    for (const name of Object.keys(step.capture ?? {})) if (!declaredCaptures.has(name)) declaredCaptures.set(name, index);
  });
  const input: SuiteInput = { steps: suite.steps, declaredCaptures };
  if (suite.name !== undefined) input.name = suite.name;
  if (suite.baseUrl !== undefined) input.baseUrl = suite.baseUrl;
  if (suite.vars !== undefined) input.vars = suite.vars;
  if (suite.defaults !== undefined) input.defaults = suite.defaults;
  if (suite.cookies !== undefined) input.cookies = suite.cookies;
  return input;
}

export async function compileSuite(suite: SuiteInput, ctx: CompileContext, problems: RawProblem[]): Promise<CompiledSuite> {
  const defaults = suite.defaults ?? {};
  const vars = suite.vars ?? {};
  const secrets = new Set<string>();
  const secretNames = new Set<string>();
  const allCaptures = suite.declaredCaptures;

  const refs = new ReferenceChecker(ctx, vars, allCaptures, secrets, secretNames, problems);
  if (suite.baseUrl !== undefined) refs.check(suite.baseUrl, ['baseUrl'], { stepIndex: null, runs: true, secret: false });
  refs.check(defaults.headers, ['defaults', 'headers'], { stepIndex: null, runs: true, secret: false, secretHeaders: true });
  refs.check(defaults.query, ['defaults', 'query'], { stepIndex: null, runs: true, secret: false });
  checkAuthRefs(refs, defaults.auth, ['defaults', 'auth'], { stepIndex: null, runs: true, secret: true });
  checkNetworkReferences(refs, defaults, ['defaults'], (secret) => ({ stepIndex: null, runs: true, secret, secretHeaders: false }));

  let rate: CompiledSuite['rate'] = null;
  if (defaults.rate !== undefined) {
    rate = parseRate(defaults.rate) ?? null;
    if (rate === null) problems.push({ path: ['defaults', 'rate'], anchor: 'value', message: `invalid rate ${JSON.stringify(defaults.rate)} (write it as N/s, N/m or N/h, e.g. 10/s)` });
  }
  // URLs without a template are checked now, as the request will check them (with templates: once interpolated).
  const baseProblem = suite.baseUrl === undefined ? null : baseUrlProblem(suite.baseUrl);
  if (baseProblem !== null) problems.push({ path: ['baseUrl'], anchor: 'value', message: baseProblem });

  const anyOnly = suite.steps.some((s) => s?.only === true);
  const steps: CompiledStep[] = [];
  for (const [index, step] of suite.steps.entries()) {
    if (step === undefined) continue;
    const path: PathKey[] = ['steps', index];
    const request = compileRequest(step, defaults, path, ctx.dir, problems);
    const name = step.name ?? `${request.method} ${step.url}`;
    const skip = step.skip === true ? 'skip' : anyOnly && step.only !== true ? 'only' : ctx.filter && !ctx.filter.test(name) ? 'filter' : null;
    const plain = checkScope(index, name, skip === null, false, false);
    refs.check(step.url, [...path, 'url'], plain);
    refs.check(step.query, [...path, 'query'], plain);
    refs.check(step.headers, [...path, 'headers'], checkScope(index, name, skip === null, false, true));
    checkAuthRefs(refs, step.auth, [...path, 'auth'], checkScope(index, name, skip === null, true, false));
    checkNetworkReferences(refs, step, path, (secret) => checkScope(index, name, skip === null, secret, false));
    for (const key of ['json', 'body', 'form'] as const) refs.check(step[key], [...path, key], plain);
    const { status: _status, schema: _schema, ...checked } = step.expect ?? {};
    refs.check(checked, [...path, 'expect'], plain);

    if (suite.baseUrl === undefined && urlNeedsBase(step.url)) {
      problems.push({ path: [...path, 'url'], anchor: 'value', message: `${JSON.stringify(step.url)} is relative, and the suite has no baseUrl` });
    }
    const urlIssue = stepUrlProblem(step.url, suite.baseUrl);
    if (urlIssue !== null) problems.push({ path: [...path, 'url'], anchor: 'value', message: urlIssue });
    const expect = await compileExpect(step.expect, [...path, 'expect'], ctx.dir, ctx.displayDir, ctx.schemaCache, problems);
    steps.push({ index, name, skip, request, expect, captures: compileCaptures(step, path, problems), secretCaptures: new Set(), loadWeight: step.load?.weight ?? 1 });
  }
  // A variable sent as a credential (auth, a secret-looking header) is a secret: a var's or --var's value now, a
  // capture's once it is captured.
  for (const name of secretNames) {
    const value = ctx.cliVars.get(name) ?? (Object.hasOwn(vars, name) ? vars[name] : undefined);
    if (typeof value === 'string' && value !== '') secrets.add(value);
  }
  for (const step of steps) {
    for (const capture of step.captures) if (secretNames.has(capture.name)) (step.secretCaptures as Set<string>).add(capture.name);
  }
  return { file: ctx.file, name: suite.name ?? baseName(ctx.file), baseUrl: suite.baseUrl ?? null, vars, steps, rate, secrets: [...secrets], cookies: suite.cookies !== false };
}

/** `proxy` (its password may come from a variable: a secret), `noProxy`, `tls` (the passphrase is a secret, the paths are not). */
function checkNetworkReferences(refs: ReferenceChecker, fields: Pick<StepInput, 'proxy' | 'noProxy' | 'tls'>, path: readonly PathKey[], scope: (secret: boolean) => CheckScope): void {
  refs.check(fields.proxy, [...path, 'proxy'], scope(true));
  refs.check(fields.noProxy, [...path, 'noProxy'], scope(false));
  const { passphrase, ...files } = fields.tls ?? {};
  refs.check(passphrase, [...path, 'tls', 'passphrase'], scope(true));
  refs.check(files, [...path, 'tls'], scope(false));
}

/**
 * The references of an auth value. Its values are credentials (the env values they read become secrets), except
 * the OAuth2 settings that are not: the token URL, client id, scope, audience and method are checked as plain
 * values (a `{{ env.BASE_URL }}` in a token URL must not mask every URL of the run).
 */
function checkAuthRefs(refs: ReferenceChecker, auth: unknown, path: readonly PathKey[], scope: CheckScope): void {
  if (typeof auth !== 'object' || auth === null || !('oauth2' in auth) || typeof auth.oauth2 !== 'object' || auth.oauth2 === null) {
    refs.check(auth, path, scope);
    return;
  }
  const plain = checkScope(scope.stepIndex, scope.stepName, scope.runs, false, false);
  for (const [key, value] of Object.entries(auth.oauth2)) {
    refs.check(value, [...path, 'oauth2', key], key === 'clientSecret' || key === 'refreshToken' ? scope : plain);
  }
}

function compileCaptures(step: StepInput, path: readonly PathKey[], problems: RawProblem[]): CaptureSpec[] {
  const out: CaptureSpec[] = [];
  for (const [name, source] of Object.entries(step.capture ?? {})) {
    if (name === 'env') {
      problems.push({ path: [...path, 'capture', name], anchor: 'key', message: '"env" is reserved for {{ env.NAME }}; choose another name' });
      continue;
    }
    try {
      out.push({ name, source, subject: parseSubject(source) });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/^invalid expectation "[^"]*": /, '');
      problems.push({ path: [...path, 'capture', name], anchor: 'value', message: `invalid capture ${JSON.stringify(source)}: ${reason} (capture a JSONPath such as $.id, header <name>, status, body, duration, size or count <jsonpath>)` });
    }
  }
  return out;
}

function baseName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.(ya?ml|json)$/i, '');
}

/**
 * A scope written out key by key: `{ ...scope, secret }` in a loop over thousands of steps would give each
 * copy a hidden class of its own once optimized (Node 20), garbage that only a full collection frees.
 */
function checkScope(stepIndex: number | null, stepName: string | undefined, runs: boolean, secret: boolean, secretHeaders: boolean): CheckScope {
  return stepName === undefined ? { stepIndex, runs, secret, secretHeaders } : { stepIndex, stepName, runs, secret, secretHeaders };
}

interface CheckScope {
  /** null: suite-level (baseUrl, defaults), which may use any capture of the file. */
  stepIndex: number | null;
  stepName?: string;
  /** Whether env references must be set now (the step will run). */
  runs: boolean;
  /** Values here are credentials: the env values they read are secrets. */
  secret: boolean;
  /** Header maps: a secret-looking header name makes its value a credential. */
  secretHeaders?: boolean;
}

class ReferenceChecker {
  constructor(
    private readonly ctx: CompileContext,
    private readonly vars: Readonly<Record<string, unknown>>,
    private readonly captures: ReadonlyMap<string, number>,
    private readonly secrets: Set<string>,
    private readonly secretNames: Set<string>,
    private readonly problems: RawProblem[],
  ) {}

  /**
   * Checks every string inside `value`. Cycles and depth are reported by check-structure.ts before this
   * runs; the walk still skips a value it is already inside and stops at MAX_DEPTH, so it cannot overflow.
   */
  check(value: unknown, path: readonly PathKey[], scope: CheckScope, within: WeakSet<object> | null = null): void {
    if (typeof value === 'string') {
      this.checkString(value, path, scope);
      return;
    }
    if (typeof value !== 'object' || value === null || path.length > MAX_DEPTH) return;
    const inside = within ?? new WeakSet<object>();
    if (inside.has(value)) return;
    inside.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.check(item, [...path, i], scope, inside));
    } else {
      for (const [key, item] of Object.entries(value)) {
        const secret = scope.secret || (scope.secretHeaders === true && path.length > 0 && isSecretHeaderName(key));
        this.check(item, [...path, key], checkScope(scope.stepIndex, scope.stepName, scope.runs, secret, false), inside);
      }
    }
    inside.delete(value);
  }

  private checkString(text: string, path: readonly PathKey[], scope: CheckScope): void {
    const { references, problems } = scanTemplates(text);
    for (const problem of problems) this.problems.push({ path, anchor: 'value', message: `invalid template ${problem.text}: ${problem.message}` });
    for (const ref of references) this.checkReference(ref, path, scope);
  }

  private checkReference(ref: Reference, path: readonly PathKey[], scope: CheckScope): void {
    if (ref.kind === 'env') {
      const value = this.ctx.env[ref.name];
      if (value === undefined) {
        if (scope.runs) this.problems.push({ path, anchor: 'value', message: `environment variable ${ref.name} is not set (set it, or load it with --env-file)` });
      } else if (scope.secret || isCredentialName(ref.name)) {
        this.secrets.add(value);
      }
      return;
    }
    if (scope.secret) this.secretNames.add(ref.name);
    if (Object.hasOwn(this.vars, ref.name) || this.ctx.cliVars.has(ref.name)) return;
    const capturedAt = this.captures.get(ref.name);
    if (capturedAt !== undefined && (scope.stepIndex === null || capturedAt < scope.stepIndex)) return;
    const where = scope.stepIndex === null ? '' : ` in step ${JSON.stringify(scope.stepName)}`;
    const later = capturedAt === undefined ? '' : `; it is captured only by a later step, steps[${capturedAt}]`;
    this.problems.push({
      path,
      anchor: 'value',
      message: `unknown variable "${ref.name}"${where}${later} (define it in vars, pass --var ${ref.name}=VALUE, or capture it in an earlier step)`,
    });
  }
}
