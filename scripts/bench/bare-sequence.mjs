// The baseline for suites: N GETs in sequence over one keep-alive connection, each checked for status 200
// and a JSON field, like the generated suite does.
import http from 'node:http';

const [base, countText] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let passed = 0;
for (let i = 0; i < Number(countText); i += 1) {
  const body = await new Promise((resolve, reject) => {
    http
      .get(`${base}/users/1`, { agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      })
      .on('error', reject);
  });
  if (body.status === 200 && body.json.id === 1) passed += 1;
}
agent.destroy();
process.stdout.write(`${passed} passed\n`);
