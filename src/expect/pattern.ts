/**
 * Regular expressions of the expectation language (`matches`, suite `matches:`) and of `--filter`, run by RE2's
 * linear-time engine (re2js, a pure-JavaScript port): matching time grows with the text, never exponentially,
 * so a pattern such as `^(a+)+$` cannot hang a run, whatever the response. The price: RE2 has no lookaround and
 * no backreferences; a pattern that uses them is refused with that reason. Flags: i, m, s (g, y and u change
 * nothing for a test and are accepted).
 */
import { RE2JS } from 're2js';

const FLAGS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, g: 0, y: 0, u: 0 };

export class Pattern {
  private constructor(
    readonly source: string,
    readonly flags: string,
    private readonly re: RE2JS,
  ) {}

  /** Throws a SyntaxError that says what is wrong with the pattern. */
  static compile(source: string, flags = ''): Pattern {
    let bits = 0;
    for (const flag of flags) {
      const bit = FLAGS[flag];
      if (bit === undefined) throw new SyntaxError(`invalid regular expression flag "${flag}" (use i, m or s)`);
      bits |= bit;
    }
    try {
      return new Pattern(source, flags, RE2JS.compile(source, bits));
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
