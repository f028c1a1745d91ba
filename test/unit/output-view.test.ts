import { describe, expect, test } from '@jest/globals';
import { decideOutputView } from '../../src/cli/parse/output-view.js';
import type { Io } from '../../src/io.js';

const raw = { verbose: false, color: true, fail: true, showSecrets: false, debug: false };
function io(opts: { stdoutTTY?: boolean; stderrTTY?: boolean; columns?: number; env?: Record<string, string> }): Io {
  return {
    stdout: { write: () => true, isTTY: opts.stdoutTTY ?? false, columns: opts.columns },
    stderr: { write: () => true, isTTY: opts.stderrTTY ?? false, columns: opts.columns },
    readStdin: async () => Buffer.alloc(0),
    readPassword: async () => null,
    env: opts.env ?? {},
    now: () => 0,
    cwd: '/',
  };
}

describe('decideOutputView', () => {
  test.each([
    ['a TTY with a width, CI unset', { stderrTTY: true, columns: 80 }, true],
    ['CI set', { stderrTTY: true, columns: 80, env: { CI: 'true' } }, false],
    ['stderr piped', { stderrTTY: false, columns: 80 }, false],
    ['a TTY that reports no width', { stderrTTY: true, columns: 0 }, false],
  ])('spinner on %s: %s', (_name, o, expected) => {
    expect(decideOutputView(raw, io(o)).spinner).toBe(expected);
  });
  test('--json and a different --format disagree', () => {
    expect(() => decideOutputView({ ...raw, json: true, format: 'body' }, io({}))).toThrow(/--json and --format body disagree/);
  });
  test('long bodies are cut only on a TTY', () => {
    expect(decideOutputView(raw, io({ stdoutTTY: true, columns: 100 })).maxBodyLines).toBe(200);
    expect(decideOutputView(raw, io({})).maxBodyLines).toBeNull();
  });
  test('colours: TTY on, NO_COLOR off, FORCE_COLOR on when piped, --no-color off', () => {
    expect(decideOutputView(raw, io({ stdoutTTY: true })).color).toBeGreaterThan(0);
    expect(decideOutputView(raw, io({ stdoutTTY: true, env: { NO_COLOR: '1' } })).color).toBe(0);
    expect(decideOutputView(raw, io({ env: { FORCE_COLOR: '1' } })).color).toBe(1);
    expect(decideOutputView({ ...raw, color: false }, io({ stdoutTTY: true })).color).toBe(0);
  });
});
