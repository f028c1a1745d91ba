// `npm run bench:listener`: `apitest webhook listen` (the real binary, on 127.0.0.1) under 1,000 concurrent mixed
// connections — valid signed deliveries, bad signatures, oversized bodies, malformed HTTP, slowloris and early
// resets — then prints: valid deliveries accepted / sent, connections reported / made, the listener's peak RSS,
// and the duration. Exits 1 when a valid delivery was not accepted or a connection was not reported exactly once.
// Bounded: 1,000 connections, each with its own deadline, and an overall deadline; the listener is stopped at the
// end. Needs dist/ (npm run build). Peak RSS is the listener's VmHWM from /proc (Linux only).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'apitest.js');
const SECRET = 'bench-listener-secret-3f9a';
/** Connections per kind: 1,000 in all. */
const MIX = { valid: 500, 'bad-signature': 100, oversized: 100, malformed: 100, slowloris: 100, 'early-reset': 100 };
const MAX_BODY = '1mb';
const OVERSIZED_BYTES = 6 * 1024 * 1024;
/** The listener's --request-timeout: how long a slowloris connection is held before it is cut with a 408. */
const REQUEST_TIMEOUT_S = 10;
/** No single connection takes longer than this (the bench's own timeout). */
const CONNECTION_DEADLINE_MS = 30_000;
/** After the last connection, how long the listener has to report them all. */
const REPORT_DEADLINE_MS = 15_000;

