import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { displayWord, tokenizeShell, type ShellToken } from '../../src/import/shell-words.js';

const words = (input: string): string[] => tokenizeShell(input).flatMap((t) => (t.kind === 'word' ? [displayWord(t.text)] : []));
const kinds = (tokens: ShellToken[]): string[] => tokens.map((t) => (t.kind === 'word' ? `w:${displayWord(t.text)}` : t.kind === 'operator' ? `op:${t.op}` : `r:${t.op}:${t.target.text}`));

/** What bash makes of the same words (the arguments a command receives), when bash is there. */
function bashWords(input: string): string[] | null {
  try {
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `printf '%s\\0' ${input}`], { env: {}, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.toString('utf8').split('\u0000').slice(0, -1);
  } catch {
    return null;
  }
}

describe('tokenizeShell', () => {
  test('quotes: single, double, ANSI-C, backslashes', () => {
    expect(words(`curl 'a b' "c d" e\\ f 'it'\\''s' "q\\"uote" $'tab\\there' $'\\x41\\101\\u00e9'`)).toEqual(['curl', 'a b', 'c d', 'e f', "it's", 'q"uote', 'tab\there', 'AAé']);
  });

  test('backslash-newline continuations, also with CRLF line ends, inside and outside quotes', () => {
    expect(words('curl \\\n  -H "X: y" \\\r\n  https://x.test/a\\\nb')).toEqual(['curl', '-H', 'X: y', 'https://x.test/ab']);
    expect(words('curl "one\\\ntwo"')).toEqual(['curl', 'onetwo']);
  });

  test('$NAME and ${NAME} are environment references; substitutions are not run', () => {
    const [, bearer, url] = tokenizeShell('curl "Bearer $TOKEN" ${BASE}/x') as Array<{ text: string }>;
    expect(bearer?.text).toBe('Bearer \uE000TOKEN\uE001');
    expect(url?.text).toBe('\uE000BASE\uE001/x');
    const tokens = tokenizeShell('curl "$(cat token.txt)" `date` $1');
    const notes = tokens.flatMap((t) => (t.kind === 'word' ? t.notes : []));
    expect(notes).toEqual([expect.stringContaining('$(cat token.txt) is not run'), expect.stringContaining('`date` is not run'), expect.stringContaining('$1 is not run')]);
    expect(words('curl "$(cat token.txt)"')).toEqual(['curl', '$COMMAND_1']);
    // Single quotes keep $ as it is; a lone $ is a $.
    expect(words(`curl '$HOME' a$ "$"`)).toEqual(['curl', '$HOME', 'a$', '$']);
  });

  test('operators, comments, redirections, here-documents', () => {
    expect(kinds(tokenizeShell('curl a | jq . ; curl b && echo ok # done\ncurl c 2>&1 > out.txt'))).toEqual([
      'w:curl', 'w:a', 'op:|', 'w:jq', 'w:.', 'op:;', 'w:curl', 'w:b', 'op:&&', 'w:echo', 'w:ok', 'op:newline', 'w:curl', 'w:c', 'r:2>&:1', 'r:>:out.txt',
    ]);
    const heredoc = tokenizeShell("curl -d @- x.test <<'EOF'\n{\"a\": 1}\n  $NOT\nEOF\ncurl y.test");
    const redirect = heredoc.find((t) => t.kind === 'redirect');
    expect(redirect?.kind === 'redirect' && redirect.content).toBe('{"a": 1}\n  $NOT\n');
    expect(words("curl -d @- x.test <<'EOF'\n{}\nEOF\ncurl y.test")).toEqual(['curl', '-d', '@-', 'x.test', 'curl', 'y.test']);
    const herestring = tokenizeShell("curl -d @- x <<< 'a=1'").find((t) => t.kind === 'redirect');
    expect(herestring?.kind === 'redirect' && herestring.content).toBe('a=1\n');
  });

  test('unterminated quotes and subshells are usage errors with the position', () => {
    for (const [input, where] of [[`curl 'abc`, 6], [`curl "abc`, 6], ['curl $(date', 6], ['curl `date', 6], ['(curl x)', 1], [`curl $'x`, 6]] as const) {
      let error: unknown = null;
      try {
        tokenizeShell(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(`at character ${where}`);
    }
  });

  test('characters apitest reserves for references are refused', () => {
    expect(() => tokenizeShell('curl \uE000x')).toThrow(UsageError);
  });

  test('the same words as bash for quoting that does not expand anything', () => {
    const inputs = [`a 'b c' "d e" f\\ g`, `'x'"y"z`, `$'\\n\\t\\\\\\''`, `"a\\\\b" 'c\\d' e\\\\f`, `$'\\x41\\x42' $'\\0101'`, `"it's" 'say "hi"'`, `a\\\nb`];
    for (const input of inputs) {
      const expected = bashWords(input);
      if (expected === null) return; // no bash here
      expect(words(input)).toEqual(expected);
    }
  });
});
