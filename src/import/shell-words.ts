/**
 * Splits a POSIX shell command line (as pasted from API docs, a browser's "Copy as cURL", or `--print-curl`) into
 * words and operators, as sh/bash would — without running anything. Pure and linear in the input's length.
 *
 * - quoting: `'…'` (nothing special inside), `"…"` (`\` escapes `$ \` " \` and newline), `$'…'` (ANSI-C escapes:
 *   `\n \t \xHH \NNN \uHHHH \UHHHHHHHH \cX …`, bytes decoded as UTF-8), `$"…"` (as `"…"`), `\x` outside quotes;
 * - backslash-newline continuations (also `\` + CRLF) are removed, in and out of double quotes;
 * - `$NAME`, `${NAME}` (also `${NAME:-default}`, whose default is noted, not used) become environment references:
 *   the word holds ENV_OPEN NAME ENV_CLOSE, which the importer writes as `{{ env.NAME }}`;
 * - `$(…)`, `` `…` ``, `$((…))` and the special parameters (`$1`, `$@`, `$?`…) are not run: each becomes a reference to
 *   an environment variable COMMAND_n, with a note on the word saying so;
 * - `#` at the start of a word starts a comment; `;`, `&&`, `||`, `|`, `|&`, `&` and newlines separate commands;
 *   redirections (`>`, `2>&1`, `< file`, here-documents `<<EOF`, here-strings `<<<`) are tokens of their own.
 *
 * Anything it cannot read (an unterminated quote, a subshell) is a UsageError naming the character position.
 */
import { UsageError } from '../errors.js';

/** Start and end of an environment reference inside a word's text (private-use characters, refused in input). */
export const ENV_OPEN = '\uE000';
export const ENV_CLOSE = '\uE001';
const RESERVED = /[\uE000-\uE003]/;

export interface ShellWord {
  readonly kind: 'word';
  /** The word after quote removal; environment references as ENV_OPEN NAME ENV_CLOSE. */
  readonly text: string;
  /** Index of its first character in the input. */
  readonly offset: number;
  /** What the word's text does not say: substitutions not run, defaults not used. */
  readonly notes: readonly string[];
}

export type ShellOperatorName = ';' | '&&' | '||' | '|' | '&' | 'newline';

export interface ShellOperator {
  readonly kind: 'operator';
  readonly op: ShellOperatorName;
  readonly offset: number;
}

export interface ShellRedirect {
  readonly kind: 'redirect';
  /** As written, with its file descriptor: `>`, `2>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `&>`… */
  readonly op: string;
  /** The file, descriptor, here-string or here-document delimiter. */
  readonly target: ShellWord;
  readonly offset: number;
  /** What the command reads on its standard input: a here-document's or here-string's text (null for others). */
  content: string | null;
}

export type ShellToken = ShellWord | ShellOperator | ShellRedirect;

/** The longest input read (a curl command line is a few KB; a HAR-sized paste is a mistake). */
export const MAX_SHELL_INPUT = 1_000_000;

export function tokenizeShell(input: string): ShellToken[] {
  if (input.length > MAX_SHELL_INPUT) throw new UsageError(`the command line is too long (${input.length} characters; at most ${MAX_SHELL_INPUT})`);
  const reserved = RESERVED.exec(input);
  if (reserved !== null) throw syntaxError(`the character U+${reserved[0].charCodeAt(0).toString(16).toUpperCase()} (reserved by apitest)`, reserved.index);
  return new Tokenizer(input).run();
}

function syntaxError(what: string, offset: number): UsageError {
  return new UsageError(`cannot read the command line: ${what} at character ${offset + 1}`, { hint: 'give the curl command as a POSIX shell would read it (quote it with single quotes)' });
}