function startListener() {
  const child = spawn(
    process.execPath,
    ['--', bin, 'webhook', 'listen', '--port', '0', '--host', '127.0.0.1', '--scheme', 'github', '--json', '--max-body', MAX_BODY, '--request-timeout', String(REQUEST_TIMEOUT_S)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WEBHOOK_SECRET: SECRET, NO_COLOR: '1' } },
  );
  const records = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') records.push(JSON.parse(line));
  });
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the listener did not start within 10 s: ${stderr}`)), 10_000);
    child.stderr.on('data', () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    exited.then(({ code }) => reject(new Error(`the listener exited (${code}): ${stderr}`)));
  });
  return { child, records, port, exited, stderr: () => stderr };
}

/** One raw connection: runs `script(socket)`, collects the answer; resolves with the status seen or the error. */
function connection(port, script) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let failure = null;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish({ status: null, error: 'bench deadline' });
    }, CONNECTION_DEADLINE_MS);
    socket.on('error', (error) => (failure ??= error.code ?? error.message));
    socket.on('data', (chunk) => {
      if (answer.length < 4096) answer += chunk.toString('latin1');
    });
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1];
      finish({ status: status === undefined ? null : Number(status), error: failure });
    });
    socket.on('connect', () => script(socket));
  });
}

function requestHead(path, bodyLength, headers) {
  const head = Object.entries({ Host: '127.0.0.1', 'Content-Type': 'application/json', 'Content-Length': String(bodyLength), Connection: 'close', ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `POST ${path} HTTP/1.1\r\n${head}\r\n`;
}

function request(path, body, headers) {
  return Buffer.concat([Buffer.from(requestHead(path, body.length, headers), 'latin1'), body]);
}

/** One oversized body, shared by every oversized sender (built before the first connection). */
const OVERSIZED_BODY = Buffer.alloc(OVERSIZED_BYTES, 0x61);

const sign = (body) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/**
 * What each kind of connection sends, and the status its sender should read (null: none). The bytes are
 * prepared before any connection is made, so that the bench's own work does not delay the senders.
 */
const KINDS = {
  valid: (i) => {
    const body = Buffer.from(JSON.stringify({ n: i, zen: 'bench' }));
    const bytes = request(`/?k=valid&i=${i}`, body, { 'X-Hub-Signature-256': sign(body), 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': `bench-${i}` });
    return { expect: 200, script: (s) => s.end(bytes) };
  },
  'bad-signature': (i) => {
    const body = Buffer.from(JSON.stringify({ n: i }));
    const bytes = request(`/?k=bad-signature&i=${i}`, body, { 'X-Hub-Signature-256': sign(Buffer.from('other')), 'X-GitHub-Delivery': `bad-${i}` });
    return { expect: 401, script: (s) => s.end(bytes) };
  },
  oversized: (i) => {
    const head = requestHead(`/?k=oversized&i=${i}`, OVERSIZED_BODY.length, {});
    return {
      expect: 413,
      // Uploads everything before it reads (as Python's http.client does): it sees the 413 only if the listener drains.
      script: (s) => {
        s.pause();
        s.write(head);
        s.write(OVERSIZED_BODY, (error) => {
          if (!error) s.resume();
        });
      },
    };
  },
  malformed: (i) => ({ expect: 400, script: (s) => s.write(i % 2 === 0 ? 'GARBAGE\r\n\r\n' : '\x00\x01 NOT HTTP AT ALL\r\n\r\n') }),
  slowloris: (i) => ({ expect: 408, script: (s) => s.write(`POST /?k=slowloris&i=${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `) }),
  'early-reset': (i) => ({
    expect: null,
    script: (s) => {
      if (i % 2 === 0) s.resetAndDestroy();
      else s.write('POST /?k=early-reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"cut":', () => s.resetAndDestroy());
    },
  }),
};

/** The kind of connection a listener record belongs to. */
function kindOf(record) {
  const kind = /[?&]k=([a-z-]+)/.exec(record.path)?.[1];
  if (kind !== undefined) return kind;
  if (record.status === 400) return 'malformed';
  if (record.status === 408) return 'slowloris';
  return 'early-reset';
}

/**
 * The kernel's count of connections dropped because a listen queue was full (Linux, this network namespace):
 * such a connection never reaches the listener (a sender that resets it before it is accepted is never seen).
 */
function listenOverflows() {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i].split(/\s+/);
      const values = lines[i + 1].split(/\s+/);
      const at = names.indexOf('ListenOverflows');
      if (names[0] === 'TcpExt:' && at !== -1) return Number(values[at]);
    }
  } catch {
    // not Linux
  }
  return Number.NaN;
}

function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMb: kb('VmHWM') / 1024, nowMb: kb('VmRSS') / 1024 };
  } catch {
    return { peakMb: Number.NaN, nowMb: Number.NaN };
  }
}

const listener = startListener();
let failed = false;
try {
  const port = await listener.port;
  const plan = [];
  for (const [kind, count] of Object.entries(MIX)) for (let i = 0; i < count; i++) plan.push({ kind, ...KINDS[kind](i) });
  // Mixed: a fixed shuffle (xorshift), so every run sends the same interleaving.
  let seed = 0x2545f491;
  const random = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }

  const overflowsBefore = listenOverflows();
  const started = Date.now();
  const results = await Promise.all(plan.map((p) => connection(port, p.script).then((r) => ({ ...p, ...r }))));
  const sentMs = Date.now() - started;
  const reportDeadline = Date.now() + REPORT_DEADLINE_MS;
  for (let i = 0; i < REPORT_DEADLINE_MS / 50 && listener.records.length < plan.length && Date.now() < reportDeadline; i++) await new Promise((r) => setTimeout(r, 50));
  const reportedMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, 500)); // any record past the expected count would be a double report
  const rss = peakRss(listener.child.pid);
  const overflows = listenOverflows() - overflowsBefore;

  const rows = Object.keys(MIX).map((kind) => {
    const made = results.filter((r) => r.kind === kind);
    const expected = made[0]?.expect ?? null;
    const answered = expected === null ? made.length : made.filter((r) => r.status === expected).length;
    const reported = listener.records.filter((record) => kindOf(record) === kind);
    return { kind, made: made.length, answered, expected, reported: reported.length, reasons: [...new Set(reported.map((r) => r.reason ?? 'verified'))] };
  });
  const validSent = MIX.valid;
  const validAccepted = listener.records.filter((r) => kindOf(r) === 'valid' && r.verified === true && r.status === 200).length;
  const validAnswered = rows.find((r) => r.kind === 'valid')?.answered ?? 0;

  console.log(`webhook listen under ${plan.length} concurrent mixed connections (node ${process.version}, 127.0.0.1, scheme github, --max-body ${MAX_BODY}, --request-timeout ${REQUEST_TIMEOUT_S}s)`);
  console.log('');
  console.log(`${'kind'.padEnd(14)} ${'made'.padStart(5)} ${'sender read'.padStart(16)} ${'reported'.padStart(9)}  reasons`);
  for (const r of rows) {
    const read = r.expected === null ? '(no answer)' : `${r.answered} × ${r.expected}`;
    console.log(`${r.kind.padEnd(14)} ${String(r.made).padStart(5)} ${read.padStart(16)} ${String(r.reported).padStart(9)}  ${r.reasons.join('; ')}`);
  }
  console.log('');
  console.log(`valid accepted / sent:           ${validAccepted} / ${validSent} (senders that read the 200: ${validAnswered})`);
  console.log(`connections reported / made:     ${listener.records.length} / ${plan.length}`);
  console.log(`listener peak RSS (VmHWM):       ${Number.isNaN(rss.peakMb) ? 'n/a (no /proc)' : `${rss.peakMb.toFixed(1)} MB (now ${rss.nowMb.toFixed(1)} MB)`}`);
  console.log(`listen queue overflows (kernel): ${Number.isNaN(overflows) ? 'n/a' : overflows}`);
  const reportedAll = listener.records.length >= plan.length;
  console.log(
    `duration:                        ${(sentMs / 1000).toFixed(1)} s until every connection ended, ${(reportedMs / 1000).toFixed(1)} s ${reportedAll ? 'until all were reported' : 'when the bench stopped waiting for records'}`,
  );
  const misread = rows.filter((r) => r.expected !== null && r.answered !== r.made);
  for (const r of misread) {
    const seen = new Map();
    for (const x of results.filter((y) => y.kind === r.kind && y.status !== r.expected)) seen.set(x.status ?? x.error, (seen.get(x.status ?? x.error) ?? 0) + 1);
    console.log(`note: ${r.kind}: ${r.made - r.answered} sender(s) did not read ${r.expected}: ${JSON.stringify(Object.fromEntries(seen))}`);
  }
  failed = validAccepted !== validSent || listener.records.length !== plan.length || rows.some((r) => r.reported !== r.made) || misread.length > 0;
} catch (error) {
  console.error(`bench-listener: ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  listener.child.kill('SIGTERM');
  const timer = setTimeout(() => listener.child.kill('SIGKILL'), 5_000);
  await listener.exited;
  clearTimeout(timer);
}
process.exitCode = failed ? 1 : 0;
