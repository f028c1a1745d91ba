/**
 * File and stdin arguments read whole into memory are bounded: a regular file by its size (before reading), a
 * device or pipe by what was read; past the limit, one usage error naming the flag.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { InputTooLargeError, type Io } from '../../src/io.js';
import { MAX_BODY_INPUT_BYTES, readDataArg, readFileArg } from '../../src/cli/parse/data-argument.js';

const dir = mkdtempSync(join(tmpdir(), 'apitest-data-arg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const io = (stdin: (limit?: number) => Promise<Buffer> = async () => Buffer.alloc(0)): Io => ({ cwd: dir, readStdin: stdin }) as unknown as Io;

describe('readFileArg', () => {
  test('a file within the limit is read whole, byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    writeFileSync(join(dir, 'small.bin'), bytes);
    expect(await readFileArg('small.bin', io(), '-d/--data', 6)).toEqual(bytes);
  });

  test('a regular file over the limit is refused by its size, before any of it is read', async () => {
    const path = join(dir, 'sparse.bin');
    writeFileSync(path, '');
    truncateSync(path, 5 * 1024 * 1024);
    const probe = await open(path);
    const proto = Object.getPrototypeOf(probe) as { read(...args: unknown[]): unknown };
    await probe.close();
    const read = jest.spyOn(proto, 'read');
    try {
      await expect(readFileArg('sparse.bin', io(), '-d/--data', 1024)).rejects.toThrow('-d/--data: "sparse.bin" is larger than 1 KiB, the most apitest reads into memory for it');
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });

  test('a device that never ends is cut at the limit (not read until memory runs out)', async () => {
    await expect(readFileArg('/dev/zero', io(), '--cacert', 3 * 1024 * 1024)).rejects.toThrow('--cacert: "/dev/zero" is larger than 3 MiB');
  });

  test('a device read to its end within the limit', async () => {
    expect(await readFileArg('/dev/null', io(), '-d/--data')).toEqual(Buffer.alloc(0));
  });
});

describe('readDataArg', () => {
  test('@- asks stdin for at most the body limit; past it, one usage error naming the flag', async () => {
    let asked: number | undefined;
    const over = io(async (limit) => {
      asked = limit;
      throw new InputTooLargeError(limit as number);
    });
    await expect(readDataArg('@-', over, '--data')).rejects.toThrow('--data: standard input is larger than 1 GiB');
    expect(asked).toBe(MAX_BODY_INPUT_BYTES);
  });

  test('text is sent as given', async () => {
    expect(Buffer.from(await readDataArg('{"a":1}', io()))).toEqual(Buffer.from('{"a":1}'));
  });
});
