// The loopback server of the batch benchmark: answers every request 201 {"ok":true} as soon as its body is in,
// and counts requests per Idempotency-Key (GET /__stats). Prints its URL. Runs until killed.
import http from 'node:http';

const keys = new Map();
let requests = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    const body = JSON.stringify({ requests, keys: keys.size });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  req.resume();
  req.on('end', () => {
    requests += 1;
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') keys.set(key, (keys.get(key) ?? 0) + 1);
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': 11 });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
