/**
 * The body of a curl request, as curl builds it: `-d`/`--data-ascii` (an `@file` read without CR and LF),
 * `--data-binary` and `--json` (an `@file` as it is), `--data-raw` (no `@`), `--data-urlencode` (its five forms,
 * escaped as curl escapes them: curl_easy_escape, spaces as `+`), pieces joined with `&` (`--json` pieces concatenated); `-F`/`--form-string`
 * multipart fields; `-T` uploads. Files are read through the caller (`readFile`), relative to curl's working
 * directory; what cannot be read or is not text is a finding, never left out silently.
 */
import { UsageError } from '../errors.js';
import type { CurlSegment, Given } from './curl-args.js';
import type { Findings } from './findings.js';
import { ENV_CLOSE, ENV_OPEN } from './shell-words.js';
import { hasEnvPart } from './suite-values.js';

export interface BodySources {
  /** Reads a file named by `@file`, `<file` or `-T`; null when it cannot be read. */
  readonly readFile: ((path: string) => Uint8Array | null) | null;
  /** Whether a `-F name=@file` file can be read (the suite reads it when it runs; its bytes are not needed now). */
  readonly readable: ((path: string) => boolean) | null;
  /** What curl would read for `@-`: a here-document or `< file`; null when unknown (a pipe, a terminal). */
  readonly stdin: string | null;
  readonly findings: Findings;
  readonly where: (index: number) => string;
}

/** A field of a multipart form: text, or a file (its path as curl got it). */
export type FormPart = { readonly name: string; readonly text: string } | { readonly name: string; readonly file: string };

export type CurlBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly text: string; readonly json: boolean }
  | { readonly kind: 'form'; readonly fields: readonly FormPart[] };

/** The bytes of `@file` as text, or null (with a finding) when they cannot be a suite string. */
function fileText(path: string, given: Given, src: BodySources, what: string): string | null {
  if (hasEnvPart(path)) {
    src.findings.unmapped(src.where(given.index), `${given.option}: not imported: the file name comes from an environment variable, so ${what} cannot be read now`);
    return null;
  }
  if (path === '-') {
    if (src.stdin !== null) return src.stdin;
    src.findings.unmapped(src.where(given.index), `${given.option}: not imported: ${what} is read from standard input, which the import does not see (use a here-document, or put the text in the command)`);
    return null;
  }
  const bytes = src.readFile?.(path) ?? null;
  if (bytes === null) {
    src.findings.unmapped(src.where(given.index), `${given.option}: not imported: cannot read ${JSON.stringify(path)}, so ${what} is left out`);
    return null;
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('\u0000') || !Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) {
    src.findings.unmapped(src.where(given.index), `${given.option}: not imported: ${JSON.stringify(path)} is binary; a suite body is text`);
    return null;
  }
  return text;
}

