// `node scripts/measure-tricks.mjs [trick…]`: what each start-up and memory trick saves (docs/internals.md).
// Builds the CLI once with every trick and once without each one (APITEST_WITHOUT, scripts/build.mjs) into a
// temporary directory, then measures every build the same way against the demo API, alternating builds run by run:
// start-up (--version), a single --json GET, the first run after an install (no code cache yet), a 100- and a
// 1,000-step suite (time; peak RSS), and a 1 GiB body streamed with -o (peak RSS). Prints a table of medians.
// Bounded: RUNS runs per figure (MEASURE_RUNS, default 15), every process killed after 5 minutes.
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './start-demo.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.MEASURE_RUNS ?? 15);
const TRICKS = ['stub-got-extras', 'lazy-listformat', 'stub-commander-child-process', 'share-options', 'young-gc', 'yaml-fast-path', 'code-cache-warmup'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : TRICKS;

function run(cmd, args, { env = {}, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true', ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A build of the CLI in its own directory (bin/, dist/, package.json), without `trick` (null: every trick). */
async function buildVariant(base, trick) {
  const dir = join(base, trick ?? 'all');
  await mkdir(dir, { recursive: true });
  await cp(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    env: { ...process.env, APITEST_BUILD_OUT: join(dir, 'dist'), APITEST_WITHOUT: trick ?? '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build without ${trick} failed: ${r.stderr}`);
  return { name: trick ?? 'all', bin: join(dir, 'bin', 'apitest.js'), dist: join(dir, 'dist') };
}

/** Median wall time of each variant's command, the variants alternated run by run after 2 warm-ups each. */
async function timeAll(variants, argsOf, { prepare } = {}) {
  const times = new Map(variants.map((v) => [v.name, []]));
  for (let i = 0; i < RUNS + 2; i++) {
    for (const v of variants) {
      if (prepare) await prepare(v);
      const r = await run(process.execPath, ['--', v.bin, ...argsOf(v)]);
      if (r.code !== 0) throw new Error(`${v.name}: ${argsOf(v).join(' ')} exited ${r.code}: ${r.stderr.slice(-400)}`);
      if (i >= 2) times.get(v.name).push(r.ms);
    }
  }
  return new Map([...times].map(([k, xs]) => [k, median(xs)]));
}

async function peakRss(v, args) {
  const xs = [];
  for (let i = 0; i < 3; i++) {
    const r = await run('/usr/bin/time', ['-v', process.execPath, '--', v.bin, ...args]);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (r.code !== 0 || !m) throw new Error(`${v.name}: peak RSS run failed (${r.code}): ${r.stderr.slice(-400)}`);
    xs.push(Number(m[1]) / 1024);
  }
  return median(xs);
}

const removeCodeCache = async (v) => {
  for (const name of readdirSync(v.dist)) if (name.endsWith('.cache')) await rm(join(v.dist, name), { force: true });
  // The launcher falls back to a private temp directory when dist/ is not writable; that copy goes too.
  await rm(join(tmpdir(), `apitest-code-cache-${process.getuid?.() ?? 'user'}`), { recursive: true, force: true });
};

const base = await mkdtemp(join(tmpdir(), 'apitest-tricks-'));
const demo = await startDemo(join(root, 'bin', 'apitest.js'), root);
try {
  const all = await buildVariant(base, null);
  const variants = [all];
  for (const trick of chosen) variants.push(await buildVariant(base, trick));
  const suite = (n) => `name: m\nbaseUrl: "${demo.url}"\nsteps:\n` + Array.from({ length: n }, (_, i) => `  - name: s${i}\n    url: /users/1\n    expect:\n      status: 200\n      jsonpath: { "$.id": 1 }\n`).join('');
  await writeFile(join(base, 's100.yaml'), suite(100));
  await writeFile(join(base, 's1000.yaml'), suite(1000));

  const figures = new Map(variants.map((v) => [v.name, {}]));
  const put = (key, map, unit) => {
    for (const [name, value] of map) figures.get(name)[key] = `${value.toFixed(1)} ${unit}`;
  };
  put('--version', await timeAll(variants, () => ['--version']), 'ms');
  put('GET --json', await timeAll(variants, () => ['--json', `${demo.url}/users/1`]), 'ms');
  put('first run', await timeAll(variants, () => ['--json', `${demo.url}/users/1`], { prepare: removeCodeCache }), 'ms');
  put('100-step suite', await timeAll(variants, () => ['run', join(base, 's100.yaml')]), 'ms');
  if (existsSync('/usr/bin/time')) {
    for (const v of variants) {
      figures.get(v.name)['1,000 steps RSS'] = `${(await peakRss(v, ['run', join(base, 's1000.yaml')])).toFixed(1)} MB`;
      figures.get(v.name)['-o 1 GiB RSS'] = `${(await peakRss(v, [`${demo.url}/bytes/1073741824`, '-o', join(base, 'big.bin'), '--timeout', '5m'])).toFixed(1)} MB`;
      await rm(join(base, 'big.bin'), { force: true });
    }
  } else {
    console.log('peak RSS skipped: /usr/bin/time is not installed (apt-get install time)');
  }
  const columns = Object.keys(figures.get('all'));
  console.log(`medians of ${RUNS} runs, builds alternated (node ${process.version})\n`);
  console.log(['build', ...columns].join(' | '));
  for (const [name, f] of figures) console.log([name === 'all' ? 'every trick' : `without ${name}`, ...columns.map((c) => f[c] ?? '-')].join(' | '));
} finally {
  demo.stop();
  await rm(base, { recursive: true, force: true });
}
