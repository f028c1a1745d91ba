/**
 * `{{ … }}` templates filled from a row, the same syntax as suites (src/suite/interpolate.ts) with the row in
 * place of suite variables:
 *
 * - `{{ name }}` and `{{ row.name }}`: the row's field `name` (an own key: `{{ constructor }}` is the column
 *   `constructor`, never an inherited property). A name that is not a key but has dots walks into nested values:
 *   `{{ row.address.city }}`, `{{ row.tags.0 }}`. Any text but braces may name a field: `{{ row.first name }}`.
 * - `{{ row }}`: the whole row.
 * - `{{ env.NAME }}`: the environment variable NAME.
 *
 * A string that is exactly one reference becomes the value with its JSON type (inside a JSON body template a
 * number stays a number); inside a longer string the value is inserted as text (strings as they are, other values
 * as JSON). A reference without a value is a MissingValueError: the row is invalid, never sent with a blank.
 * Templates are parsed once (compileTemplate); filling one per row does no parsing.
 */
import { UsageError } from '../errors.js';
import { ownValue } from './null-proto.js';

export type Reference = { readonly kind: 'env'; readonly name: string } | { readonly kind: 'row'; readonly path: string | null };

type Part = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'ref'; readonly ref: Reference; readonly source: string };

export interface CompiledTemplate {
  readonly source: string;
  readonly parts: readonly Part[];
  /** The template is exactly one reference: filled with the value's JSON type. */
  readonly whole: Reference | null;
}

/** What a template reads a row and the environment from. */
export interface FillContext {
  readonly row: unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A reference has no value in this row (or the environment): the row is invalid. */
export class MissingValueError extends Error {
  constructor(readonly reference: string, message: string) {
    super(message);
    this.name = 'MissingValueError';
  }
}

const TEMPLATE = /\{\{(.*?)\}\}/gs;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `{{ … }}` references; a malformed one is a UsageError naming `where` (found before anything is sent). */
export function compileTemplate(source: string, where: string): CompiledTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(TEMPLATE)) {
    const at = match.index;
    if (at > last) parts.push({ kind: 'text', text: source.slice(last, at) });
    parts.push({ kind: 'ref', ref: parseReference(match[1] ?? '', match[0], where), source: match[0] });
    last = at + match[0].length;
  }
  if (last < source.length) parts.push({ kind: 'text', text: source.slice(last) });
  const only = parts.length === 1 ? parts[0] : undefined;
  return { source, parts, whole: only?.kind === 'ref' ? only.ref : null };
}

function parseReference(inner: string, written: string, where: string): Reference {
  const text = inner.trim();
  const bad = (why: string): never => {
    throw new UsageError(`${where}: ${written}: ${why}`, { hint: 'write {{ field }}, {{ row.field }}, {{ row }} or {{ env.NAME }}' });
  };
  if (text === '') bad('an empty {{ }}');
  if (/[{}]/.test(text)) bad('braces inside a reference');
  if (text === 'env') bad('write {{ env.NAME }} to read the environment variable NAME');
  if (text.startsWith('env.')) {
    const name = text.slice(4).trim();
    return ENV_NAME.test(name) ? { kind: 'env', name } : bad(`invalid environment variable name ${JSON.stringify(name)}`);
  }
  if (text === 'row') return { kind: 'row', path: null };
  if (text.startsWith('row.')) {
    const path = text.slice(4).trim();
    return path === '' ? bad('a field name is missing after row.') : { kind: 'row', path };
  }
  return { kind: 'row', path: text };
}

/** Every reference of the templates (e.g. to check env variables before the run). */
export function referencesOf(template: CompiledTemplate): Reference[] {
  return template.parts.flatMap((p) => (p.kind === 'ref' ? [p.ref] : []));
}

