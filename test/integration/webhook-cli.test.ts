/**
 * `apitest webhook sign|send|verify|listen` through the REAL binary (node bin/apitest.js, which runs the
 * esbuild bundle in dist/: run `npm run build` first; APITEST_BIN=/path/to/apitest.js tests another copy).
 * Servers in this process assert on what they received; every output of every child is checked for the secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = process.env.APITEST_BIN ?? join(ROOT, 'bin', 'apitest.js');
const RUN_TIMEOUT_MS = 15_000;

const SECRET = 'wh-test-secret-8f3a9c2e71d4';
const STANDARD_KEY = Buffer.from('standard-webhooks-test-key-0123456789').toString('base64');
const STANDARD_SECRET = `whsec_${STANDARD_KEY}`;
const FORBIDDEN = [SECRET, STANDARD_SECRET, STANDARD_KEY];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
const outputs: string[] = [];

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.WEBHOOK_SECRET;
  delete env.FORCE_COLOR;
  delete env.APITEST_DEBUG;
  return { ...env, ...extra };
}

function expectNoSecrets(text: string): void {
  for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
}

/** Spawns the binary (stdin closed), bounded by a timeout; records the output for the secret check. */
function spawnCli(args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<Result>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apitest ${args.join(' ')} did not finish within ${RUN_TIMEOUT_MS}ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

async function run(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const result = await spawnCli(args, env).done;
  expectNoSecrets(result.stdout + result.stderr);
  return result;
}

interface Listening {
  port: number;
  child: ChildProcess;
  done: Promise<Result>;
  /** stdout so far (the NDJSON lines). */
  stdout(): string;
}

/** Starts `webhook listen --port 0 ...` and reads the port from the "listening on" line on stderr. */
async function listen(args: readonly string[], env: Record<string, string> = {}): Promise<Listening> {
  const { child, done } = spawnCli(['webhook', 'listen', '--port', '0', ...args], env);
  let stdout = '';
  child.stdout?.on('data', (s: string) => (stdout += s));
  const port = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`listen did not start within 10s: ${stderr}`)), 10_000);
    child.stderr?.on('data', (s: string) => {
      stderr += s;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    done.then((r) => fail(new Error(`listen exited early (${r.code}): ${r.stderr}`)), fail);
  });
  return { port, child, done, stdout: () => stdout };
}

function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `sign --json` → the headers as `-H` flags. */
async function signHeaders(args: readonly string[], env: Record<string, string> = {}): Promise<Record<string, string>> {
  const result = await run(['webhook', 'sign', ...args, '--json'], env);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const doc = JSON.parse(result.stdout) as { scheme: string; headers: Record<string, string> };
  return doc.headers;
}

function headerFlags(headers: Record<string, string>, omit: string[] = []): string[] {
  return Object.entries(headers)
    .filter(([name]) => !omit.includes(name.toLowerCase()))
    .flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
}

interface SchemeCase {
  name: string;
  args: string[];
  env: Record<string, string>;
  signatureHeader: string;
  wrongSecret: string[];
  event: string | null;
}

const PAYLOAD = '{"id":"evt_1","type":"invoice.paid","amount":4200}';

const SCHEMES: SchemeCase[] = [
  { name: 'github', args: ['--scheme', 'github', '--event', 'push'], env: { WEBHOOK_SECRET: SECRET }, signatureHeader: 'X-Hub-Signature-256', wrongSecret: ['--secret', 'not-the-secret'], event: 'push' },
  { name: 'stripe', args: ['--scheme', 'stripe', '--secret', SECRET], env: {}, signatureHeader: 'Stripe-Signature', wrongSecret: ['--secret', 'not-the-secret'], event: 'invoice.paid' },
  {
    name: 'standard',
    args: ['--scheme', 'standard'],
    env: { WEBHOOK_SECRET: STANDARD_SECRET },
    signatureHeader: 'webhook-signature',
    wrongSecret: ['--secret', `whsec_${Buffer.from('another key entirely').toString('base64')}`],
    event: 'invoice.paid',
  },
  {
    name: 'hmac',
    args: ['--scheme', 'hmac', '--secret', SECRET, '--signature-header', 'X-Acme-Signature', '--algorithm', 'sha512', '--encoding', 'base64', '--prefix', 'sha512=', '--event', 'order.created'],
    env: {},
    signatureHeader: 'X-Acme-Signature',
    wrongSecret: ['--secret', 'not-the-secret'],
    event: 'order.created',
  },
];

