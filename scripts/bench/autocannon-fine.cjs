// autocannon, run as its CLI runs it (one process, no workers), printing its own summary plus the latency
// percentiles of the same responses at microsecond resolution. autocannon's own histogram records whole
// milliseconds (its p50 of a 0.3 ms response reads 0), which cannot be compared with apitest load's to within
// 10 %; so every response's time, as autocannon measured it (its 'response' event: process.hrtime from the write
// of the request to the end of the response), also goes into an HDR histogram in microseconds (1 µs to 1 min,
// 3 significant digits, as apitest's). Recording one value per response costs well under 1 % of autocannon's time.
// Usage: node autocannon-fine.cjs URL CONNECTIONS SECONDS [USER_AGENT] → one JSON line on stdout. USER_AGENT: the
// User-Agent header to send (the benchmark gives apitest's, so both tools send the same request bytes).
const autocannon = require('autocannon');
const hdr = require('hdr-histogram-js');

const [url, connections, seconds, userAgent] = process.argv.slice(2);
const fine = hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
const instance = autocannon({ url, connections: Number(connections), duration: Number(seconds), ...(userAgent ? { headers: { 'user-agent': userAgent } } : {}) }, (err, result) => {
  if (err) {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
  const ms = (p) => fine.getValueAtPercentile(p) / 1000;
  process.stdout.write(`${JSON.stringify({ total: result.requests.total, duration: result.duration, errors: result.errors + result.non2xx, p50Ms: ms(50), p99Ms: ms(99), wholeMs: { p50: result.latency.p50, p99: result.latency.p99 } })}\n`);
});
instance.on('response', (_client, _status, _bytes, responseTime) => {
  const us = Math.round(responseTime * 1000);
  fine.recordValue(us < 1 ? 1 : us);
});
