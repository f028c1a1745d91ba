/**
 * Reads one curl command's arguments as curl does — short options clustered (`-sSL`, `-XPOST`), values attached or
 * in the next word, `--no-` switches, `--` ending the options, `-:`/`--next` starting a new set of options — into
 * what the request needs. Options with no suite equivalent, and unknown ones, become findings naming the argument's
 * index (0 is `curl`); options that change only curl's own output become notes. A missing value is a UsageError.
 */
import { UsageError } from '../errors.js';
import { NO_EQUIVALENT, OPTIONS_WITH_VALUE, OUTPUT_ONLY, SHORT_OPTIONS, SWITCH_OPTIONS, UNMAPPED_REASONS } from './curl-options.js';
import type { Findings } from './findings.js';
import { displayWord } from './shell-words.js';

/** A value and the index of the argument that gave it. */
export interface Given<T = string> {
  readonly value: T;
  readonly index: number;
  /** The option as written (`-d`, `--data-raw`). */
  readonly option: string;
}

export type DataKind = 'data' | 'ascii' | 'binary' | 'raw' | 'urlencode' | 'json';

/** One set of options (curl's `--next` starts another) and the URLs they apply to. */
export interface CurlSegment {
  readonly urls: Given[];
  method: Given | null;
  readonly headers: Given[];
  readonly data: Array<Given & { readonly kind: DataKind }>;
  readonly forms: Array<Given & { readonly literal: boolean }>;
  user: Given | null;
  bearer: Given | null;
  readonly cookies: Given[];
  userAgent: Given | null;
  referer: Given | null;
  range: Given | null;
  get: boolean;
  head: boolean;
  insecure: boolean;
  location: boolean;
  globoff: boolean;
  maxRedirs: Given | null;
  maxTime: Given | null;
  retry: Given | null;
  retryDelay: Given | null;
  uploadFile: Given | null;
  readonly urlQueries: Given[];
}

function newSegment(): CurlSegment {
  return {
    urls: [], method: null, headers: [], data: [], forms: [], user: null, bearer: null, cookies: [], userAgent: null, referer: null,
    range: null, get: false, head: false, insecure: false, location: false, globoff: false, maxRedirs: null, maxTime: null,
    retry: null, retryDelay: null, uploadFile: null, urlQueries: [],
  };
}

export interface CurlArgument {
  readonly text: string;
  readonly notes: readonly string[];
}

/**
 * `args[0]` is the curl word itself. `where(index)` names an argument in findings (`argument 3`, or
 * `command 2, argument 3` when the input has several commands).
 */
export function parseCurlArgs(args: readonly CurlArgument[], findings: Findings, where: (index: number) => string): CurlSegment[] {
  const segments: CurlSegment[] = [newSegment()];
  let current = segments[0] as CurlSegment;
  let optionsEnded = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as CurlArgument;
    for (const note of arg.notes) findings.unmapped(where(i), note);
    const word = arg.text;
    if (optionsEnded || !word.startsWith('-') || word === '-') {
      current.urls.push({ value: word, index: i, option: 'URL' });
      continue;
    }
    if (word === '--') {
      optionsEnded = true;
      continue;
    }
    const takeValue = (option: string, attached: string | null): string => {
      if (attached !== null) return attached;
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`${where(i)}: ${option} needs a value`, { hint: `curl would refuse it too: give ${option} a value` });
      i++;
      for (const note of next.notes) findings.unmapped(where(i), note);
      return next.text;
    };
    if (word.startsWith('--')) {
      const index = i;
      const resolved = resolveLong(word.slice(2));
      if (resolved === null) {
        findings.unmapped(where(index), `${shown(word)}: not imported: not a curl option curl 8 knows (if it takes a value, that value was read as a URL)`);
        continue;
      }
      const value = resolved.takesValue ? takeValue(word, null) : null;
      if (resolved.name === 'next') {
        current = newSegment();
        segments.push(current);
        continue;
      }
      if (resolved.expand) findings.unmapped(where(index), `${word}: curl's {{variables}} in its value are not expanded`);
      apply(current, resolved.name, resolved.negated, { value: value ?? '', index, option: word }, findings, where);
      continue;
    }
    // A cluster of one-letter options: -sSL, -XPOST, -H'…' (the rest of the word is the value).
    const index = i;
    for (let j = 1; j < word.length; j++) {
      const letter = word[j] as string;
      const name = SHORT_OPTIONS[letter];
      if (name === undefined) {
        findings.unmapped(where(index), `-${shown(letter)}${j > 1 ? ` (in ${shown(word)})` : ''}: not imported: not a curl option`);
        break;
      }
      if (name === 'next') {
        current = newSegment();
        segments.push(current);
        continue;
      }
      if (OPTIONS_WITH_VALUE.has(name)) {
        const rest = word.slice(j + 1);
        const value = takeValue(`-${letter}`, rest === '' ? null : rest);
        apply(current, name, false, { value, index, option: `-${letter}` }, findings, where);
        break;
      }
      apply(current, name, false, { value: '', index, option: `-${letter}` }, findings, where);
    }
  }
  return segments;
}

