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

import { MAX_DEPTH } from './check-structure.js';

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

// The walks below go over values from suite files. check-structure.ts has reported and cut out every value
// that contains itself (YAML alias cycle) or is nested deeper than MAX_DEPTH before any of them runs; they
// still carry the objects they are inside of and their depth, so no value can run them off the stack.

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  return typeof value === 'object' && value !== null && templateInside(value, new WeakSet(), 0);
}

function templateInside(value: object, inside: WeakSet<object>, depth: number): boolean {
  if (inside.has(value) || depth > MAX_DEPTH) return false;
  inside.add(value);
  const found = (Array.isArray(value) ? value : Object.values(value)).some((item) =>
    typeof item === 'string' ? item.includes('{{') : typeof item === 'object' && item !== null && templateInside(item, inside, depth + 1),
  );
  inside.delete(value);
  return found;
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
  return typeof value === 'object' && value !== null ? interpolateInside(value, scope, new WeakSet(), 0) : value;
}

function interpolateInside(value: unknown, scope: Scope, inside: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return interpolateTyped(value, scope);
  if (typeof value !== 'object' || value === null) return value;
  if (inside.has(value)) throw new Error('a value cannot contain itself (YAML alias cycle)');
  if (depth > MAX_DEPTH) throw new Error(`nested too deep (more than ${MAX_DEPTH} levels)`);
  inside.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item) => interpolateInside(item, scope, inside, depth + 1));
  } else {
    // Keys come from the suite file: a null prototype keeps `__proto__` and `constructor` plain keys.
    const record = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) record[key] = interpolateInside(item, scope, inside, depth + 1);
    out = record;
  }
  inside.delete(value);
  return out;
}

/** Every reference anywhere in a JSON-like value. */
export function collectReferences(value: unknown, into: Reference[] = []): Reference[] {
  const walk = (item: unknown, inside: WeakSet<object> | null, depth: number): void => {
    if (typeof item === 'string') into.push(...scanTemplates(item).references);
    if (typeof item !== 'object' || item === null || depth > MAX_DEPTH) return;
    const path = inside ?? new WeakSet<object>();
    if (path.has(item)) return;
    path.add(item);
    for (const child of Array.isArray(item) ? item : Object.values(item)) walk(child, path, depth + 1);
    path.delete(item);
  };
  walk(value, null, 0);
  return into;
}
