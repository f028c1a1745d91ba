/**
 * Postman variables in a suite. Collection variables, overridden by those of an environment file (as Postman
 * resolves them), become the suite's `vars`; `{{name}}` in requests stays `{{name}}`. Where a suite differs:
 *
 * - a name a suite does not accept (`user.id`, `base url`) is renamed (`user_id`), everywhere, with a note;
 * - a secret (Postman type `secret`, or a credential-looking name such as `apiKey`, `client_secret`) is not written
 *   into the file: its references become `{{ env.API_KEY }}`, with a note naming the variable to set;
 * - a value that refers to other variables (`{{host}}/v1`) is written where it is used (suite vars are literal);
 * - a variable used but defined nowhere becomes an empty var, with a note (give it with `--var name=…`);
 * - Postman's dynamic variables (`{{$guid}}`, `{{$timestamp}}`…) have no equivalent: each becomes an empty var of
 *   its own (`guid`), listed as not imported.
 */
import type { Findings } from './findings.js';
import { SECRET_NAME, toEnvName, toVarName, type Segment, type SuiteValues } from './suite-values.js';

const TEMPLATE = /\{\{([^{}]*)\}\}/g;

type Binding = { readonly kind: 'var'; readonly name: string } | { readonly kind: 'env'; readonly name: string } | { readonly kind: 'macro'; readonly text: string };

export interface PostmanVariable {
  readonly key: string;
  readonly value: unknown;
  readonly secret: boolean;
  /** Where it was defined, for findings: `collection variables`, `environment "Dev"`. */
  readonly where: string;
}

export class PostmanVars {
  private readonly bindings = new Map<string, Binding>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly values: SuiteValues,
    private readonly findings: Findings,
  ) {}

  /** Defines the variables, later definitions (the environment) winning. */
  define(variables: readonly PostmanVariable[]): void {
    const last = new Map<string, PostmanVariable>();
    for (const v of variables) last.set(v.key, v);
    for (const v of last.values()) {
      const text = typeof v.value === 'string' ? v.value : null;
      if (isSecret(v) && (text === null || !text.includes('{{'))) {
        const env = this.values.secretEnv(toEnvName(v.key), `\u0000var:${v.key}`);
        this.bindings.set(v.key, { kind: 'env', name: env });
        this.findings.note(v.where, `the variable ${v.key} looks like a credential: the suite reads it from $${env}, and its value is not written into the file (set it before running the suite)`);
        continue;
      }
      if (text !== null && /\{\{[^{}]*\}\}/.test(text)) {
        this.bindings.set(v.key, { kind: 'macro', text });
        continue;
      }
      let name = toVarName(v.key);
      if (this.values.hasVar(name)) name = this.values.freeVarName(name);
      this.values.addVar(name, v.value ?? '');
      this.bindings.set(v.key, { kind: 'var', name });
      if (name !== v.key) this.findings.note(v.where, `the variable ${JSON.stringify(v.key)} is named ${name} in the suite (a suite variable name has letters, digits, _ and -)`);
    }
  }

  /** Postman text (a URL, a header value, a body) as a suite string. */
  text(value: unknown, where: string): string {
    if (value === undefined || value === null) return '';
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return this.values.compose(this.segments(text, where, new Set()));
  }

  /** Whether text refers to a variable (so a credential in it is not given in clear). */
  static hasReference(text: string): boolean {
    return /\{\{[^{}]*\}\}/.test(text);
  }

  private segments(text: string, where: string, expanding: ReadonlySet<string>): Segment[] {
    const out: Segment[] = [];
    let last = 0;
    for (const match of text.matchAll(TEMPLATE)) {
      if (match.index > last) out.push({ literal: text.slice(last, match.index) });
      last = match.index + match[0].length;
      out.push(...this.reference((match[1] ?? '').trim(), match[0], where, expanding));
    }
    if (last < text.length) out.push({ literal: text.slice(last) });
    return out;
  }

  private reference(name: string, written: string, where: string, expanding: ReadonlySet<string>): Segment[] {
    if (name.startsWith('$')) return [{ ref: this.dynamic(name, where) }];
    const binding = this.bindings.get(name);
    if (binding === undefined || (binding.kind === 'macro' && expanding.has(name))) {
      if (binding !== undefined) this.report(`cycle:${name}`, () => this.findings.unmapped(where, `the variable ${name} refers to itself: it is left empty`));
      return [{ ref: this.undefinedVar(name, where) }];
    }
    switch (binding.kind) {
      case 'var':
        return [{ ref: binding.name }];
      case 'env':
        return [{ ref: `env.${binding.name}` }];
      case 'macro':
        if (expanding.size > 20) return [{ literal: written }];
        return this.segments(binding.text, where, new Set([...expanding, name]));
    }
  }

  /** A Postman dynamic variable ({{$guid}}): an empty variable of its own, listed as not imported. */
  private dynamic(name: string, where: string): string {
    const key = `$dynamic:${name}`;
    let binding = this.bindings.get(key);
    if (binding === undefined || binding.kind !== 'var') {
      const varName = this.values.freeVarName(toVarName(name.slice(1)) || 'dynamic');
      this.values.addVar(varName, '');
      binding = { kind: 'var', name: varName };
      this.bindings.set(key, binding);
    }
    const suiteName = binding.name;
    this.findings.unmapped(where, `{{${name}}} (a Postman dynamic variable) is not imported: it reads the variable ${suiteName}, empty in the suite (give it with --var ${suiteName}=…)`);
    return suiteName;
  }

  private undefinedVar(name: string, where: string): string {
    const key = `$undefined:${name}`;
    const known = this.bindings.get(key);
    if (known?.kind === 'var') return known.name;
    let varName = toVarName(name);
    if (this.values.hasVar(varName)) varName = this.values.freeVarName(varName);
    this.values.addVar(varName, '');
    this.bindings.set(key, { kind: 'var', name: varName });
    this.findings.note(where, `the variable ${name} is not defined in the collection${name === varName ? '' : ` (named ${varName} in the suite)`} or the environment given: it is empty in the suite; give it with --var ${varName}=… (or import with --environment FILE)`);
    return varName;
  }

  private report(key: string, say: () => void): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    say();
  }
}

/** Postman's `secret` type, or a credential-looking name whose value is not a URL. */
function isSecret(v: PostmanVariable): boolean {
  if (v.secret) return true;
  if (!SECRET_NAME.test(v.key) || /(url|uri|endpoint|path|host|name|type|header|id)$/i.test(v.key)) return false;
  return !(typeof v.value === 'string' && /^https?:\/\//i.test(v.value));
}
