/**
 * Files the CLI writes (-o, --reporter name:PATH), through the real binary: never replace what is not a regular
 * file (a character device made with mknod, a FIFO, /dev/null stay what they are and receive the bytes), write
 * atomically over regular files (mode kept, temporary file exclusive and unpredictable, nothing left behind),
 * write through symbolic links, and fail cleanly on a full device.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { withDemoServer } from '../helpers/demo.js';
import { parseJsonDocument, runCli } from '../helpers/run-cli.js';

const demo = withDemoServer();
const asRoot = process.getuid?.() === 0;
const fresh = (): string => mkdtempSync(join(tmpdir(), 'apitest-files-'));
/** Files in a directory other than the ones listed: a temporary file left behind shows up here. */
const leftovers = (dir: string, expected: string[]): string[] => readdirSync(dir).filter((f) => !expected.includes(f));

describe('-o onto things that are not regular files', () => {
  test('/dev/null stays a character device', async () => {
    const r = await runCli([`${demo.url}/bytes/4096`, '-o', '/dev/null', '--json']);
    expect(r.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(parseJsonDocument(r.stdout).response.bodyFile).toBe('/dev/null');
  });

  (asRoot ? test : test.skip)('a character device made with mknod stays a device and receives the bytes (as root)', async () => {
    const dir = fresh();
    const device = join(dir, 'null-device');
    execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    const r = await runCli([`${demo.url}/bytes/1000`, '-o', device]);
    expect(r.code).toBe(0);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
    expect(leftovers(dir, ['null-device'])).toEqual([]);
  });

  test('a FIFO stays a FIFO, and its reader gets every byte', async () => {
    const dir = fresh();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    const received: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => received.push(c));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli([`${demo.url}/bytes/70000`, '-o', fifo]);
    await done;
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const bytes = Buffer.concat(received);
    expect(bytes.length).toBe(70000);
    expect(bytes[65537]).toBe(65537 % 256);
    expect(leftovers(dir, ['pipe'])).toEqual([]);
  });

  test('--reporter json:/dev/null and a FIFO reporter: written in place', async () => {
    const dir = fresh();
    const suite = join(dir, 's.yaml');
    writeFileSync(suite, `name: s\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /users/1\n`);
    const fifo = join(dir, 'report.pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    reader.stdout.on('data', (c: Buffer) => (text += c.toString()));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['run', suite, '--reporter', 'json:/dev/null', '--reporter', `junit:${fifo}`]);
    await done;
    expect(r.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(text).toContain('<testsuites');
  });

  test('-o /dev/full: one clear error line, exit 3', async () => {
    const r = await runCli([`${demo.url}/bytes/100000`, '-o', '/dev/full']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('apitest: error: -o/--output: cannot write "/dev/full": no space left on device (ENOSPC) (free some space, or write elsewhere; the previous content of a file is kept)\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });
});

describe('a full disk: one error line, exit 3, the previous content kept', () => {
  const suiteFile = (): string => {
    const file = join(fresh(), 's.yaml');
    writeFileSync(file, `name: s\nbaseUrl: "${demo.url}"\nsteps:\n  - url: /users/1\n`);
    return file;
  };

  test('--reporter json:/dev/full: exit 3, kind write, one line; /dev/full stays a device', async () => {
    const r = await runCli(['run', suiteFile(), '--reporter', 'json:/dev/full']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('apitest: error: --reporter json: cannot write "/dev/full": no space left on device (ENOSPC) (free some space, or write elsewhere; the previous content of a file is kept)\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    // The other reports are still written; a table on stdout is printed as usual.
    const dir = fresh();
    const both = await runCli(['run', suiteFile(), '--reporter', 'table', '--reporter', 'junit:/dev/full', '--reporter', `json:${join(dir, 'r.json')}`]);
    expect(both.code).toBe(3);
    expect(both.stdout).toMatch(/1 passed, 0 failed\n$/);
    expect(both.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).ok).toBe(true);
  });

  test('-o /dev/full keeps the response in the record: status, headers and timings in --json and the table', async () => {
    const r = await runCli([`${demo.url}/users/1`, '-o', '/dev/full', '--json']);
    expect(r.code).toBe(3);
    const doc = parseJsonDocument(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ kind: 'write', code: 'ENOSPC' });
    expect(doc.response).toMatchObject({ status: 200, statusText: 'OK', body: null, bodyNote: 'the body could not be written to /dev/full (see the error)' });
    expect(doc.response.headers['content-type']).toMatch(/json/);
    expect(doc.response.bodyFile).toBeUndefined();
    expect(doc.attempts).toEqual([{ status: 200, error: { kind: 'write', code: 'ENOSPC' }, delayMs: 0 }]);
    expect(doc.timings.total).toBeGreaterThan(0);
    const table = await runCli([`${demo.url}/users/1`, '-o', '/dev/full']);
    expect(table.code).toBe(3);
    expect(table.stdout).toContain('HTTP/1.1 200 OK');
    expect(table.stdout).toContain('Response headers');
    expect(table.stdout).toContain('[the body could not be written to /dev/full (see the error)]');
    expect(table.stdout).not.toContain('[body written to');
    expect(table.stderr).toBe('apitest: error: -o/--output: cannot write "/dev/full": no space left on device (ENOSPC) (free some space, or write elsewhere; the previous content of a file is kept)\n');
  });

  // A small tmpfs, filled up: needs root (mount); skipped with a note where it cannot be mounted.
  (asRoot ? test : test.skip)('a full tmpfs: a report and an -o body fail with exit 3; the previous files are intact, no temporary file is left (as root)', async () => {
    const dir = fresh();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      process.stderr.write('note: could not mount a tmpfs; the full-tmpfs check was not run\n');
      return;
    }
    try {
      writeFileSync(join(dir, 'report.json'), 'OLD REPORT\n');
      writeFileSync(join(dir, 'body.bin'), 'OLD BODY\n');
      // Two 4 KiB pages hold the two files; fill what is left, byte by byte if need be.
      for (let size = 8192; size >= 1; size = Math.floor(size / 2)) {
        try {
          writeFileSync(join(dir, `fill-${size}`), Buffer.alloc(size), { flag: 'wx' });
        } catch {
          // no room for this size: try a smaller one
        }
      }
      const filled = readdirSync(dir);
      const report = await runCli(['run', suiteFile(), '--reporter', `json:${join(dir, 'report.json')}`]);
      expect(report.code).toBe(3);
      expect(report.stderr).toMatch(/^apitest: error: --reporter json: cannot write ".*report\.json": no space left on device \(ENOSPC\) \(free some space, or write elsewhere; the previous content of a file is kept\)\n$/);
      expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('OLD REPORT\n');
      const body = await runCli([`${demo.url}/bytes/20000`, '-o', join(dir, 'body.bin')]);
      expect(body.code).toBe(3);
      expect(body.stderr).toMatch(/^apitest: error: -o\/--output: cannot write ".*body\.bin": no space left on device \(ENOSPC\)/);
      expect(readFileSync(join(dir, 'body.bin'), 'utf8')).toBe('OLD BODY\n');
      expect(readdirSync(dir).sort()).toEqual(filled.sort());
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});

describe('-o onto regular files', () => {
  test('an existing file keeps its mode (0600 stays 0600) and gets the whole body; no temporary file is left', async () => {
    const dir = fresh();
    const file = join(dir, 'out.bin');
    writeFileSync(file, 'old');
    chmodSync(file, 0o600);
    const r = await runCli([`${demo.url}/bytes/5000`, '-o', file]);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).size).toBe(5000);
    expect(leftovers(dir, ['out.bin'])).toEqual([]);
  });

  test('a body cut off mid-way leaves the previous content intact and nothing else', async () => {
    const dir = fresh();
    const file = join(dir, 'out.json');
    writeFileSync(file, 'previous content');
    const r = await runCli([`${demo.url}/drop`, '-o', file]);
    expect(r.code).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('previous content');
    expect(leftovers(dir, ['out.json'])).toEqual([]);
  });

  test('a symbolic link is written through: the link stays, its target gets the body', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'real.bin'), '');
    symlinkSync('real.bin', join(dir, 'link.bin'));
    const r = await runCli([`${demo.url}/bytes/300`, '-o', join(dir, 'link.bin')]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.bin')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.bin'))).toBe('real.bin');
    expect(statSync(join(dir, 'real.bin')).size).toBe(300);
  });

  test('a planted symlink with a predictable temporary name is never followed (the name is random, creation exclusive)', async () => {
    const dir = fresh();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not touch');
    for (const name of ['out.bin.apitest.part', `out.bin.apitest-${process.pid}.part`, '.out.bin.part']) symlinkSync(victim, join(dir, name));
    const r = await runCli([`${demo.url}/bytes/100`, '-o', join(dir, 'out.bin')]);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(statSync(join(dir, 'out.bin')).size).toBe(100);
  });

  test('a directory, or a place that does not exist, is a usage error before anything is sent', async () => {
    const dir = fresh();
    expect((await runCli([`${demo.url}/users/1`, '-o', dir])).stderr).toMatch(/is a directory/);
    const missing = await runCli([`${demo.url}/users/1`, '-o', join(dir, 'nope', 'x.bin')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/directory .* does not exist/);
  });

  test('a dangling symbolic link whose target directory is missing: the error names that directory, not the link\'s', async () => {
    const dir = fresh();
    symlinkSync(join(dir, 'gone', 'x.xml'), join(dir, 'absolute'));
    symlinkSync(join('gone2', 'y.bin'), join(dir, 'relative'));
    const load = await runCli(['load', `${demo.url}/users`, '-n', '3', '--reporter', 'junit:absolute'], { cwd: dir });
    expect(load.code).toBe(2);
    expect(load.stdout).toBe('');
    expect(load.stderr.trim().split('\n')).toEqual([
      `apitest: error: --reporter: "absolute" is a symbolic link to "${join(dir, 'gone', 'x.xml')}", whose directory "${join(dir, 'gone')}" does not exist (create it first, or choose another path)`,
    ]);
    const output = await runCli([`${demo.url}/users/1`, '-o', 'relative'], { cwd: dir });
    expect(output.code).toBe(2);
    expect(output.stderr.trim()).toBe(
      `apitest: error: -o/--output: "relative" is a symbolic link to "${join(dir, 'gone2', 'y.bin')}", whose directory "${join(dir, 'gone2')}" does not exist (create it first, or choose another path)`,
    );
    // Nothing created, the links untouched.
    expect(readdirSync(dir).sort()).toEqual(['absolute', 'relative']);
    expect(readlinkSync(join(dir, 'relative'))).toBe(join('gone2', 'y.bin'));
  });

  test('a dangling symbolic link whose target directory exists is written through: the link stays, its target is created', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'there'));
    symlinkSync(join('there', 'out.bin'), join(dir, 'link.bin'));
    const r = await runCli([`${demo.url}/bytes/200`, '-o', 'link.bin'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.bin')).isSymbolicLink()).toBe(true);
    expect(statSync(join(dir, 'there', 'out.bin')).size).toBe(200);
    expect(leftovers(join(dir, 'there'), ['out.bin'])).toEqual([]);
  });
});

describe('-o -', () => {
  test('writes the body to stdout, as curl does; the report goes nowhere', async () => {
    const r = await runCli([`${demo.url}/users/1`, '-o', '-']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 1 });
    expect(r.stderr).toBe('');
  });

  test('with -v the wire dump is on stderr; with --json it is a usage error', async () => {
    const v = await runCli([`${demo.url}/users/1`, '-o', '-', '-v']);
    expect(JSON.parse(v.stdout)).toMatchObject({ id: 1 });
    expect(v.stderr).toMatch(/^> GET \/users\/1 HTTP\/1\.1/m);
    const json = await runCli([`${demo.url}/users/1`, '-o', '-', '--json']);
    expect(json.code).toBe(2);
  });
});