interface ResolvedOption {
  readonly name: string;
  readonly takesValue: boolean;
  readonly negated: boolean;
  readonly expand: boolean;
}

function resolveLong(raw: string): ResolvedOption | null {
  if (OPTIONS_WITH_VALUE.has(raw)) return { name: raw, takesValue: true, negated: false, expand: false };
  if (SWITCH_OPTIONS.has(raw)) return { name: raw, takesValue: false, negated: false, expand: false };
  if (raw.startsWith('no-') && SWITCH_OPTIONS.has(raw.slice(3))) return { name: raw.slice(3), takesValue: false, negated: true, expand: false };
  // curl 8.3: --expand-data etc. read {{variables}}.
  if (raw.startsWith('expand-') && OPTIONS_WITH_VALUE.has(raw.slice(7))) return { name: raw.slice(7), takesValue: true, negated: false, expand: true };
  return null;
}

/** An option's text for a message: environment references as $NAME, control characters escaped, cut when long. */
function shown(text: string): string {
  const plain = displayWord(text).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return plain.length > 40 ? `${plain.slice(0, 37)}…` : plain;
}

function apply(s: CurlSegment, name: string, negated: boolean, given: Given, findings: Findings, where: (index: number) => string): void {
  const on = !negated;
  switch (name) {
    case 'request':
      s.method = given;
      return;
    case 'url':
      s.urls.push(given);
      return;
    case 'header':
      s.headers.push(given);
      return;
    case 'data':
    case 'data-ascii':
    case 'data-binary':
    case 'data-raw':
    case 'data-urlencode':
    case 'json': {
      const kinds: Record<string, DataKind> = { data: 'data', 'data-ascii': 'ascii', 'data-binary': 'binary', 'data-raw': 'raw', 'data-urlencode': 'urlencode', json: 'json' };
      s.data.push({ ...given, kind: kinds[name] as DataKind });
      return;
    }
    case 'form':
    case 'form-string':
      s.forms.push({ ...given, literal: name === 'form-string' });
      return;
    case 'user':
      s.user = given;
      return;
    case 'oauth2-bearer':
      s.bearer = given;
      return;
    case 'cookie':
      s.cookies.push(given);
      return;
    case 'user-agent':
      s.userAgent = given;
      return;
    case 'referer':
      s.referer = given;
      return;
    case 'range':
      s.range = given;
      return;
    case 'get':
      s.get = on;
      return;
    case 'head':
      s.head = on;
      return;
    case 'insecure':
      s.insecure = on;
      return;
    case 'location':
      s.location = on;
      return;
    case 'globoff':
      s.globoff = on;
      return;
    case 'max-redirs':
      s.maxRedirs = given;
      return;
    case 'max-time':
      s.maxTime = given;
      return;
    case 'retry':
      s.retry = given;
      return;
    case 'retry-delay':
      s.retryDelay = given;
      return;
    case 'upload-file':
      s.uploadFile = given;
      return;
    case 'url-query':
      s.urlQueries.push(given);
      return;
    // What apitest does anyway: compressed responses asked for and decoded, HTTP/1.1, Basic for -u.
    case 'compressed':
    case 'http1.1':
    case 'basic':
      return;
    case 'location-trusted':
      s.location = on;
      findings.unmapped(where(given.index), `${given.option}: imported as followRedirects: ${UNMAPPED_REASONS['location-trusted'] ?? ''}`);
      return;
    default:
      if (OUTPUT_ONLY.has(name)) {
        findings.note(where(given.index), `${given.option}: left out: it changes only what curl prints or saves${name === 'fail' || name === 'fail-with-body' ? ' (a suite step fails on a status >= 400 anyway)' : ''}`);
        return;
      }
      findings.unmapped(where(given.index), `${given.option}: not imported: ${UNMAPPED_REASONS[name] ?? NO_EQUIVALENT}`);
  }
}
