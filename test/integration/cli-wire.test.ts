/** What goes on the wire: repeated headers, phases of a kept-alive connection, a timeout per attempt. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/run-cli.js';
import { startTestDemo, type DemoServer } from '../helpers/demo.js';

let demo: DemoServer;
beforeAll(async () => {
  demo = await startTestDemo();
});
afterAll(async () => {
  await demo.close();
});

describe('on the wire', () => {
  test('a kept-alive connection has no DNS, TCP or TLS phase', async () => {
    const r = await runCli([`${demo.url}/flaky?fail=1&key=reuse1`, '--retry', '2', '--retry-delay', '10ms', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.timings).toMatchObject({ dns: null, tcp: null, tls: null });
    expect(r.stderr).toMatch(/attempt 1 failed \(503 Service Unavailable\)/);
    const pages = JSON.parse((await runCli([`${demo.url}/pages/link`, '--paginate', '--json'])).stdout).pages;
    expect(typeof pages[0].timings.tcp).toBe('number');
    expect(pages[1].timings).toMatchObject({ dns: null, tcp: null });
  });
  test('--timeout applies to each attempt: two attempts of /hang each time out, exit 4', async () => {
    const started = Date.now();
    const r = await runCli([`${demo.url}/hang`, '--timeout', '300ms', '--retry', '1', '--retry-delay', '10ms', '--retry-on', '503', '--json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).attempts).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });
  test('the same -H name given twice is sent twice', async () => {
    const r = await runCli([`${demo.url}/echo`, '-H', 'X-A: 1', '-H', 'X-A: 2', '--json']);
    expect(r.code).toBe(0);
    const last = demo.requests().filter((x) => x.path === '/echo').pop();
    expect(last?.headers['x-a']).toBe('1, 2');
  });
});
