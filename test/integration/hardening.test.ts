/**
 * Issue 10's regression tests that are not transport faults (those are in fault-matrix.test.ts): crashes from
 * input a user can type, unbounded regular expressions, wrong exits, and Ctrl-C / SIGTERM — all through the
 * real binary, against the demo API or the fault server on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { BIN, parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
let faults: FaultServer;
const dir = mkdtempSync(join(tmpdir(), 'apitest-hardening-'));
beforeAll(async () => {
  faults = await startFaultServer();
});
afterAll(async () => {
  await faults.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A path of the demo's /echo that no other test uses, to find what the server received. */
function echoPath(): string {
  counter += 1;
  return `/echo/hardening-${counter}`;
}
function received(path: string) {
  return demo.server.requests().find((r) => r.path === path);
}
function oneErrorLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] ?? '';
}
function suiteFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('header names from input that are Object.prototype keys', () => {
  test('-H, --headers and suite headers named constructor, toString… are sent; one named __proto__ is refused with one line (it could not be sent), not dropped', async () => {
    const p = echoPath();
    const r = await runCli([`${demo.url}${p}`, '-H', 'constructor: a', '-H', 'valueOf: b', '--headers', '{"toString":"c","hasOwnProperty":"d"}', '--json']);
    expect(r.code).toBe(0);
    expect(received(p)?.headers).toMatchObject({ constructor: 'a', valueof: 'b', tostring: 'c', hasownproperty: 'd' });
    const doc = parseJsonDocument(r.stdout);
    expect(doc.ok).toBe(true);
    const proto = await runCli([`${demo.url}${echoPath()}`, '-H', '__proto__: b']);
    expect(proto.code).toBe(2);
    expect(proto.stderr.trim()).toBe('apitest: error: -H/--header: a header named "__proto__" cannot be sent (apitest\'s HTTP client keeps headers in a JavaScript object, where that name is reserved)');

    const q = echoPath();
    const suite = suiteFile('proto-headers.yaml', `baseUrl: "${demo.url}"\nsteps:\n  - url: ${q}\n    headers: { constructor: x }\n    query: { __proto__: y }\n`);
    const s = await runCli(['run', suite]);
    expect(s.code).toBe(0);
    expect(received(q)?.headers).toMatchObject({ constructor: 'x' });
    // The query parameter named __proto__ is sent (and the demo keeps it as a key, not as a prototype).
    expect(Object.getOwnPropertyDescriptor(received(q)?.query ?? {}, '__proto__')?.value).toBe('y');
    const refused = suiteFile('proto-header.yaml', `baseUrl: "${demo.url}"\nsteps:\n  - url: ${echoPath()}\n    headers: { __proto__: y }\n`);
    const t = await runCli(['run', refused]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('steps[0].headers.__proto__: a header named "__proto__" cannot be sent');
  });
});

describe('regular expressions run in linear time', () => {
  const evil = `/echo/${'a'.repeat(36)}!`;
  test('--expect matches with a catastrophic pattern ends at once (exit 1: no match)', async () => {
    const started = Date.now();
    const r = await runCli([`${demo.url}${evil}`, '--expect', String.raw`$.path matches /^\/echo\/(a+)+$/`], { timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  test('suite that: and matches: with the same pattern', async () => {
    const suite = suiteFile(
      'regex.yaml',
      `baseUrl: "${demo.url}"\nsteps:\n  - url: "${evil}"\n    expect:\n      that: ['$.path matches /^\\/echo\\/(a+)+$/']\n  - url: "${evil}"\n    expect:\n      jsonpath: { "$.path": { matches: "^/echo/(a+)+$" } }\n`,
    );
    const r = await runCli(['run', suite, '--reporter', 'json'], { timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files[0].steps.map((s: { ok: boolean }) => s.ok)).toEqual([false, false]);
  });

  test('lookaround is refused with the reason (exit 2), as is a bad --filter', async () => {
    const r = await runCli([`${demo.url}/users/1`, '--expect', '$.name matches /(?=A)Ann/']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/lookaround and backreferences are not supported/);
    const f = await runCli(['run', 'fixtures/suites/users.yaml', '--filter', '(']);
    expect(f.code).toBe(2);
    expect(oneErrorLine(f.stderr)).toMatch(/^apitest: error: --filter: invalid regular expression/);
  });
});

describe('schemas that refer to themselves', () => {
  test('--schema {"$ref":"#"}: a usage error before sending, one line', async () => {
    const schema = join(dir, 'loop.json');
    writeFileSync(schema, '{"$ref":"#"}');
    const p = echoPath();
    const r = await runCli([`${demo.url}${p}`, '--schema', schema]);
    expect(r.code).toBe(2);
    oneErrorLine(r.stderr);
    expect(received(p)).toBeUndefined();
  });
});

describe('suite files', () => {
  test('YAML nested 2,000 levels deep: file:line:col, exit 2, no crash', async () => {
    const suite = suiteFile('deep.yaml', `baseUrl: "${demo.url}"\nsteps:\n  - url: /echo\n    json: ${'['.repeat(2000)}${']'.repeat(2000)}\n`);
    const r = await runCli(['run', suite]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deep\.yaml:4:\d+: nested deeper than 100 levels/);
    expect(r.stderr).not.toMatch(/Maximum call stack|\n\s+at /);
  });

  test('two YAML documents: "a suite file holds one YAML document" with its position', async () => {
    const suite = suiteFile('two.yaml', `baseUrl: "${demo.url}"\nsteps:\n  - url: /echo\n---\nsteps: []\n`);
    const r = await runCli(['run', suite]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/two\.yaml:4:1: a suite file holds one YAML document/);
    expect(r.stderr).not.toMatch(/parseAllDocuments/);
  });
});

describe('wrong exits and messages', () => {
  test('--api-key-header with a blank: exit 2 before sending', async () => {
    const p = echoPath();
    const r = await runCli([`${demo.url}${p}`, '--api-key', 'k-123456', '--api-key-header', 'Bad Header']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/--api-key-header: invalid header name "Bad Header"/);
    expect(received(p)).toBeUndefined();
  });

  test('a URL with a leading tab and a trailing CR LF is trimmed and sent; a tab inside is refused', async () => {
    const p = echoPath();
    const r = await runCli([`\t${demo.url}${p}\r\n`]);
    expect(r.code).toBe(0);
    expect(received(p)).toBeDefined();
    const inside = await runCli([`${demo.url}/ec\tho`]);
    expect(inside.code).toBe(2);
    expect(oneErrorLine(inside.stderr)).toMatch(/contains control characters/);
    const q = echoPath();
    const suite = suiteFile('url-blanks.yaml', `baseUrl: "${demo.url}\\n"\nsteps:\n  - url: "\\t${q}\\r\\n"\n`);
    expect((await runCli(['run', suite])).code).toBe(0);
    expect(received(q)).toBeDefined();
  });

  test('a Content-Length that contradicts the body is refused (exit 2, nothing sent); a right one is sent', async () => {
    const cases: string[][] = [['-H', 'Content-Length: 5'], ['-d', 'abc', '-H', 'Content-Length: 30'], ['-F', 'a=b', '-H', 'Content-Length: 3'], ['-d', 'abc', '-H', 'Content-Length: x']];
    for (const args of cases) {
      const p = echoPath();
      const r = await runCli([`${demo.url}${p}`, ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(oneErrorLine(r.stderr)).toMatch(/Content-Length/);
      expect(received(p)).toBeUndefined();
    }
    const p = echoPath();
    const ok = await runCli([`${demo.url}${p}`, '-d', 'abc', '-H', 'Content-Length: 3', '--format', 'body']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).body).toBe('abc');
    const q = echoPath();
    const suite = suiteFile('content-length.yaml', `baseUrl: "${demo.url}"\nsteps:\n  - method: POST\n    url: ${q}\n    body: abc\n    headers: { Content-Length: "10" }\n`);
    const s = await runCli(['run', suite]);
    expect(s.code).toBe(1);
    expect(s.stdout).toMatch(/error \(usage\): headers: Content-Length: 10 contradicts the body, which is 3 bytes/);
    expect(received(q)).toBeUndefined();
  });
});

describe('--max-body and suite maxBody', () => {
  test('a suite step over defaults.maxBody fails with kind decode; a step under it passes', async () => {
    const suite = suiteFile('max-body.yaml', `baseUrl: "${demo.url}"\ndefaults:\n  maxBody: 100b\nsteps:\n  - url: /users\n  - url: /users/1\n    maxBody: 1mb\n`);
    const r = await runCli(['run', suite, '--reporter', 'json']);
    expect(r.code).toBe(1);
    const steps = JSON.parse(r.stdout).files[0].steps;
    expect(steps[0].error.kind).toBe('decode');
    expect(steps[0].error.message).toMatch(/larger than 100 bytes once decoded/);
    expect(steps[1].ok).toBe(true);
  });

  test('--max-body: in memory and with -o (where it applies only when given)', async () => {
    const r = await runCli([`${demo.url}/users`, '--max-body', '100b']);
    expect(r.code).toBe(3);
    expect(oneErrorLine(r.stderr)).toMatch(/larger than 100 bytes once decoded.*raise --max-body/);
    const out = join(dir, 'users.json');
    expect((await runCli([`${demo.url}/users`, '-o', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8').length).toBeGreaterThan(100);
    const bad = await runCli([`${demo.url}/users`, '--max-body', 'lots']);
    expect(bad.code).toBe(2);
  });
});

/** Spawns the real binary, sends `signal` once `ready(stderr+stdout)` is true (or after `afterMs`), and collects the result. */
function runAndSignal(args: string[], signal: NodeJS.Signals, afterMs: number, cwd = dir): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { ...process.env, CI: 'true' } as Record<string, string>;
    const child = spawn(process.execPath, ['--', BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const send = setTimeout(() => child.kill(signal), afterMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), afterMs + 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(send);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Ctrl-C and SIGTERM', () => {
  test('SIGINT during a request: exit 130, the --json document with error.kind interrupted', async () => {
    const r = await runAndSignal([`${faults.url}/hang`, '--json', '--timeout', '30'], 'SIGINT', 1_500);
    expect(r.code).toBe(130);
    const doc = parseJsonDocument(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.kind).toBe('interrupted');
  });

  test('SIGTERM during -o: exit 143, no temporary file left, the previous file intact', async () => {
    const sub = mkdtempSync(join(dir, 'term-'));
    const out = join(sub, 'keep.txt');
    writeFileSync(out, 'previous');
    const r = await runAndSignal([`${demo.url}/drip?chunks=20&interval=300`, '-o', out, '--timeout', '30'], 'SIGTERM', 1_000);
    expect(r.code).toBe(143);
    expect(readdirSync(sub)).toEqual(['keep.txt']);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  test('SIGINT during a suite: exit 130, the report has the steps that ran and the rest marked not run', async () => {
    const report = join(dir, 'interrupted.json');
    const suite = suiteFile(
      'interrupt.yaml',
      `steps:\n  - url: "${demo.url}/users/1"\n  - url: "${faults.url}/hang"\n    timeout: 30\n  - url: "${demo.url}/users/2"\n`,
    );
    const r = await runAndSignal(['run', suite, '--reporter', `json:${report}`], 'SIGINT', 2_000);
    expect(r.code).toBe(130);
    expect(existsSync(report)).toBe(true);
    const steps = JSON.parse(readFileSync(report, 'utf8')).files[0].steps;
    expect(steps[0].ok).toBe(true);
    expect(steps[1].error.kind).toBe('interrupted');
    expect(steps[2].skipReason).toBe('interrupted');
  });
});
