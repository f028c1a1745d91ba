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
// The demo server never outlives this script: not on an error, not on Ctrl-C, not when stdout is closed
// (`npm run demo | head -1` ends quietly).
let running = null;
const stopAll = () => {
  running?.kill('SIGKILL');
  demo.stop();
};
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** A word as a POSIX shell reads it: as is when safe, else in single quotes. */
function shellQuote(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

process.stdout.write(`apitest demo API at ${base} (stopped when the demo ends)\n`);

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
  process.stdout.write(`\n\x1b[1m# ${title}\x1b[0m\n$ apitest ${args.map(shellQuote).join(' ')}\n`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    running = child;
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
