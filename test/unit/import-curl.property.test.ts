/**
 * Property tests of the curl importer (fast-check): the shell tokenizer and the curl argument parser never throw
 * anything but the documented UsageError, in bounded time; any word quoted as --print-curl quotes it reads back
 * unchanged; every command line they accept gives a suite that loads without problems and holds no secret given in
 * clear. FUZZ_RUNS sets the number of runs (default 500).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ciSeedOnce } from '../property/fuzz.js';
import { UsageError } from '../../src/errors.js';
import { importCurl } from '../../src/import/from-curl.js';
import { displayWord, tokenizeShell } from '../../src/import/shell-words.js';
import { quoteWord } from '../../src/render/curl-command.js';
import { suiteProblems } from '../helpers/imported-suite.js';

// In CI (`CI` set, FUZZ_RUNS not), one fixed seed, as the property tests of test/property (fuzz.ts): a CI run is
// reproducible and cannot turn red on a newly drawn input.
ciSeedOnce();

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 500) || 500);
/** Generous: the machine is shared; a linear tokenizer takes well under a millisecond for these inputs. */
const MAX_MS_PER_INPUT = 250;

/** Text a shell line is made of: quotes, escapes, expansions, operators, blanks, and any other character. */
const shellText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("'", '"', '\\', '$', '`', '(', ')', '{', '}', '[', ']', '|', '&', ';', '<', '>', '#', ' ', '\t', '\n', '\r', '-', '=', '@', ':', '/', 'a', 'Z', '0', '~', '*', '?', '!', '%', '^') },
    { weight: 2, arbitrary: fc.constantFrom("$'", '$(', '${', '<<', '<<<', '2>&1', '\\\n', 'curl ', ' -H ', ' -d ', "$'\\x41'", '"$X"', '\uE000') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 1 }) },
  ),
  maxLength: 120,
});

function onlyUsageErrors(run: () => unknown): void {
  const started = performance.now();
  try {
    run();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
}

describe('shell tokenizer (properties)', () => {
  test('any text: tokens or a UsageError, in bounded time', () => {
    fc.assert(fc.property(shellText, (text) => onlyUsageErrors(() => tokenizeShell(text))), { numRuns: RUNS });
  });

  test('any text quoted as --print-curl quotes it is read back as that one word', () => {
    const word = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('\u0000') && !/[\uE000-\uE003]/.test(s));
    fc.assert(
      fc.property(word, (text) => {
        const tokens = tokenizeShell(`curl ${quoteWord([{ text }])}`);
        expect(tokens.map((t) => (t.kind === 'word' ? t.text : `<${t.kind}>`))).toEqual(['curl', text]);
      }),
      { numRuns: RUNS },
    );
  });

  test('an environment reference quoted as --print-curl writes it is read back as a reference', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);
    const literal = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\u0000') && !/[\uE000-\uE003]/.test(s));
    fc.assert(
      fc.property(literal, name, literal, (before, env, after) => {
        const [, word] = tokenizeShell(`curl ${quoteWord([{ text: before }, { env }, { text: after }])}`);
        expect(word?.kind === 'word' && displayWord(word.text)).toBe(`${before}$${env}${after}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('a long input is read in linear time', () => {
    const line = `curl https://x.test ${Array.from({ length: 20_000 }, (_, i) => `-H 'X-${i}: "v${i}"' `).join('')}`;
    const started = performance.now();
    expect(tokenizeShell(line).length).toBe(40_002);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

/** Words of a curl command line: options curl has (with values), URLs, and words of any kind. */
const SECRET = 'Sk-Prop-9f8e7d';
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('a=1', '{"a":1}', '@file.txt', '@-', 'x:y', 'u:pw', 'name=@up.txt;type=text/plain', '3', '0', '-1', '1.5', '$TOKEN', "it's", '{{ x }}'));
const url = fc.oneof(
  fc.constantFrom('https://api.example.com/users', 'http://127.0.0.1:3000/echo?x=1', 'localhost:3000/a', `https://u:${SECRET}@h.test/`, `https://h.test/?api_key=${SECRET}`, 'ftp://h.test/f', 'https://h.test/{a,b}', '$BASE/x'),
  fc.webUrl(),
  fc.string({ maxLength: 15 }),
);
const option = fc.oneof(
  fc.tuple(fc.constantFrom('-H', '--header'), fc.oneof(fc.constantFrom(`Authorization: Bearer ${SECRET}`, `Cookie: sid=${SECRET}`, `X-Api-Key: ${SECRET}`, 'Accept: application/json', 'X-Empty;', 'Bad:', 'no colon', 'Content-Type: application/json'), value)),
  fc.tuple(fc.constantFrom('-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '-F', '--form-string', '-X', '-u', '-b', '-A', '-e', '-r', '-m', '--retry', '--retry-delay', '--max-redirs', '--url-query', '--url', '-T', '-x', '--cacert', '-o', '-w', '--oauth2-bearer'), value),
  fc.constantFrom(['-k'], ['-L'], ['-G'], ['-I'], ['-s'], ['-sSL'], ['--compressed'], ['-g'], ['--next'], ['-v'], ['--http2'], ['--no-location'], ['--frobnicate'], ['-Z'], ['--'], ['-XPOST'], ['-HX-A:1']),
  fc.tuple(fc.constant('-u'), fc.constant(`ann:${SECRET}`)),
);
const commandLine = fc
  .tuple(fc.array(fc.oneof(option, url.map((u) => [u]), fc.string({ maxLength: 10 }).map((w) => [w])), { maxLength: 10 }), url)
  .map(([parts, last]) => ['curl', ...parts.flat(), last].map((w) => (w.startsWith('$') ? w : quoteWord([{ text: w }]))).join(' '));

describe('curl importer (properties)', () => {
  const files: Record<string, string> = { 'file.txt': 'a=1\n', 'up.txt': 'upload' };
  const readFile = (path: string): Uint8Array | null => (path in files ? Buffer.from(files[path] as string) : null);
  // Where the suites would be saved: -F files the command names are there (the loader checks them).
  const dir = mkdtempSync(join(tmpdir(), 'apitest-import-prop-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

  test('any command line: a suite that loads without problems, no secret in it, or a UsageError', async () => {
    await fc.assert(
      fc.asyncProperty(commandLine, async (line) => {
        const started = performance.now();
        let result;
        try {
          result = importCurl(line, { readFile });
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          return;
        }
        expect(performance.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
        // A -F file that is not there is said so (and the suite then says so when it loads).
        if (result.findings.some((f) => f.message.includes('the suite will not load until it can'))) return;
        expect(await suiteProblems(result, dir)).toEqual([]);
        expect(JSON.stringify(result.suite)).not.toContain(SECRET);
        for (const f of result.findings) expect(f.where).toMatch(/^(command( \d+)?(, argument \d+)?|argument \d+)$/);
      }),
      { numRuns: RUNS },
    );
  });

  test('any text after curl: findings or a UsageError, nothing else', () => {
    fc.assert(fc.property(shellText, (text) => onlyUsageErrors(() => importCurl(`curl ${text}`, { readFile }))), { numRuns: RUNS });
  });
});
