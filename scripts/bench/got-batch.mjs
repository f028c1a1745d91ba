// The baseline of `apitest batch`: a plain got script doing the same work with the same concurrency — read the
// NDJSON rows as a stream, POST each as JSON with an Idempotency-Key, write one result line per row to a file.
// Usage: got-batch.mjs <url> <rows.ndjson> <concurrency> <results.ndjson>
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import got from 'got';

const [url, file, concurrencyText, resultsFile] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true });
const client = got.extend({ agent: { http: agent }, throwHttpErrors: false, retry: { limit: 0 }, followRedirect: false });
const out = createWriteStream(resultsFile);
const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
let index = 0;
let failed = 0;

async function worker() {
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    if (next.value.trim() === '') continue;
    index += 1;
    const i = index;
    const key = createHash('sha256').update(`${i}\0${next.value}`).digest('hex').slice(0, 32);
    const started = performance.now();
    const res = await client.post(url, { body: next.value, headers: { 'content-type': 'application/json', 'idempotency-key': key } });
    if (res.statusCode >= 400) failed += 1;
    if (!out.write(`${JSON.stringify({ row: JSON.parse(next.value), index: i, ok: res.statusCode < 400, status: res.statusCode, durationMs: performance.now() - started, key })}\n`)) {
      await new Promise((resolve) => out.once('drain', resolve));
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
await new Promise((resolve) => out.end(resolve));
agent.destroy();
process.stderr.write(`${index} rows, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
