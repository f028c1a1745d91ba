// `npm run demo`: starts the demo API with the real binary on a free loopback port, runs a few apitest
// commands against it (printing each command first), then stops the server. Bounded: every command has a timeout.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './start-demo.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'apitest.js');

const demo = await startDemo(bin, root);
const base = demo.url;

const commands = [
  ['GET a resource', [`${base}/users/1`]],
  ['POST JSON (Content-Type chosen from the data)', ['-X', 'POST', `${base}/users`, '-d', '{"name":"Dana","email":"dana@example.com"}']],
  ['Rate-limit headers, read into a table', [`${base}/ratelimit/x?remaining=3`]],
  ['Retry a flaky endpoint (fails twice, then succeeds)', [`${base}/flaky?fail=2&key=demo`, '--retry', '3', '--retry-delay', '100ms']],
  ['Walk a paginated collection (Link headers)', [`${base}/pages/link?per_page=5&total=12`, '--paginate']],
  ['JSON for scripts', [`${base}/users/2`, '--json']],
  ['A 404 exits 5', [`${base}/users/999`]],
];

let failures = 0;
for (const [title, args] of commands) {
  process.stdout.write(`\n\x1b[1m# ${title}\x1b[0m\n$ apitest ${args.join(' ')}\n`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  process.stdout.write(`(exit ${code})\n`);
  const expected = args.includes(`${base}/users/999`) ? 5 : 0;
  if (code !== expected) failures += 1;
}
demo.stop();
process.exitCode = failures === 0 ? 0 : 1;
