// The loopback server of the load benchmark: answers every request 200 {"ok":true} at once and counts them
// (GET /__count answers the count and resets it; not counted). With --stall, it stops answering for 100 ms every
// second (requests that arrive then are answered when the stall ends), as a server in a long GC pause does.
// Prints its URL. Runs until killed.
import http from 'node:http';

const stall = process.argv.includes('--stall');
const STALL_EVERY_MS = 1000;
const STALL_MS = 100;
let requests = 0;
let held = [];
let stalled = false;
const answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
  res.end('{"ok":true}');
};
const server = http.createServer((req, res) => {
  if (req.url === '/__count') {
    const body = JSON.stringify({ requests });
    requests = 0;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  requests += 1;
  if (stalled) held.push(res);
  else answer(res);
});
if (stall) {
  setInterval(() => {
    stalled = true;
    setTimeout(() => {
      stalled = false;
      const waiting = held;
      held = [];
      for (const res of waiting) answer(res);
    }, STALL_MS);
  }, STALL_EVERY_MS);
}
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
