/**
 * Writing values into a suite so that they mean, once interpolated, exactly what the input meant:
 *
 * - Literal text may contain `{{` (a JSON body, a template language in a header); a suite would read it as a
 *   variable reference, and suites have no escape for it. Such text goes into a suite variable (`vars` values are
 *   literal) and the value refers to it: `"{{ text_1 }}"`.
 * - Environment references (ENV_OPEN NAME ENV_CLOSE inside a word, from `$NAME` in a shell line) become
 *   `{{ env.NAME }}`.
 * - Secrets found in clear (a password, a token, a cookie) are not written into the file: each distinct value gets an
 *   environment variable (`API_PASSWORD`, `ACCESS_TOKEN`, …, `_2` when the name is taken by another value) and the
 *   value becomes `{{ env.NAME }}`. The importer says so on stderr, naming the variable, never the value.
 */
import { ENV_CLOSE, ENV_OPEN } from './shell-words.js';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_PART = /\uE000([^\uE001]*)\uE001/g;

/** A piece of a suite string: literal text, or a reference written as `{{ ref }}`. */
export type Segment = { readonly literal: string } | { readonly ref: string };

/** Header and parameter names that say they carry a credential (as apitest masks them). */
export const SECRET_NAME = /token|secret|passw(?:or)?d|passwd|api[-_]?key|apikey|^key$|auth|session|credential|signature/i;

export class SuiteValues {
  /** The suite's `vars`, in the order they were added. */
  readonly vars: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly literalNames = new Map<string, string>();
  private readonly secretNames = new Map<string, string>();
  private readonly usedEnv = new Set<string>();

  /** Marks environment names the input refers to itself, so no secret is given one of them. */
  reserveEnv(name: string): void {
    this.usedEnv.add(name);
  }

  /** Adds a variable (a Postman variable, a dynamic value); false when the name is taken. */
  addVar(name: string, value: unknown): boolean {
    if (!VAR_NAME.test(name) || name in this.vars) return false;
    this.vars[name] = value;
    return true;
  }

  hasVar(name: string): boolean {
    return name in this.vars;
  }

  /** A name for a new variable: `base`, else `base_2`, `base_3`… */
  freeVarName(base: string): string {
    const clean = toVarName(base);
    if (!(clean in this.vars) && clean !== 'env') return clean;
    for (let n = 2; ; n++) if (!(`${clean}_${n}` in this.vars)) return `${clean}_${n}`;
  }

  /** Literal text as a suite string that interpolates to exactly that text. */
  literal(text: string): string {
    return this.template(text.replace(/[\uE000\uE001]/g, ''));
  }

  /**
   * Text whose environment references are ENV_OPEN NAME ENV_CLOSE, as a suite string: `{{ env.NAME }}` for them,
   * the literal parts kept as they are unless a suite would read them as a template.
   */
  template(text: string): string {
    if (!text.includes('{') && !text.includes(ENV_OPEN)) return text;
    const segments: Segment[] = [];
    let last = 0;
    for (const match of text.matchAll(ENV_PART)) {
      if (match.index > last) segments.push({ literal: text.slice(last, match.index) });
      const name = match[1] ?? '';
      segments.push(ENV_NAME.test(name) ? { ref: `env.${name}` } : { literal: `$${name}` });
      last = match.index + match[0].length;
    }
    if (last < text.length) segments.push({ literal: text.slice(last) });
    return this.compose(segments);
  }

  /**
   * Literal text and references (`name`, `env.NAME`) as one suite string. A literal part that a suite would read as
   * (part of) a template — it holds `{{`, or ends with `{` just before a reference — is held by a variable.
   */
  compose(segments: readonly Segment[]): string {
    return segments
      .map((segment, i) => {
        if ('ref' in segment) {
          if (segment.ref.startsWith('env.')) this.usedEnv.add(segment.ref.slice(4));
          return `{{ ${segment.ref} }}`;
        }
        const text = segment.literal;
        const unsafe = text.includes('{{') || (text.endsWith('{') && i < segments.length - 1);
        return unsafe ? `{{ ${this.literalVar(text)} }}` : text;
      })
      .join('');
  }

  /** A literal string held by a variable of its own (named text_N). */
  private literalVar(text: string): string {
    let name = this.literalNames.get(text);
    if (name === undefined) {
      name = this.freeVarName(`text_${this.literalNames.size + 1}`);
      this.vars[name] = text;
      this.literalNames.set(text, name);
    }
    return name;
  }

  /**
   * A secret given in clear: the name of the environment variable that will hold it (`base`, else `base_2`…; the
   * same value always gets the same name).
   */
  secretEnv(base: string, value: string): string {
    const known = this.secretNames.get(value);
    if (known !== undefined) return known;
    const clean = toEnvName(base);
    let name = clean;
    for (let n = 2; this.usedEnv.has(name); n++) name = `${clean}_${n}`;
    this.usedEnv.add(name);
    this.secretNames.set(value, name);
    return name;
  }

  /** `{{ env.NAME }}` for a secret given in clear (see secretEnv). */
  secret(base: string, value: string): { reference: string; env: string } {
    const env = this.secretEnv(base, value);
    return { reference: `{{ env.${env} }}`, env };
  }
}

/** `X-Session-Token` → `X_SESSION_TOKEN`, `api key` → `API_KEY`: a name the environment (and a suite) accepts. */
export function toEnvName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'SECRET';
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

/** Any text as a suite variable name: letters, digits, `_` and `-`, not starting with a digit. */
export function toVarName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+(?=.)/, '');
  if (name === '' || name === '_') return 'var';
  if (name === 'env') return 'env_';
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** Whether the text has an environment reference (ENV_OPEN … ENV_CLOSE). */
export function hasEnvPart(text: string): boolean {
  return text.includes(ENV_OPEN) && text.includes(ENV_CLOSE);
}
