import { afterAll, beforeAll } from '@jest/globals';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';

export type { DemoServer, LoggedRequest } from '../../src/demo/server.js';

/** Starts a fresh demo server (own state) on an ephemeral 127.0.0.1 port. Close it when done. */
export async function startTestDemo(): Promise<DemoServer> {
  return startDemoServer({ port: 0, host: '127.0.0.1' });
}

/** Access to the demo server started by withDemoServer(); only valid inside tests/hooks. */
export interface DemoHandle {
  readonly server: DemoServer;
  readonly url: string;
}

/**
 * Registers beforeAll/afterAll hooks that start and close a demo server for the current
 * describe block: `const demo = withDemoServer(); ... fetch(`${demo.url}/users`)`.
 */
export function withDemoServer(): DemoHandle {
  let server: DemoServer | undefined;
  beforeAll(async () => {
    server = await startTestDemo();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  const current = (): DemoServer => {
    if (!server) throw new Error('demo server is not running (use the handle inside tests or hooks)');
    return server;
  };
  return {
    get server() {
      return current();
    },
    get url() {
      return current().url;
    },
  };
}
