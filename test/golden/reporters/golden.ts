import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/** Compares with test/golden/reporters/<name>; UPDATE_GOLDEN=1 writes the file instead. */
export async function expectGolden(name: string, actual: string): Promise<void> {
  const url = new URL(`./${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(url)) {
    await writeFile(url, actual);
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`wrote the missing golden file ${name}; check it and run again`);
    return;
  }
  expect(actual).toBe(await readFile(url, 'utf8'));
}
