/** boundedLines: readline's lines, each at most a limit long (a file with no newline must not grow one string). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { boundedLines, LineTooLongError } from '../../src/files/bounded-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'apitest-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string, limit: number, highWaterMark?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of boundedLines(path, limit, highWaterMark)) out.push(line);
  return out;
}

describe('boundedLines', () => {
  test('the lines, CRLF or LF, the last one without a newline too; a line exactly at the limit is read', async () => {
    const path = join(dir, 'ok.txt');
    writeFileSync(path, 'abc\r\n1234567890\n\nlast');
    expect(await collect(path, 10, 4)).toEqual(['abc', '1234567890', '', 'last']);
  });

  test('a line past the limit fails the read, naming its line, whatever the chunk boundaries', async () => {
    const path = join(dir, 'long.txt');
    writeFileSync(path, 'short\n12345678901\nnever');
    for (const highWaterMark of [1, 3, 64 * 1024]) {
      const error = await collect(path, 10, highWaterMark).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LineTooLongError);
      expect((error as LineTooLongError).line).toBe(2);
    }
  });

  test('a device with no newline (/dev/zero) stops at the limit instead of growing one line', async () => {
    await expect(collect('/dev/zero', 1024 * 1024)).rejects.toThrow('line 1 is longer than 1 MiB');
  });

  test("the file's own errors reach the reader", async () => {
    await expect(collect(join(dir, 'missing.txt'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