const BLANK = /[ \t]/;
/** Characters that end an unquoted word. */
const METACHAR = /[ \t\n;&|<>()]/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Tokenizer {
  private i = 0;
  private readonly tokens: ShellToken[] = [];
  private readonly pendingHeredocs: Array<{ redirect: ShellRedirect; delimiter: string; stripTabs: boolean }> = [];
  private commandCount = 0;

  constructor(private readonly s: string) {}

  run(): ShellToken[] {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (BLANK.test(c)) {
        this.i++;
      } else if (c === '\\' && this.continuationAt(this.i)) {
        this.i += this.continuationAt(this.i);
      } else if (c === '\r' && s[this.i + 1] === '\n') {
        this.i++;
      } else if (c === '\n') {
        this.tokens.push({ kind: 'operator', op: 'newline', offset: this.i });
        this.i++;
        this.readHeredocs();
      } else if (c === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === ';') {
        if (s[this.i + 1] === ';') throw syntaxError('";;" (a case statement)', this.i);
        this.operator(';', 1);
      } else if (c === '&') {
        if (s[this.i + 1] === '&') this.operator('&&', 2);
        else if (s[this.i + 1] === '>') this.redirect('', this.i);
        else this.operator('&', 1);
      } else if (c === '|') {
        if (s[this.i + 1] === '|') this.operator('||', 2);
        else this.operator('|', s[this.i + 1] === '&' ? 2 : 1);
      } else if (c === '<' || c === '>') {
        this.redirect('', this.i);
      } else if (c === '(' || c === ')') {
        throw syntaxError(`"${c}" (subshells and grouping are not supported)`, this.i);
      } else {
        const fd = /^\d+(?=[<>])/.exec(s.slice(this.i, this.i + 12));
        if (fd !== null) {
          const start = this.i;
          this.i += fd[0].length;
          this.redirect(fd[0], start);
        } else {
          this.tokens.push(this.word());
        }
      }
    }
    if (this.pendingHeredocs.length > 0) this.readHeredocs();
    return this.tokens;
  }

  /** The length of a backslash-newline at i (`\` LF or `\` CR LF), or 0. */
  private continuationAt(i: number): number {
    if (this.s[i] !== '\\') return 0;
    if (this.s[i + 1] === '\n') return 2;
    if (this.s[i + 1] === '\r' && this.s[i + 2] === '\n') return 3;
    return 0;
  }

  private operator(op: ShellOperatorName, length: number): void {
    this.tokens.push({ kind: 'operator', op, offset: this.i });
    this.i += length;
  }

  private redirect(fd: string, start: number): void {
    const s = this.s;
    const ops = ['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '<', '>>', '>|', '>&', '>'];
    const op = ops.find((o) => s.startsWith(o, this.i)) ?? '>';
    this.i += op.length;
    while (this.i < s.length && (BLANK.test(s[this.i] as string) || this.continuationAt(this.i) > 0)) this.i += this.continuationAt(this.i) || 1;
    if (this.i >= s.length || METACHAR.test(s[this.i] as string)) throw syntaxError(`"${fd}${op}" without a file`, start);
    const target = this.word();
    const redirect: ShellRedirect = { kind: 'redirect', op: `${fd}${op}`, target, offset: start, content: null };
    if (op === '<<<') redirect.content = `${target.text}\n`;
    if (op === '<<' || op === '<<-') this.pendingHeredocs.push({ redirect, delimiter: target.text, stripTabs: op === '<<-' });
    this.tokens.push(redirect);
  }

  /** After a newline: the bodies of the here-documents opened on the line, each up to its delimiter line. */
  private readHeredocs(): void {
    const s = this.s;
    for (const doc of this.pendingHeredocs.splice(0)) {
      const lines: string[] = [];
      while (this.i < s.length) {
        let end = s.indexOf('\n', this.i);
        if (end === -1) end = s.length;
        let line = s.slice(this.i, end).replace(/\r$/, '');
        this.i = Math.min(end + 1, s.length);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        lines.push(line);
      }
      doc.redirect.content = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    }
  }

  private word(): ShellWord {
    const s = this.s;
    const offset = this.i;
    const notes: string[] = [];
    let text = '';
    while (this.i < s.length) {
      const c = s[this.i] as string;
      if (METACHAR.test(c)) break;
      if (c === '\r' && s[this.i + 1] === '\n') break;
      if (c === '\\') {
        const cont = this.continuationAt(this.i);
        if (cont > 0) {
          this.i += cont;
          continue;
        }
        if (this.i + 1 < s.length) text += s[this.i + 1];
        this.i += 2;
      } else if (c === "'") {
        const end = s.indexOf("'", this.i + 1);
        if (end === -1) throw syntaxError("an unterminated ' quote", this.i);
        text += s.slice(this.i + 1, end);
        this.i = end + 1;
      } else if (c === '"') {
        text += this.doubleQuoted(notes);
      } else if (c === '$') {
        text += this.dollar(notes, false);
      } else if (c === '`') {
        text += this.backquoted(notes);
      } else {
        text += c;
        this.i++;
      }
    }
    return { kind: 'word', text, offset, notes };
  }

  /** `"…"` from its opening quote. */
  private doubleQuoted(notes: string[]): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    let text = '';
    for (;;) {
      if (this.i >= s.length) throw syntaxError('an unterminated " quote', start);
      const c = s[this.i] as string;
      if (c === '"') {
        this.i++;
        return text;
      }
      if (c === '\\') {
        const cont = this.continuationAt(this.i);
        if (cont > 0) {
          this.i += cont;
          continue;
        }
        const next = s[this.i + 1];
        if (next !== undefined && '$`"\\'.includes(next)) {
          text += next;
          this.i += 2;
        } else {
          text += '\\';
          this.i++;
        }
      } else if (c === '$') {
        text += this.dollar(notes, true);
      } else if (c === '`') {
        text += this.backquoted(notes);
      } else {
        text += c;
        this.i++;
      }
    }
  }

  /** A `$` at i: an expansion, an ANSI-C or locale string, or a plain `$`. */
  private dollar(notes: string[], inDoubleQuotes: boolean): string {
    const s = this.s;
    const next = s[this.i + 1];
    if (!inDoubleQuotes && next === "'") return this.ansiC();
    if (!inDoubleQuotes && next === '"') {
      this.i++;
      return this.doubleQuoted(notes);
    }
    if (next === '(') {
      const start = this.i;
      const end = this.matchingParen(this.i + 1);
      this.i = end + 1;
      return this.substitution(s.slice(start, end + 1), notes);
    }
    if (next === '{') {
      const start = this.i;
      const end = s.indexOf('}', this.i + 2);
      if (end === -1) throw syntaxError('an unterminated ${', start);
      const inner = s.slice(this.i + 2, end);
      this.i = end + 1;
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner)?.[0];
      if (name === undefined) return this.substitution(s.slice(start, end + 1), notes);
      if (name !== inner) notes.push(`\${${inner}}: only the variable ${name} is read (the rest of the expansion is not applied)`);
      return `${ENV_OPEN}${name}${ENV_CLOSE}`;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = this.i + 2;
      while (end < s.length && NAME_CHAR.test(s[end] as string)) end++;
      const name = s.slice(this.i + 1, end);
      this.i = end;
      return `${ENV_OPEN}${name}${ENV_CLOSE}`;
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.i += 2;
      return this.substitution(`$${next}`, notes);
    }
    this.i++;
    return '$';
  }

  /** `` `…` `` from its opening backquote. */
  private backquoted(notes: string[]): string {
    const s = this.s;
    const start = this.i;
    let j = this.i + 1;
    while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length) throw syntaxError('an unterminated ` quote', start);
    this.i = j + 1;
    return this.substitution(s.slice(start, j + 1), notes);
  }

  /** A substitution that is not run: it reads the environment variable COMMAND_n instead. */
  private substitution(text: string, notes: string[]): string {
    this.commandCount++;
    const name = `COMMAND_${this.commandCount}`;
    notes.push(`${shorten(text)} is not run: its output is read from the environment variable ${name}`);
    return `${ENV_OPEN}${name}${ENV_CLOSE}`;
  }

  /** The index of the `)` that closes the `(` at `open`, skipping quoted text. */
  private matchingParen(open: number): number {
    const s = this.s;
    let depth = 0;
    for (let j = open; j < s.length; j++) {
      const c = s[j];
      if (c === '\\') j++;
      else if (c === "'") {
        const end = s.indexOf("'", j + 1);
        if (end === -1) break;
        j = end;
      } else if (c === '"') {
        let k = j + 1;
        while (k < s.length && s[k] !== '"') k += s[k] === '\\' ? 2 : 1;
        if (k >= s.length) break;
        j = k;
      } else if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) return j;
      }
    }
    throw syntaxError('an unterminated $(', open - 1);
  }

  /** `$'…'` from its `$`: ANSI-C escapes; the bytes (as bash makes them) decoded as UTF-8. */
  private ansiC(): string {
    const s = this.s;
    const start = this.i;
    this.i += 2;
    const bytes: number[] = [];
    const pushText = (text: string): void => {
      for (const b of Buffer.from(text, 'utf8')) bytes.push(b);
    };
    for (;;) {
      if (this.i >= s.length) throw syntaxError("an unterminated $' quote", start);
      const c = s[this.i] as string;
      if (c === "'") {
        this.i++;
        // As bash: a NUL byte ends the argument's text (a C string cannot hold it).
        const nul = bytes.indexOf(0);
        return Buffer.from(nul === -1 ? bytes : bytes.slice(0, nul)).toString('utf8');
      }
      if (c !== '\\') {
        const cp = s.codePointAt(this.i) as number;
        const ch = String.fromCodePoint(cp);
        pushText(ch);
        this.i += ch.length;
        continue;
      }
      const e = s[this.i + 1];
      this.i += 2;
      const simple: Record<string, number> = { a: 7, b: 8, e: 27, E: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };
      if (e === undefined) throw syntaxError("an unterminated $' quote", start);
      if (e in simple) {
        bytes.push(simple[e] as number);
      } else if (/[0-7]/.test(e)) {
        const digits = /^[0-7]{0,2}/.exec(s.slice(this.i))?.[0] ?? '';
        this.i += digits.length;
        bytes.push(parseInt(e + digits, 8) & 0xff);
      } else if (e === 'x') {
        const digits = /^[0-9A-Fa-f]{1,2}/.exec(s.slice(this.i))?.[0];
        if (digits === undefined) pushText('\\x');
        else {
          this.i += digits.length;
          bytes.push(parseInt(digits, 16));
        }
      } else if (e === 'u' || e === 'U') {
        const digits = (e === 'u' ? /^[0-9A-Fa-f]{1,4}/ : /^[0-9A-Fa-f]{1,8}/).exec(s.slice(this.i))?.[0];
        if (digits === undefined) pushText(`\\${e}`);
        else {
          this.i += digits.length;
          const cp = parseInt(digits, 16);
          pushText(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD');
        }
      } else if (e === 'c') {
        const ch = s[this.i];
        if (ch === undefined || ch === "'") pushText('\\c');
        else {
          this.i++;
          bytes.push(ch.toUpperCase().charCodeAt(0) & 0x1f);
        }
      } else {
        pushText(`\\${e}`);
      }
    }
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** The text of a word as a person reads it: `$NAME` for environment references. */
export function displayWord(text: string): string {
  return text.replace(/\uE000([^\uE001]*)\uE001/g, (_m, name: string) => `$${name}`);
}

/** Whether a word's text holds an environment reference. */
export function hasEnvReference(text: string): boolean {
  return text.includes(ENV_OPEN);
}