/** curl_easy_escape: every byte but A-Z a-z 0-9 - . _ ~ as %XX; environment references kept as they are. */
export function curlEscape(text: string): string {
  return text
    .split(/(\uE000[^\uE001]*\uE001)/)
    .map((part) =>
      part.startsWith(ENV_OPEN) && part.endsWith(ENV_CLOSE)
        ? part
        : [...Buffer.from(part, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join(''),
    )
    .join('');
}

/** What --data-urlencode and --url-query send: curl_easy_escape, then each %20 as + (curl's tool does that). */
function formEscape(text: string): string {
  return curlEscape(text).replace(/%20/g, '+');
}

/** One `--data-urlencode` (or `--url-query`) value as curl sends it: `content`, `=content`, `name=content`, `@file`, `name@file`. */
export function urlencodePiece(given: Given, src: BodySources): string | null {
  const value = given.value;
  const eq = value.indexOf('=');
  const at = eq === -1 ? value.indexOf('@') : -1;
  let piece: string | null;
  if (eq === 0) piece = formEscape(value.slice(1));
  else if (eq > 0) piece = `${value.slice(0, eq)}=${formEscape(value.slice(eq + 1))}`;
  else if (at !== -1) {
    const content = fileText(value.slice(at + 1), given, src, 'the value');
    if (content === null) return null;
    piece = at === 0 ? formEscape(content) : `${value.slice(0, at)}=${formEscape(content)}`;
  } else piece = formEscape(value);
  if (hasEnvPart(value.slice(eq + 1))) {
    src.findings.unmapped(src.where(given.index), `${given.option}: the environment variable's value is sent as it is, not URL-encoded as curl would`);
  }
  return piece;
}

/** The `-d`-family pieces joined as curl joins them; null when there are none. */
export function dataText(segment: CurlSegment, src: BodySources): { text: string; json: boolean } | null {
  if (segment.data.length === 0) return null;
  let text = '';
  let previous: string | null = null;
  for (const given of segment.data) {
    let piece: string | null;
    switch (given.kind) {
      case 'data':
      case 'ascii':
        piece = given.value.startsWith('@') ? fileText(given.value.slice(1), given, src, 'the data')?.replace(/[\r\n]/g, '') ?? null : given.value;
        break;
      case 'binary':
      case 'json':
        piece = given.value.startsWith('@') ? fileText(given.value.slice(1), given, src, 'the data') : given.value;
        break;
      case 'raw':
        piece = given.value;
        break;
      case 'urlencode':
        piece = urlencodePiece(given, src);
        break;
    }
    if (piece === null) continue;
    if (previous !== null) text += previous === 'json' && given.kind === 'json' ? '' : '&';
    text += piece;
    previous = given.kind;
  }
  return { text, json: segment.data.some((d) => d.kind === 'json') };
}

/** `-F name=value`, `name=@file;type=…`, `name=<file`, `name="quoted;value"`; `--form-string` takes the value as it is. */
export function formFields(segment: CurlSegment, src: BodySources): FormPart[] {
  const fields: FormPart[] = [];
  for (const given of segment.forms) {
    const eq = given.value.indexOf('=');
    if (eq <= 0) throw new UsageError(`${src.where(given.index)}: ${given.option} ${JSON.stringify(given.value.slice(0, 40))} is not name=value`, { hint: 'curl refuses it too ("Illegally formatted input field")' });
    const name = given.value.slice(0, eq);
    const content = given.value.slice(eq + 1);
    if (given.literal) {
      fields.push({ name, text: content });
      continue;
    }
    const { value, params } = splitFormParams(content.startsWith('@') || content.startsWith('<') ? content.slice(1) : content);
    for (const param of params) {
      src.findings.unmapped(src.where(given.index), `${given.option} ${name}: ";${param.split('=')[0] ?? param}=…" not imported: a suite form field has no ${param.startsWith('type') ? 'content type' : param.startsWith('filename') ? 'file name of its own (the file\'s name is sent)' : 'extra part headers'}`);
    }
    if (content.startsWith('@')) {
      if (value === '-' || hasEnvPart(value)) {
        src.findings.unmapped(src.where(given.index), `${given.option} ${name}: not imported: the file ${value === '-' ? 'is standard input' : 'name comes from an environment variable'}`);
        continue;
      }
      if (src.readable !== null ? !src.readable(value) : src.readFile !== null && src.readFile(value) === null) {
        src.findings.unmapped(src.where(given.index), `${given.option} ${name}: the file ${JSON.stringify(value)} cannot be read here: the suite will not load until it can`);
      }
      fields.push({ name, file: value });
    } else if (content.startsWith('<')) {
      const text = fileText(value, given, src, `the field ${name}`);
      if (text !== null) fields.push({ name, text });
    } else {
      fields.push({ name, text: value });
    }
  }
  return fields;
}

/** `value;type=x;filename=y` → the value and its parameters; a value in double quotes may hold `;`. */
function splitFormParams(content: string): { value: string; params: string[] } {
  let value: string;
  let rest: string;
  if (content.startsWith('"')) {
    let i = 1;
    value = '';
    while (i < content.length && content[i] !== '"') {
      if (content[i] === '\\' && i + 1 < content.length) i++;
      value += content[i];
      i++;
    }
    rest = content.slice(i + 1);
  } else {
    const cut = content.search(/;\s*(type|filename|headers|encoder)=/i);
    value = cut === -1 ? content : content.slice(0, cut);
    rest = cut === -1 ? '' : content.slice(cut);
  }
  const params = rest
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return { value, params };
}

/** `-T file` as a text body; null (with a finding) when it cannot be one. */
export function uploadText(given: Given, src: BodySources): string | null {
  const path = given.value === '.' ? '-' : given.value;
  return fileText(path, given, src, 'the upload');
}
