/**
 * The fault matrix: every transport fault of the fault server, through the real binary, in three modes — plain,
 * --retry 1, and -o FILE over an existing file. Each row asserts the exit code, exactly one error line (no stack
 * trace), no temporary file left, and the previous content of the -o target intact when the run failed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { runCli } from '../helpers/run-cli.js';

let server: FaultServer;
/** A TLS server (self-signed certificate made by openssl), for plain HTTP sent to a TLS port. */
let tlsServer: HttpsServer;
let tlsUrl: string;
/** A plain node:http server (which answers a TLS hello with 400 and closes), for https:// sent to a plain port. */
let plainServer: HttpServer;
let plainUrl: string;
beforeAll(async () => {
  plainServer = createHttpServer((_req, res) => res.end('plain'));
  await new Promise<void>((resolve) => plainServer.listen(0, '127.0.0.1', resolve));
  plainUrl = `https://127.0.0.1:${(plainServer.address() as AddressInfo).port}`;
  server = await startFaultServer();
  const dir = mkdtempSync(join(tmpdir(), 'apitest-fault-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], {
    stdio: 'ignore',
    timeout: 15_000,
  });
  tlsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('secure'));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsUrl = `http://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  plainServer.closeAllConnections();
  await new Promise<void>((resolve) => plainServer.close(() => resolve()));
  tlsServer.closeAllConnections();
  await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
});

/** The URL of a row: the fault server's path, or the TLS mismatches in both directions. */
function faultUrl(fault: string): string {
  if (fault === 'http-to-tls-port') return `${tlsUrl}/x`;
  if (fault === 'https-to-plain-port') return `${plainUrl}/x`;
  return `${server.url}/${fault}`;
}

/** fault → expected exit code, and the error line's pattern when it fails. */
const ROWS: Array<[string, number, RegExp | null, string[]]> = [
  ['reset-before-head', 3, /connection reset by .*before answering/, []],
  ['reset-mid-body', 3, /closed the connection after the response head and \d+ bytes of the body/, []],
  ['close-mid-body', 3, /closed the connection after the response head and \d+ bytes of the body/, []],
  ['hang', 4, /timed out after 500 ms/, ['--timeout', '0.5']],
  ['slow-headers', 4, /timed out after 1 s/, ['--timeout', '1']],
  ['drip', 0, null, []],
  ['bad-chunking', 3, /sent a response that is not valid HTTP/, []],
  ['garbage', 3, /sent a response that is not valid HTTP/, []],
  ['huge-headers', 3, /the response headers of .* are too large/, []],
  ['redirect-loop', 3, /too many redirects/, ['-L', '--max-redirects', '3']],
  ['truncated-gzip', 3, /the gzip-encoded body ended early: \d+ bytes received, \d+ decoded/, []],
  ['gzip-bomb', 3, /the body is larger than 64 MiB once decoded/, []],
  ['raw-deflate', 0, null, []],
  ['stacked-codings', 0, null, []],
  ['unknown-coding', 0, null, []],
  ['empty-gzip', 0, null, []],
  ['deep-json', 0, null, []],
  ['http-to-tls-port', 3, /expects TLS \(use https:\/\/\)/, []],
  ['https-to-plain-port', 3, /did not answer with TLS \(is it http:\/\/\?\)/, []],
];

const MODES: Array<[string, string[]]> = [
  ['plain', []],
  ['--retry', ['--retry', '1', '--retry-delay', '10ms']],
  ['-o', []],
];

describe.each(MODES)('mode %s', (mode, modeArgs) => {
  test.each(ROWS)('%s → exit %i', async (fault, exit, message, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'apitest-fault-'));
    const out = join(dir, 'previous.bin');
    writeFileSync(out, 'previous content');
    // -o has no body limit unless given: the bomb row gives the same limit as the other modes.
    const oArgs = mode === '-o' ? ['-o', out, ...(fault === 'gzip-bomb' ? ['--max-body', '64mb'] : [])] : [];
    const r = await runCli([faultUrl(fault), ...modeArgs, ...oArgs, ...extra], { timeoutMs: 30_000 });
    expect({ fault, mode, code: r.code }).toEqual({ fault, mode, code: exit });
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('apitest: error:'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (message === null) {
      expect(errorLines).toEqual([]);
    } else {
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual(['previous.bin']);
    if (mode === '-o' && exit !== 0) expect(readFileSync(out, 'utf8')).toBe('previous content');
  });
});

describe('decoded bodies', () => {
  test('raw deflate, stacked codings (gzip, br) and an empty gzip body decode; an unknown coding is kept with a note', async () => {
    expect(JSON.parse((await runCli([`${server.url}/raw-deflate`, '--format', 'body'])).stdout)).toEqual({ raw: 'deflate' });
    expect(JSON.parse((await runCli([`${server.url}/stacked-codings`, '--format', 'body'])).stdout)).toEqual({ stacked: true });
    expect((await runCli([`${server.url}/empty-gzip`, '--format', 'body'])).stdout).toBe('');
    const unknown = await runCli([`${server.url}/unknown-coding`, '--json']);
    expect(JSON.parse(unknown.stdout).response.bodyNote).toBe('Content-Encoding zstd: apitest cannot decode it; the body is as received');
    expect((await runCli([`${server.url}/unknown-coding`, '--format', 'body'])).stdout).toBe('ABCD');
  });

  test('a JSON body nested 5,000 levels deep is shown as text with a note, in the table, --json and --expect', async () => {
    const table = await runCli([`${server.url}/deep-json`]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('[JSON nested more than 1000 levels deep: shown as text, not queried]');
    const json = JSON.parse((await runCli([`${server.url}/deep-json`, '--json'])).stdout);
    expect(typeof json.response.body).toBe('string');
    const expectation = await runCli([`${server.url}/deep-json`, '--expect', '$[0] exists']);
    expect(expectation.code).toBe(1);
    expect(expectation.stdout).toContain('JSON nested more than 1000 levels deep');
  });
});
