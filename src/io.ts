/** Everything the command layer touches of the process, injected so tests can fake a TTY, env or clock. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  /** Reads all of standard input (for `@-`). */
  readStdin(): Promise<Buffer>;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    env: process.env,
    now: () => Date.now(),
    cwd: process.cwd(),
  };
}