/** The value of one reference. */
export function resolveReference(ref: Reference, ctx: FillContext, written = ''): unknown {
  if (ref.kind === 'env') {
    const value = ctx.env[ref.name];
    if (value === undefined) throw new MissingValueError(written, `${written || `{{ env.${ref.name} }}`}: the environment variable ${ref.name} is not set`);
    return value;
  }
  if (ref.path === null) return ctx.row;
  const found = lookupPath(ctx.row, ref.path);
  if (!found.found) {
    const keys = typeof ctx.row === 'object' && ctx.row !== null && !Array.isArray(ctx.row) ? Object.keys(ctx.row) : [];
    const has = keys.length === 0 ? 'the row is not an object with fields' : `the row has ${keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 8 ? ', …' : ''}`;
    throw new MissingValueError(written, `${written || `{{ ${ref.path} }}`}: no field ${JSON.stringify(ref.path)} in this row (${has})`);
  }
  return found.value;
}

/** A field of the row: the key as written, else (with dots) a walk into nested objects and arrays. */
export function lookupPath(row: unknown, path: string): { found: true; value: unknown } | { found: false } {
  if (typeof row !== 'object' || row === null) return { found: false };
  if (!Array.isArray(row)) {
    const direct = ownValue(row, path);
    if (direct.found) return direct;
  }
  if (!path.includes('.')) return Array.isArray(row) ? ownIndex(row, path) : { found: false };
  let current: unknown = row;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return { found: false };
    const step = Array.isArray(current) ? ownIndex(current, segment) : ownValue(current, segment);
    if (!step.found) return step;
    current = step.value;
  }
  return { found: true, value: current };
}

function ownIndex(array: readonly unknown[], segment: string): { found: true; value: unknown } | { found: false } {
  if (!/^(0|[1-9]\d*)$/.test(segment)) return { found: false };
  const i = Number(segment);
  return i < array.length ? { found: true, value: array[i] } : { found: false };
}

/** A value inside a longer string: strings as they are, other values as JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

/** Fills a template to a string; `encode` is applied to each inserted value (e.g. percent-encoding row values in a URL). */
export function fillString(t: CompiledTemplate, ctx: FillContext, encode?: (text: string, ref: Reference) => string): string {
  if (t.parts.length === 1 && t.parts[0]?.kind === 'text') return t.parts[0].text;
  let out = '';
  for (const part of t.parts) {
    if (part.kind === 'text') out += part.text;
    else {
      const text = textOf(resolveReference(part.ref, ctx, part.source));
      out += encode === undefined ? text : encode(text, part.ref);
    }
  }
  return out;
}

/** Fills a template keeping the JSON type of a whole-string reference. */
export function fillTyped(t: CompiledTemplate, ctx: FillContext): unknown {
  if (t.whole !== null) return resolveReference(t.whole, ctx, t.source);
  return fillString(t, ctx);
}

/**
 * A JSON template: a parsed JSON value whose strings are templates, compiled once. Filling it builds the value for
 * one row (objects null-prototype; keys are not templates).
 */
export type JsonTemplate =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'string'; readonly template: CompiledTemplate }
  | { readonly kind: 'array'; readonly items: readonly JsonTemplate[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonTemplate]> };

export function compileJsonTemplate(value: unknown, where: string, depth = 0): JsonTemplate {
  if (depth > 200) throw new UsageError(`${where}: nested deeper than 200 levels`);
  if (typeof value === 'string') return value.includes('{{') ? { kind: 'string', template: compileTemplate(value, where) } : { kind: 'literal', value };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((item) => compileJsonTemplate(item, where, depth + 1)) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'object', entries: Object.keys(value).map((key) => [key, compileJsonTemplate((value as Record<string, unknown>)[key], where, depth + 1)] as const) };
  }
  return { kind: 'literal', value };
}

export function fillJson(t: JsonTemplate, ctx: FillContext): unknown {
  switch (t.kind) {
    case 'literal':
      return t.value;
    case 'string':
      return fillTyped(t.template, ctx);
    case 'array':
      return t.items.map((item) => fillJson(item, ctx));
    case 'object': {
      const out = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of t.entries) out[key] = fillJson(item, ctx);
      return out;
    }
  }
}

/** Whether a template reads the row at all (a constant one is filled once). */
export function readsRow(t: CompiledTemplate): boolean {
  return t.parts.some((p) => p.kind === 'ref' && p.ref.kind === 'row');
}
