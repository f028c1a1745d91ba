/** Everything the command layer touches of the process, injected so tests can fake a TTY, env or clock. */
import { formatByteSize } from './util/byte-size.js';
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** An input read whole into memory (standard input, a file argument) went past its limit. */
export class InputTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${formatByteSize(limit)}, the most apitest reads into memory for it`);
  }
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  /**
   * Reads all of standard input (for `@-`); past `limit` bytes (when given) it stops reading and rejects with
   * `InputTooLargeError`.
   */
  readStdin(limit?: number): Promise<Buffer>;
  /**
   * Asks for a secret on the terminal without echoing it (prompt on stderr); null when standard input or error is
   * not a terminal (then nothing is asked); `{ cancelled }` when the user gave up with Ctrl-C or Ctrl-D.
   */
  readPassword(prompt: string): Promise<string | null | PromptCancelled>;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  cwd: string;
  /** Aborts on the first SIGINT or SIGTERM (what finished is then reported); absent in tests that fake the process. */
  interrupt?: Interrupt;
  /** Standard input as a stream (read as it comes: `apitest batch --input -`); absent in tests that fake the process. */
  openStdin?: () => import('node:stream').Readable;
}

/** The password prompt was given up: Ctrl-C (`interrupt`) or Ctrl-D (`end-of-input`). */
export interface PromptCancelled {
  readonly cancelled: 'interrupt' | 'end-of-input';
}

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Which signal stopped the run, if one did. */
  received(): 'SIGINT' | 'SIGTERM' | null;
  /**
   * For a command that drains on the first signal (`apitest batch`: rows in flight finish): the second signal calls
   * `handler` (which stops what is in flight) instead of ending the process; a third one ends it.
   */
  onSecond?(handler: () => void): void;
}

/**
 * The first SIGINT or SIGTERM aborts the run (requests stop, what finished is reported, temporary files go); a
 * second one ends the process at once.
 */
export function processInterrupt(): Interrupt {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | null = null;
  let second: (() => void) | null = null;
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (received !== null) {
        if (second === null) process.exit(name === 'SIGINT' ? 130 : 143);
        const handler = second;
        second = null;
        handler();
        return;
      }
      received = name;
      controller.abort();
    });
  }
  return {
    signal: controller.signal,
    received: () => received,
    onSecond: (handler) => {
      second = handler;
    },
  };
}

export function processIo(): Io {
  // `apitest … | head -1`: once the reader has gone, further output is dropped quietly (no EPIPE crash).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async (limit) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        total += (chunk as Buffer).length;
        if (limit !== undefined && total > limit) throw new InputTooLargeError(limit);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
    readPassword: (prompt) => readHidden(prompt),
    interrupt: processInterrupt(),
    openStdin: () => process.stdin,
    env: process.env,
    now: () => Date.now(),
    cwd: process.cwd(),
  };
}

/** Reads one line from the terminal with echo off: Enter ends it, Backspace edits it, Ctrl-C or Ctrl-D gives up. */
function readHidden(prompt: string): Promise<string | null | PromptCancelled> {
  const stdin = process.stdin;
  if (stdin.isTTY !== true || process.stderr.isTTY !== true) return Promise.resolve(null);
  // Echo off before the prompt shows: nothing typed after it is ever echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string | PromptCancelled): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(value);
        // In raw mode Ctrl-C is a byte, not a SIGINT.
        if (ch === '\u0003') return finish({ cancelled: 'interrupt' });
        if (ch === '\u0004') return finish({ cancelled: 'end-of-input' });
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
