/** `apitest run` selections that select nothing, and the demo script's manners in a pipeline. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const dir = mkdtempSync(join(tmpdir(), 'apitest-selection-'));

describe('apitest run: a selection that selects no step', () => {
  test('--filter matching nothing: exit 2 "no step matched", nothing sent; --pass-with-no-tests: exit 0 with a note', async () => {
    const suite = join(dir, 's.yaml');
    writeFileSync(suite, `name: s\nbaseUrl: "${demo.url}"\nsteps:\n  - name: get user\n    url: /echo/selection\n`);
    const before = demo.server.requests().length;
    const r = await runCli(['run', suite, '--filter', 'nothing-like-this']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^apitest: error: no step matched --filter "nothing-like-this" \(/);
    const pass = await runCli(['run', suite, '--filter', 'nothing-like-this', '--pass-with-no-tests']);
    expect(pass.code).toBe(0);
    expect(pass.stderr).toMatch(/^apitest: note: no step matched --filter "nothing-like-this"; nothing to run/);
    expect(demo.server.requests().length).toBe(before);
  });

  test('an empty shard exits 0 with a note', async () => {
    const suite = join(dir, 'only.yaml');
    writeFileSync(suite, `name: s\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /echo/shard\n`);
    const r = await runCli(['run', suite, '--shard', '2/3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('apitest: note: shard 2/3 has no suite file (1 in all); nothing to run\n');
  });
});

test('npm run demo | head -1: exits quietly and leaves no demo server running', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const firstLine = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) {
        child.stdout.destroy(); // head -1 closes the pipe
        resolve(out.split('\n')[0] ?? '');
      }
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  expect(code).toBe(0);
  expect(err).toBe('');
  const url = new URL(/http:\/\/\S+/.exec(firstLine)?.[0] ?? 'http://127.0.0.1:1');
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  expect(refused).toBe(true);
});
