// Starts the demo API with the real binary on a free loopback port (for `npm run demo` and `npm run bench`).
// Resolves with its URL once it says it is listening; rejects if it exits first or takes over 10 s.
import { spawn } from 'node:child_process';

export async function startDemo(bin, cwd) {
  const child = spawn(process.execPath, ['--', bin, 'demo-server', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo API did not start within 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo API exited with ${code}`));
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}
