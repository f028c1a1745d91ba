// Writes dist/'s code cache at build time, for the Node that runs the build: loads the bundle the way
// bin/apitest.js does, runs a few typical commands in this one process against a throw-away local server (a JSON
// GET, the table report, a small suite), then saves the cache. On Node 20 (vm.Script, bin/v8-code-cache.js) it
// then holds the compiled code of all of them; on Node >= 22.1 (bin/compile-cache.js) Node caches what it
// compiled when it loaded the bundle. Best effort: on any problem the cache is simply written by the first
// real run instead.
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../bin/code-cache.js';

/** Loads the bundle at `bundle`, runs the warm-up commands in this process, and saves its code cache. */
export async function warmCodeCache(bundle) {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-ratelimit-limit', '60');
    res.setHeader('x-ratelimit-remaining', '59');
    res.setHeader('x-ratelimit-reset', '30');
    res.end(JSON.stringify({ id: 1, name: 'Ann', roles: ['admin'] }));
  });
  const dir = await mkdtemp(join(tmpdir(), 'apitest-warm-'));
  try {
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${server.address().port}`;
    const suite = join(dir, 'warm.yaml');
    await writeFile(
      suite,
      `name: warm\nbaseUrl: "${base}"\nsteps:\n` +
        Array.from({ length: 3 }, (_, i) => `  - name: step ${i}\n    url: /users/1\n    expect:\n      status: 200\n      jsonpath: { "$.id": 1 }\n    capture: { id: $.id }\n`).join(''),
    );
    const sink = { write: () => true, isTTY: false, columns: undefined };
    const io = { stdout: sink, stderr: sink, readStdin: async () => Buffer.alloc(0), readPassword: async () => null, env: {}, now: () => Date.now(), cwd: dir };
    const { exports: cli, saveCache } = loadBundle(bundle);
    for (const argv of [['--version'], ['--json', `${base}/users/1`], [`${base}/users/1`], ['run', suite], [`${base}/users/1`, '--expect', 'status == 200']]) {
      const code = await cli.main(argv, io);
      if (code !== 0) throw new Error(`warm-up run failed: apitest ${argv.join(' ')} → ${code}`);
    }
    saveCache();
  } catch (error) {
    console.warn(`build: code cache not pre-built (${error.message}); the first run will write it`);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
