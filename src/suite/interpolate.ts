/**
 * `{{ name }}` and `{{ env.NAME }}` templates in suite values.
 *
 * A reference is `{{ name }}` (a capture, a `--var`, or a suite `vars` entry, looked up in that order) or
 * `{{ env.NAME }}` (the environment). Blanks inside the braces are optional. Any other text between
 * `{{` and `}}` is an error, so a typo is caught before a request is sent rather than sent as is.
 *
 * A string that is exactly one reference (`"{{ id }}"`) becomes the referenced value with its JSON type
 * (a number stays a number inside `json:` bodies and expectations); a reference inside a longer string
 * is inserted as text (strings as they are, other values as JSON).
 */

export type Reference = { readonly kind: 'var'; readonly name: string } | { readonly kind: 'env'; readonly name: string };

/** Why a reference has no value; `message` names the variable, the caller adds the step. */
export class VariableError extends Error {
  constructor(
    readonly reference: Reference,
    message: string,
    readonly kind: 'unknown' | 'capture-failed' | 'env-unset',
  ) {
    super(message);
    this.name = 'VariableError';
  }
}

/** Where references get their values. `lookupVar` throws a VariableError when there is none. */
export interface Scope {
  lookupVar(name: string): unknown;
  lookupEnv(name: string): string | undefined;
}

const TEMPLATE = /\{\{(.*?)\}\}/gs;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A capture or variable name as the suite schema accepts it. */
export const VARIABLE_NAME = VAR_NAME;

export interface TemplateProblem {
  /** The `{{ … }}` text as written. */
  readonly text: string;
  readonly message: string;
}

/** Parses the inside of one `{{ … }}`; a string is the problem. */
function parseReference(inner: string): Reference | string {
  const text = inner.trim();
  if (text.startsWith('env.')) {
    const name = text.slice(4);
    return ENV_NAME.test(name) ? { kind: 'env', name } : `invalid environment variable name "${name}"`;
  }
  if (text === 'env') return 'write {{ env.NAME }} to read the environment variable NAME';
  if (VAR_NAME.test(text)) return { kind: 'var', name: text };
  return text === '' ? 'an empty {{ }}' : `"{{${inner}}}" is not a variable reference`;
}

/** The references in a string, and the malformed `{{ … }}` found. */
export function scanTemplates(text: string): { references: Reference[]; problems: TemplateProblem[] } {
  const references: Reference[] = [];
  const problems: TemplateProblem[] = [];
  if (!text.includes('{{')) return { references, problems };
  for (const match of text.matchAll(TEMPLATE)) {
    const parsed = parseReference(match[1] ?? '');
    if (typeof parsed === 'string') {
      problems.push({ text: match[0], message: `${parsed} (write {{ name }} or {{ env.NAME }})` });
    } else {
      references.push(parsed);
    }
  }
  return { references, problems };
}

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasTemplate);
  return false;
}

function resolveReference(ref: Reference, scope: Scope): unknown {
  if (ref.kind === 'var') return scope.lookupVar(ref.name);
  const value = scope.lookupEnv(ref.name);
  if (value === undefined) throw new VariableError(ref, `environment variable ${ref.name} is not set`, 'env-unset');
  return value;
}

/** A value as text inside a longer string: strings as they are, other values as JSON. */
export function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

/** Interpolates a string keeping the JSON type of a whole-string reference. */
export function interpolateTyped(text: string, scope: Scope): unknown {
  if (!text.includes('{{')) return text;
  const whole = /^\{\{(.*?)\}\}$/s.exec(text);
  if (whole && !(whole[1] ?? '').includes('}}')) {
    const ref = parseReference(whole[1] ?? '');
    if (typeof ref !== 'string') return resolveReference(ref, scope);
  }
  return interpolateString(text, scope);
}

/** Interpolates a string to a string. */
export function interpolateString(text: string, scope: Scope): string {
  if (!text.includes('{{')) return text;
  return text.replace(TEMPLATE, (whole, inner: string) => {
    const ref = parseReference(inner);
    if (typeof ref === 'string') return whole; // validation reports these before anything runs
    return stringifyValue(resolveReference(ref, scope));
  });
}

/** Interpolates every string in a JSON-like value (object keys are left as written). */
export function interpolateDeep(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return interpolateTyped(value, scope);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, scope));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateDeep(item, scope);
    return out;
  }
  return value;
}

/** Every reference anywhere in a JSON-like value. */
export function collectReferences(value: unknown, into: Reference[] = []): Reference[] {
  if (typeof value === 'string') into.push(...scanTemplates(value).references);
  else if (Array.isArray(value)) for (const item of value) collectReferences(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectReferences(item, into);
  return into;
}
