// The floor of an undici load generator, for the load benchmark: undici alone (the copy apitest ships,
// dist/undici.cjs), driven as apitest load drives it (engine/load-transport.ts: one Client per connection,
// pipelining 1, the same dispatch options and request bytes) with nothing of apitest around it: no timing, no
// histogram, no timeout sweep, a handler that only counts. apitest load cannot be faster than this; how far
// autocannon is from it shows what the engine the issue chose (undici) costs against autocannon's own client.
// Usage: node undici-floor.cjs URL CONNECTIONS SECONDS USER_AGENT → one JSON line on stdout:
// { total, failed, durationMs, rps } (the window: from the first send to the last answer, as apitest load's).
'use strict';
const { join } = require('node:path');
const { Client } = require(join(__dirname, '..', '..', 'dist', 'undici.cjs'));

const [url, connectionsText, secondsText, userAgent] = process.argv.slice(2);
const target = new URL(url);
const connections = Number(connectionsText);
const seconds = Number(secondsText);
const TIMEOUT_MS = 30_000;
const dispatchOptions = {
  origin: target.origin,
  path: `${target.pathname}${target.search}`,
  method: 'GET',
  headers: ['user-agent', userAgent],
  body: null,
  idempotent: true,
  headersTimeout: TIMEOUT_MS,
  bodyTimeout: TIMEOUT_MS,
};
const clients = Array.from({ length: connections }, () =>
  new Client(target.origin, { pipelining: 1, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, keepAliveTimeout: 60_000 }),
);
let total = 0;
let failed = 0;
let sending = true;
let inflight = 0;
let last = 0;
const start = performance.now();

class CountingHandler {
  constructor(client) {
    this.client = client;
  }
  onConnect() {}
  onHeaders() {
    return true;
  }
  onData() {
    return true;
  }
  onComplete() {
    this.end(true);
  }
  onError() {
    setImmediate(() => this.end(false));
  }
  end(ok) {
    inflight--;
    last = performance.now();
    if (ok) total++;
    else failed++;
    if (sending) send(this.client);
    else if (inflight === 0) finish();
  }
}

function send(client) {
  inflight++;
  client.dispatch(dispatchOptions, new CountingHandler(client));
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  const durationMs = last - start;
  process.stdout.write(`${JSON.stringify({ total, failed, durationMs, rps: (total / durationMs) * 1000 })}\n`);
  Promise.all(clients.map((c) => c.destroy())).then(() => process.exit(0));
}

for (const client of clients) send(client);
setTimeout(() => {
  sending = false;
}, seconds * 1000);
// Bounded: whatever is still in flight 10 s after the end is given up.
setTimeout(finish, (seconds + 10) * 1000).unref();