/** Verify-side args: the scheme options without --event (verify takes none). */
function verifyArgs(c: SchemeCase, extra: string[] = []): string[] {
  const args = [...c.args];
  const at = args.indexOf('--event');
  if (at !== -1) args.splice(at, 2);
  return [...args, ...extra];
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

describe('webhook sign → verify (real binary)', () => {
  test.each(SCHEMES)('$name: sign then verify is valid, in text and --json', async (c) => {
    const headers = await signHeaders([...c.args, '--data', PAYLOAD], c.env);
    expect(Object.keys(headers)).toContain(c.signatureHeader);

    const text = await run(['webhook', 'verify', ...verifyArgs(c), '--data', PAYLOAD, ...headerFlags(headers)], c.env);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^valid: /);

    const json = await run(['webhook', 'verify', ...verifyArgs(c), '--data', PAYLOAD, ...headerFlags(headers), '--json'], c.env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ scheme: c.name, valid: true, reason: null, message: expect.any(String), event: c.event });
  });

  test('sign prints Name: value lines that work as -H flags', async () => {
    const result = await run(['webhook', 'sign', '--scheme', 'github', '--id', 'delivery-1', '--data', '{}'], { WEBHOOK_SECRET: SECRET });
    expect(result.code).toBe(0);
    const digest = createHmac('sha256', SECRET).update('{}').digest('hex');
    expect(result.stdout).toBe(`X-Hub-Signature-256: sha256=${digest}\nX-GitHub-Event:      ping\nX-GitHub-Delivery:   delivery-1\n`);
    const lines = result.stdout.trim().split('\n');
    const verify = await run(['webhook', 'verify', '--scheme', 'github', '--data', '{}', ...lines.flatMap((l) => ['-H', l])], { WEBHOOK_SECRET: SECRET });
    expect(verify.code).toBe(0);
  });

  test.each(SCHEMES)('$name: a tampered body → exit 1, bad-signature', async (c) => {
    const headers = await signHeaders([...c.args, '--data', PAYLOAD], c.env);
    const tampered = PAYLOAD.replace('4200', '9999');
    const result = await run(['webhook', 'verify', ...verifyArgs(c), '--data', tampered, ...headerFlags(headers), '--json'], c.env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, reason: 'bad-signature' });
  });

  test.each(SCHEMES)('$name: a wrong secret → exit 1, bad-signature', async (c) => {
    const headers = await signHeaders([...c.args, '--data', PAYLOAD], c.env);
    const result = await run(['webhook', 'verify', ...verifyArgs(c, c.wrongSecret), '--data', PAYLOAD, ...headerFlags(headers)], c.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^invalid: bad-signature: /);
  });

  test.each(SCHEMES)('$name: a missing signature header → exit 1, missing-header naming it', async (c) => {
    const headers = await signHeaders([...c.args, '--data', PAYLOAD], c.env);
    const result = await run(['webhook', 'verify', ...verifyArgs(c), '--data', PAYLOAD, ...headerFlags(headers, [c.signatureHeader.toLowerCase()]), '--json'], c.env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, reason: 'missing-header', message: `missing header ${c.signatureHeader}` });
  });

  test.each(SCHEMES.filter((c) => c.name === 'stripe' || c.name === 'standard'))('$name: an expired timestamp → exit 1, timestamp-outside-tolerance; a wider --tolerance accepts it', async (c) => {
    const hourAgo = String(Math.floor(Date.now() / 1000) - 3600);
    const headers = await signHeaders([...c.args, '--timestamp', hourAgo, '--data', PAYLOAD], c.env);
    const expired = await run(['webhook', 'verify', ...verifyArgs(c), '--data', PAYLOAD, ...headerFlags(headers), '--json'], c.env);
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.stdout)).toMatchObject({ valid: false, reason: 'timestamp-outside-tolerance', message: expect.stringContaining('old') });
    const wide = await run(['webhook', 'verify', ...verifyArgs(c, ['--tolerance', '2h']), '--data', PAYLOAD, ...headerFlags(headers)], c.env);
    expect(wide.code).toBe(0);
  });

  test('a malformed header → exit 1, malformed-header', async () => {
    const result = await run(['webhook', 'verify', '--scheme', 'github', '--secret', SECRET, '--data', '{}', '-H', 'X-Hub-Signature-256: sha256=not-hex', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, reason: 'malformed-header' });
  });

  test('the payload can come from a file (@file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apitest-webhook-'));
    try {
      await writeFile(join(dir, 'event.json'), PAYLOAD);
      const headers = await signHeaders(['--scheme', 'stripe', '--secret', SECRET, '--data', `@${join(dir, 'event.json')}`]);
      const result = await run(['webhook', 'verify', '--scheme', 'stripe', '--secret', SECRET, '--data', PAYLOAD, ...headerFlags(headers)]);
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('webhook usage errors (exit 2)', () => {
  test('no --secret and no WEBHOOK_SECRET names both', async () => {
    for (const sub of [['sign', '--data', 'x'], ['verify', '--data', 'x'], ['send', 'http://127.0.0.1:9/', '--data', 'x'], ['listen', '--max-events', '1']]) {
      const result = await run(['webhook', ...sub, '--scheme', 'github']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--secret');
      expect(result.stderr).toContain('WEBHOOK_SECRET');
    }
  });

  test.each([
    [['webhook', 'sign', '--scheme', 'nope', '--data', 'x'], '--scheme'],
    [['webhook', 'sign', '--data', 'x'], '--scheme'],
    [['webhook', 'sign', '--scheme', 'github'], '--data'],
    [['webhook', 'sign', '--scheme', 'hmac', '--algorithm', 'md5', '--data', 'x'], '--algorithm'],
    [['webhook', 'sign', '--scheme', 'github', '--encoding', 'base64', '--data', 'x'], '--encoding'],
    [['webhook', 'sign', '--scheme', 'stripe', '--timestamp', 'yesterday', '--data', 'x'], '--timestamp'],
    [['webhook', 'verify', '--scheme', 'stripe', '--tolerance', 'soon', '--data', 'x'], '--tolerance'],
    [['webhook', 'listen', '--scheme', 'github', '--forward', 'ftp://example.com/'], '--forward'],
    [['webhook', 'listen', '--scheme', 'github', '--port', '70000'], '--port'],
    [['webhook', 'listen', '--scheme', 'github', '--max-body', 'lots'], '--max-body'],
  ])('%j → names %s', async (args, flag) => {
    const result = await run(args, { WEBHOOK_SECRET: SECRET });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(result.stdout).toBe('');
  });

  test('a Standard Webhooks secret that is not whsec_<base64> is a usage error without the secret in it', async () => {
    const result = await run(['webhook', 'sign', '--scheme', 'standard', '--data', 'x'], { WEBHOOK_SECRET: SECRET });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('whsec_');
  });

  test('a Standard Webhooks secret that is not base64 names where it came from: --secret or WEBHOOK_SECRET', async () => {
    const flag = await run(['webhook', 'sign', '--scheme', 'standard', '--secret', 'not base64!!', '--data', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^apitest: error: --secret: the webhook secret is not base64/);
    expect(flag.stderr).not.toContain('not base64!!');
    const sent = await run(['webhook', 'send', 'http://127.0.0.1:9/', '--scheme', 'standard', '--secret', 'not base64!!', '--data', 'x']);
    expect(sent.code).toBe(2);
    expect(sent.stderr).toMatch(/^apitest: error: --secret: /);
    const env = await run(['webhook', 'sign', '--scheme', 'standard', '--data', 'x'], { WEBHOOK_SECRET: 'not base64!!' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^apitest: error: WEBHOOK_SECRET: the webhook secret is not base64/);
  });

  test('an empty WEBHOOK_SECRET is named as such', async () => {
    const result = await run(['webhook', 'sign', '--scheme', 'github', '--data', 'x'], { WEBHOOK_SECRET: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^apitest: error: WEBHOOK_SECRET: the secret is empty/);
  });

  test('a Standard Webhooks secret in bare base64 (no whsec_) signs like the whsec_ form', async () => {
    const args = ['--id', 'msg_1', '--timestamp', '1614265330', '--data', PAYLOAD];
    const bare = await signHeaders(['--scheme', 'standard', '--secret', STANDARD_KEY, ...args]);
    const prefixed = await signHeaders(['--scheme', 'standard', '--secret', STANDARD_SECRET, ...args]);
    expect(bare).toEqual(prefixed);
  });
});

describe('webhook send → listen (real binary)', () => {
  test.each(SCHEMES)('$name: the delivery is verified; send and listen exit 0', async (c) => {
    const listener = await listen([...verifyArgs(c), '--max-events', '1', '--json', '--path', '/hooks'], c.env);
    const sent = await run(['webhook', 'send', `http://127.0.0.1:${listener.port}/hooks`, ...c.args, '--data', PAYLOAD, '--json'], c.env);
    expect(sent.code).toBe(0);
    const report = JSON.parse(sent.stdout) as { ok: boolean; request: { method: string }; response: { status: number } };
    expect(report).toMatchObject({ ok: true, request: { method: 'POST' }, response: { status: 200 } });
    const done = await listener.done;
    expect(done.code).toBe(0);
    expectNoSecrets(done.stdout + done.stderr);
    const lines = ndjson(done.stdout);
    expect(lines).toEqual([
      { time: expect.any(String), method: 'POST', path: '/hooks', event: c.event, size: Buffer.byteLength(PAYLOAD), verified: true, reason: null, status: 200 },
    ]);
  });

  test('bad deliveries get 401 with their own reason; --max-events exits 1', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'stripe', '--max-events', '5', '--json'], env);
    const url = `http://127.0.0.1:${listener.port}/`;

    const good = await run(['webhook', 'send', url, '--scheme', 'stripe', '--data', PAYLOAD], env);
    expect(good.code).toBe(0);

    const wrong = await run(['webhook', 'send', url, '--scheme', 'stripe', '--secret', 'not-the-secret', '--data', PAYLOAD], env);
    expect(wrong.code).toBe(5);
    expect(wrong.stdout).toContain('401');

    const hourAgo = String(Math.floor(Date.now() / 1000) - 3600);
    const expired = await run(['webhook', 'send', url, '--scheme', 'stripe', '--timestamp', hourAgo, '--data', PAYLOAD], env);
    expect(expired.code).toBe(5);

    const missing = await fetch(url, { method: 'POST', body: PAYLOAD, headers: { 'Content-Type': 'application/json' } });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'missing-header' });

    const headers = await signHeaders(['--scheme', 'stripe', '--data', PAYLOAD], env);
    const tampered = await fetch(url, { method: 'POST', body: PAYLOAD.replace('4200', '1'), headers });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: 'bad-signature' });

    const done = await listener.done;
    expect(done.code).toBe(1);
    const lines = ndjson(done.stdout);
    expect(lines.map((l) => [l.verified, l.status])).toEqual([
      [true, 200],
      [false, 401],
      [false, 401],
      [false, 401],
      [false, 401],
    ]);
    expect(lines[1]?.reason).toMatch(/no Stripe-Signature v1 signature matches/);
    expect(lines[2]?.reason).toMatch(/timestamp \d+ is \d+s old/);
    expect(lines[3]?.reason).toBe('missing header Stripe-Signature');
    expect(lines[4]?.reason).toMatch(/no Stripe-Signature v1 signature matches/);
  });

  test('many deliveries at once, and a sender that disconnects mid-body, are each reported', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const count = 20;
    const listener = await listen(['--scheme', 'github', '--max-events', String(count + 1), '--json'], env);
    const url = `http://127.0.0.1:${listener.port}/`;
    const headers = await signHeaders(['--scheme', 'github', '--event', 'push', '--data', PAYLOAD], env);

    const socket = net.connect(listener.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{"partial":`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();

    // One id per delivery (GitHub signs the body only): the same id twice would be refused as a replay.
    const replies = await Promise.all(Array.from({ length: count }, (_, i) => fetch(url, { method: 'POST', body: PAYLOAD, headers: { ...headers, 'X-GitHub-Delivery': `burst-${i}` } })));
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: count }, () => 200));

    const done = await listener.done;
    expect(done.code).toBe(1); // the disconnected sender was not verified
    const lines = ndjson(done.stdout);
    expect(lines).toHaveLength(count + 1);
    expect(lines.filter((l) => l.verified === true)).toHaveLength(count);
    expect(lines.filter((l) => l.reason === 'client disconnected')).toEqual([expect.objectContaining({ verified: false, status: 499, size: 11 })]);
  });

  test('a request that is not HTTP is answered 400 and reported as a delivery, counted by --max-events', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'github', '--max-events', '1', '--json'], env);
    const socket = net.connect(listener.port, '127.0.0.1');
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write('GARBAGE\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const done = await listener.done;
    expect(done.code).toBe(1);
    expect(ndjson(done.stdout)).toEqual([
      { time: expect.any(String), method: '-', path: '-', event: null, size: 0, verified: false, reason: 'malformed HTTP request', status: 400 },
    ]);
  });

  test('the table mode prints a row for a request that is not HTTP', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'github', '--max-events', '1'], env);
    const socket = net.connect(listener.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('\x00\x01 NOT HTTP\r\n\r\n');
    const done = await listener.done;
    socket.destroy();
    expect(done.code).toBe(1);
    expect(done.stdout).toMatch(/^\d\d:\d\d:\d\d {2}- +- +- +0 B {2}400 rejected: malformed HTTP request\n$/);
  });

  test('a 401 or 403 from the receiver: the hint is about the secret and scheme, not --bearer / --api-key / --basic', async () => {
    const statuses = [401, 403];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(statuses.shift() ?? 500, { 'Content-Type': 'application/json' });
        res.end('{"error":"bad signature"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/`;
      const viaEnv = await run(['webhook', 'send', url, '--scheme', 'github', '--data', '{}'], { WEBHOOK_SECRET: SECRET });
      expect(viaEnv.code).toBe(5);
      expect(viaEnv.stderr).toContain('check the webhook secret (--secret or $WEBHOOK_SECRET; this run used $WEBHOOK_SECRET)');
      expect(viaEnv.stderr).toContain('--scheme github');
      expect(viaEnv.stderr).not.toContain('--bearer');
      const viaFlag = await run(['webhook', 'send', url, '--scheme', 'stripe', '--secret', SECRET, '--data', '{}']);
      expect(viaFlag.code).toBe(5);
      expect(viaFlag.stderr).toContain('403');
      expect(viaFlag.stderr).toContain('this run used --secret');
      expect(viaFlag.stderr).toContain('--scheme stripe');
      expect(viaFlag.stderr).not.toContain('--bearer');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a body over --max-body is answered 413', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'github', '--max-events', '1', '--json', '--max-body', '100'], env);
    const sent = await run(['webhook', 'send', `http://127.0.0.1:${listener.port}/`, '--scheme', 'github', '--data', 'x'.repeat(500)], env);
    expect(sent.code).toBe(5);
    const done = await listener.done;
    expect(done.code).toBe(1);
    expect(ndjson(done.stdout)).toEqual([expect.objectContaining({ verified: false, status: 413, reason: 'body too large' })]);
  });

  test('the table mode prints one row per delivery; SIGTERM stops it with exit 0', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'github'], env);
    const sent = await run(['webhook', 'send', `http://127.0.0.1:${listener.port}/`, '--scheme', 'github', '--event', 'issues', '--data', '{}'], env);
    expect(sent.code).toBe(0);
    for (let i = 0; i < 100 && !listener.stdout().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    listener.child.kill('SIGTERM');
    const done = await listener.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^\d\d:\d\d:\d\d {2}POST +\/ +issues +2 B {2}200 verified\n$/);
  });

  test('secrets in the payload are masked in the send report', async () => {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await run(['webhook', 'send', `http://127.0.0.1:${port}/`, '--scheme', 'hmac', '--data', `{"leak":"${SECRET}"}`, '--json', '-v'], { WEBHOOK_SECRET: SECRET });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('****');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('webhook listen --forward (real binary)', () => {
  interface Received {
    url: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
  }
  const received: Received[] = [];
  let app: http.Server;
  let appPort = 0;
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apitest-forward-'));
    app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(202, { 'Content-Type': 'text/plain' });
        res.end('queued');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  test('a binary payload and odd-whitespace JSON arrive byte for byte, with their signature headers', async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const binaryFile = join(dir, 'all-bytes.bin');
    await writeFile(binaryFile, binary);
    const odd = '  {"a" :  1,\n\t"b":[ 1 ,2 ] ,"c":"x  y"}  \r\n \t';

    const listener = await listen(['--scheme', 'github', '--max-events', '2', '--json', '--forward', `http://127.0.0.1:${appPort}/app/hook?src=apitest`], env);
    const url = `http://127.0.0.1:${listener.port}/`;
    const first = await run(['webhook', 'send', url, '--scheme', 'github', '--event', 'push', '--data', `@${binaryFile}`, '-H', 'Content-Type: application/octet-stream'], env);
    expect(first.code).toBe(0);
    const second = await run(['webhook', 'send', url, '--scheme', 'github', '--event', 'issues', '--data', odd], env);
    expect(second.code).toBe(0);

    const done = await listener.done;
    expect(done.code).toBe(0);
    const lines = ndjson(done.stdout);
    expect(lines).toEqual([
      expect.objectContaining({ verified: true, event: 'push', size: 256, forwardStatus: 202 }),
      expect.objectContaining({ verified: true, event: 'issues', size: Buffer.byteLength(odd), forwardStatus: 202 }),
    ]);

    expect(received).toHaveLength(2);
    const [bin, text] = received;
    expect(bin?.url).toBe('/app/hook?src=apitest');
    expect(bin?.body.equals(binary)).toBe(true);
    expect(bin?.headers['content-type']).toBe('application/octet-stream');
    expect(bin?.headers['x-github-event']).toBe('push');
    expect(bin?.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(binary).digest('hex')}`);
    expect(text?.body.toString('utf8')).toBe(odd);
    expect(text?.body.equals(Buffer.from(odd, 'utf8'))).toBe(true);
    expect(text?.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(odd).digest('hex')}`);
  });

  test('an unverified delivery is not forwarded', async () => {
    const before = received.length;
    const env = { WEBHOOK_SECRET: SECRET };
    const listener = await listen(['--scheme', 'github', '--max-events', '1', '--json', '--forward', `127.0.0.1:${appPort}/app`], env);
    const sent = await run(['webhook', 'send', `http://127.0.0.1:${listener.port}/`, '--scheme', 'github', '--secret', 'not-the-secret', '--data', '{}'], env);
    expect(sent.code).toBe(5);
    const done = await listener.done;
    expect(done.code).toBe(1);
    const [line] = ndjson(done.stdout);
    expect(line).toMatchObject({ verified: false, status: 401 });
    expect(line).not.toHaveProperty('forwardStatus');
    expect(received.length).toBe(before);
  });
});

test('no secret appeared in any output', () => {
  expect(outputs.length).toBeGreaterThan(0);
  for (const text of outputs) expectNoSecrets(text);
});
