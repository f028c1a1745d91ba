// `npm run fuzz`: the property-based tests of every parser of user input (test/property) with many more generated
// inputs than `npm test` gives them — FUZZ_RUNS=10000 per property unless FUZZ_RUNS is set — then one table, per
// parser: properties, inputs generated, failures. Exits non-zero when jest failed.
//
//   npm run fuzz                          every property, 10,000 inputs each
//   FUZZ_RUNS=2000 npm run fuzz           fewer
//   npm run fuzz -- -t 'suite files'      jest arguments after --, e.g. one describe block
//   FUZZ_SEED=… FUZZ_PATH=… npm run fuzz -- test/property/sizes -t '…'   replay a failure (its report prints both)
//
// The properties write one JSON line each to $FUZZ_SUMMARY_DIR/properties.jsonl (test/property/fuzz.ts); this
// script makes that directory, reads it after jest and removes it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const runs = process.env.FUZZ_RUNS !== undefined && process.env.FUZZ_RUNS.trim() !== '' ? process.env.FUZZ_RUNS.trim() : '10000';
if (!/^[1-9][0-9]*$/.test(runs)) {
  process.stderr.write(`fuzz: FUZZ_RUNS must be a whole number >= 1, got ${JSON.stringify(runs)}\n`);
  process.exit(2);
}
const summaryDir = mkdtempSync(join(tmpdir(), 'apitest-fuzz-'));
const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter((o) => o !== undefined && o.trim() !== '').join(' ');
const started = performance.now();
process.stderr.write(`fuzz: ${runs} inputs per property (FUZZ_RUNS), jest on test/property\n`);

const jest = spawn(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), 'test/property', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SUMMARY_DIR: summaryDir, NODE_OPTIONS: nodeOptions },
});

// Ctrl-C reaches jest too (same process group): wait for it to stop, then report what ran.
const ignore = () => {};
process.on('SIGINT', ignore);
process.on('SIGTERM', () => jest.kill('SIGTERM'));

jest.on('close', (code, signal) => {
  const lines = readSummary();
  rmSync(summaryDir, { recursive: true, force: true });
  printTable(lines, (performance.now() - started) / 1000);
  const failed = lines.some((l) => l.failures > 0);
  if (signal !== null) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  if (code !== 0) process.exit(code ?? 1);
  if (lines.length === 0) {
    process.stderr.write('fuzz: no property reported a result (is FUZZ_SUMMARY_DIR read by test/property/fuzz.ts?)\n');
    process.exit(1);
  }
  process.exit(failed ? 1 : 0);
});

function readSummary() {
  let text = '';
  try {
    text = readFileSync(join(summaryDir, 'properties.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

function printTable(lines, seconds) {
  const byParser = new Map();
  for (const line of lines) {
    const row = byParser.get(line.parser) ?? { parser: line.parser, properties: 0, inputs: 0, failures: 0, ms: 0 };
    row.properties += 1;
    row.inputs += line.inputs;
    row.failures += line.failures;
    row.ms += line.ms;
    byParser.set(line.parser, row);
  }
  const rows = [...byParser.values()].sort((a, b) => a.parser.localeCompare(b.parser));
  const total = rows.reduce((t, r) => ({ parser: 'total', properties: t.properties + r.properties, inputs: t.inputs + r.inputs, failures: t.failures + r.failures, ms: t.ms + r.ms }), {
    parser: 'total',
    properties: 0,
    inputs: 0,
    failures: 0,
    ms: 0,
  });
  const header = ['parser', 'properties', 'inputs', 'failures', 'time'];
  const cells = [...rows, total].map((r) => [r.parser, String(r.properties), r.inputs.toLocaleString('en-US'), String(r.failures), `${(r.ms / 1000).toFixed(1)} s`]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`];
  cells.forEach((c, i) => {
    if (i === cells.length - 1) out.push(out[1]);
    out.push(line(c));
  });
  process.stdout.write(`\nfuzz summary (FUZZ_RUNS=${runs}, ${seconds.toFixed(0)} s)\n${out.join('\n')}\n`);
}
