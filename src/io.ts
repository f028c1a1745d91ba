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
  // `apitest … | head -1`: once the reader has gone, further output is dropped quietly (no EPIPE crash).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
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
