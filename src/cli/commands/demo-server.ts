import { startDemoServer } from '../../demo/server.js';
import type { Io } from '../../io.js';
import { printReport } from '../../render/output.js';
import { OK, type CommandResult } from '../command-result.js';
import { UsageError } from '../../errors.js';

export interface RawDemoOptions {
  port: string;
  host: string;
}

/** `apitest demo-server`: serves the sample API until interrupted (SIGINT/SIGTERM). */
export async function runDemoServerCommand(raw: RawDemoOptions, io: Io): Promise<CommandResult> {
  const port = Number(raw.port);
  if (!/^\d+$/.test(raw.port) || port > 65535) throw new UsageError(`--port: expected a port number from 0 to 65535, got ${JSON.stringify(raw.port)}`);
  let server;
  try {
    server = await startDemoServer({ port, host: raw.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`demo-server: cannot listen on ${raw.host}:${port}: ${code ?? (error as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'the port is taken; choose another with --port, or 0 for any free port' : 'check --host and --port',
    });
  }
  printReport(io, `apitest demo API listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return OK;
}
