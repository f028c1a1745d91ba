/**
 * Regular expressions of the expectation language (`matches`, suite `matches:`) and of `--filter`, run by RE2's
 * linear-time engine (re2js, a pure-JavaScript port): matching time grows with the text, never exponentially,
 * so a pattern such as `^(a+)+$` cannot hang a run, whatever the response. The price: RE2 has no lookaround and
 * no backreferences; a pattern that uses them is refused with that reason. Flags: i, m, s (g, y and u change
 * nothing for a test and are accepted).
 */
import type { RE2JS } from 're2js';
import { loadRe2 } from '../util/load-re2.js';

const FLAG_NAMES: ReadonlyMap<string, 'CASE_INSENSITIVE' | 'MULTILINE' | 'DOTALL' | null> = new Map([
  ['i', 'CASE_INSENSITIVE'],
  ['m', 'MULTILINE'],
  ['s', 'DOTALL'],
  ['g', null],
  ['y', null],
  ['u', null],
]);

export class Pattern {
  private constructor(
    readonly source: string,
    readonly flags: string,
    private readonly re: RE2JS,
  ) {}

  /** Throws a SyntaxError that says what is wrong with the pattern. */
  static compile(source: string, flags = ''): Pattern {
    const { RE2JS: engine } = loadRe2();
    let bits = 0;
    for (const flag of flags) {
      const name = FLAG_NAMES.get(flag);
      if (name === undefined) throw new SyntaxError(`invalid regular expression flag "${flag}" (use i, m or s)`);
      if (name !== null) bits |= engine[name];
    }
    try {
      return new Pattern(source, flags, engine.compile(source, bits));
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
      const unsupported = /\(\?[=!<]|\\[1-9]/.test(source) ? ' (lookaround and backreferences are not supported: patterns run in linear time)' : '';
      throw new SyntaxError(`invalid regular expression /${source}/${flags}: ${reason}${unsupported}`);
    }
  }

  /** Whether the pattern matches somewhere in `text` (as RegExp.prototype.test). */
  test(text: string): boolean {
    return this.re.matcher(text).find();
  }

  /** The `/source/flags` literal, with each unescaped `/` escaped so that it parses back to the same pattern. */
  toString(): string {
    let literal = '';
    for (let i = 0; i < this.source.length; i++) {
      const char = this.source[i];
      if (char === '\\') {
        literal += this.source.slice(i, i + 2);
        i++;
      } else literal += char === '/' ? '\\/' : char;
    }
    return `/${literal}/${this.flags}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
