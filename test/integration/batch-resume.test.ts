/**
 * Nothing lost: a batch killed mid-run (SIGINT; SIGINT twice; SIGKILL) and resumed sends every row to completion,
 * proved at a server that counts requests per Idempotency-Key and processes each key once (a repeat gets the stored
 * answer back, as an idempotent API does).
 *
 * "Exactly once" here means: every row's key reached the server, the server processed each key once, and the
 * journal ends with every row recorded once. After one Ctrl-C the in-flight rows finish and are recorded, so no key
 * is even sent twice. After SIGKILL (or a second Ctrl-C) a row in flight may have reached the server without being
 * recorded: it is sent again on --resume with the same key, and the server answers it without processing it again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runCli } from '../helpers/run-cli.js';
import { startBatchServer, type BatchServer } from '../helpers/batch-server.js';

const ROWS = 150;
const CONCURRENCY = 6;
let dir: string;
let server: BatchServer | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apitest-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Starts the batch, and sends `signals` (in order, 150 ms apart) once the server has received `after` requests. */
function runAndKill(args: string[], s: BatchServer, after: number, signals: NodeJS.Signals[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CI: 'true' };
    const child = spawn(process.execPath, ['--', BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let sent = false;
    const poll = setInterval(() => {
      if (sent || s.received.length < after) return;
      sent = true;
      clearInterval(poll);
      signals.forEach((signal, i) => setTimeout(() => child.kill(signal), i * 150));
    }, 5);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

async function journalIndexes(path: string): Promise<number[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { i: number }).i);
}

async function setUp(name: string): Promise<{ input: string; results: string; args: string[] }> {
  server = await startBatchServer(() => ({ delayMs: 40 }));
  const input = join(dir, `${name}.ndjson`);
  await writeFile(input, Array.from({ length: ROWS }, (_, i) => `${JSON.stringify({ id: i + 1, name: `row ${i + 1}` })}\n`).join(''));
  const results = join(dir, `${name}.results.ndjson`);
  return { input, results, args: ['batch', `${server.url}/orders`, '--input', input, '-c', String(CONCURRENCY), '--results', results] };
}

/** After the resume: every key reached the server and was processed once; journal and results hold every row once. */
async function expectComplete(s: BatchServer, results: string): Promise<void> {
  expect(s.perKey.size).toBe(ROWS);
  expect(s.processed.size).toBe(ROWS);
  const indexes = await journalIndexes(`${results}.journal`);
  expect(indexes).toHaveLength(ROWS);
  expect(new Set(indexes).size).toBe(ROWS);
  const lines = (await readFile(results, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { index: number; ok: boolean; key: string });
  expect(lines.map((l) => l.index).sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  expect(lines.every((l) => l.ok)).toBe(true);
  expect(new Set(lines.map((l) => l.key))).toEqual(new Set(s.perKey.keys()));
}

describe('apitest batch survives being stopped, and --resume completes it', () => {
  test('Ctrl-C (SIGINT): rows in flight finish and are recorded, exit 130; --resume sends the rest: every key exactly once', async () => {
    const { results, args } = await setUp('sigint');
    const s = server as BatchServer;
    const stopped = await runAndKill(args, s, 40, ['SIGINT']);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/apitest: error: interrupted: \d+ rows done in this run; the rest were not sent \(run the same command with --resume/);
    const recorded = await journalIndexes(`${results}.journal`);
    expect(recorded.length).toBeGreaterThanOrEqual(40 - CONCURRENCY);
    expect(recorded.length).toBeLessThan(ROWS);
    // Every request the server got was recorded: none was left in flight.
    expect(s.received.length).toBe(recorded.length);
    // The results of the rows done are in place (written atomically at the end).
    expect((await readFile(results, 'utf8')).split('\n').filter((l) => l !== '')).toHaveLength(recorded.length);

    const resumed = await runCli([...args, '--resume'], { timeoutMs: 30_000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`${recorded.length} rows skipped: done already (--resume)`);
    await expectComplete(s, results);
    expect([...s.perKey.values()].every((n) => n === 1)).toBe(true);
  });

  test('Ctrl-C twice: the requests in flight are stopped and not recorded; --resume sends them again with the same key', async () => {
    const { results, args } = await setUp('sigint2');
    const s = server as BatchServer;
    const stopped = await runAndKill(args, s, 40, ['SIGINT', 'SIGINT']);
    expect(stopped.code).toBe(130);
    const recorded = await journalIndexes(`${results}.journal`);
    expect(recorded.length).toBeLessThan(ROWS);
    const resumed = await runCli([...args, '--resume'], { timeoutMs: 30_000 });
    expect(resumed.code).toBe(0);
    await expectComplete(s, results);
    // At most the rows in flight at the second Ctrl-C reached the server twice; never more than twice.
    const repeats = [...s.perKey.values()].filter((n) => n > 1);
    expect(repeats.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(repeats.every((n) => n === 2)).toBe(true);
  });

  test('SIGKILL: nothing runs after it; the journal holds every row recorded so far; --resume completes with each key processed once', async () => {
    const { results, args } = await setUp('sigkill');
    const s = server as BatchServer;
    const killed = await runAndKill(args, s, 60, ['SIGKILL']);
    expect(killed.signal).toBe('SIGKILL');
    const recorded = await journalIndexes(`${results}.journal`);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(ROWS);
    // Every recorded row really reached the server (an entry is written only after the response).
    const keysBefore = new Set(s.perKey.keys());
    expect(keysBefore.size).toBeGreaterThanOrEqual(recorded.length);

    const resumed = await runCli([...args, '--resume'], { timeoutMs: 30_000 });
    expect(resumed.code).toBe(0);
    await expectComplete(s, results);
    // Sent twice: only rows that were in flight when the process was killed (reached the server, not recorded).
    const twice = [...s.perKey.entries()].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice.length).toBeLessThanOrEqual(CONCURRENCY * 5);
    expect(twice.every((k) => keysBefore.has(k))).toBe(true);
    expect([...s.perKey.values()].every((n) => n <= 2)).toBe(true);
    expect(s.received.filter((q) => q.keySeen > 1)).toHaveLength(twice.length);
  });
});
