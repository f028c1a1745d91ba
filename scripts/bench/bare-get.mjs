// The baseline: one GET with node:http, printing a JSON summary (what `apitest --json` is compared with).
import http from 'node:http';

http.get(process.argv[2], (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    process.stdout.write(`${JSON.stringify({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })}\n`);
  });
});
