/**
 * `apitest webhook listen` as a child process (the real binary), for tests that attack it over raw sockets:
 * started on a free 127.0.0.1 port read from its "listening on" line, bounded by a timeout, killed by
 * `stopAll` if a test leaves it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './run-cli.js';

export interface ListenResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningListener {
  port: number;
  pid: number;
  child: ChildProcess;
  /** Resolves when the listener exits (killed with SIGKILL after `timeoutMs`). */
  done: Promise<ListenResult>;
  /** The NDJSON records printed so far. */
  records(): Array<Record<string, unknown>>;
}

const running = new Set<ChildProcess>();

/** Parses NDJSON, one object per non-empty line. */
export function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts `apitest webhook listen --port 0 --json ...args` with `env` added to a clean environment. */
export async function startListenerCli(args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<RunningListener> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: 'true' };
  for (const name of ['WEBHOOK_SECRET', 'FORCE_COLOR', 'APITEST_DEBUG']) delete childEnv[name];
  const child = spawn(process.execPath, ['--', BIN, 'webhook', 'listen', '--port', '0', '--json', ...args], { cwd: ROOT, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<ListenResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen did not start within 10s: ${stderr}`)), 10_000);
    const onData = (): void => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stderr?.on('data', onData);
    done.then(
      (r) => {
        clearTimeout(timer);
        reject(new Error(`listen exited early (${r.code}): ${r.stderr}`));
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
  return { port, pid: child.pid ?? 0, child, done, records: () => ndjson(stdout) };
}

/** Kills every listener a test left running. */
export function stopAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
