import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { collectSuiteFiles } from '../../src/suite/collect-files.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'apitest-collect-'));
  await mkdir(join(root, 'suites', 'schemas'), { recursive: true });
  await mkdir(join(root, 'empty'));
  for (const file of ['suites/b.yaml', 'suites/a.yml', 'suites/c.json', 'suites/notes.txt', 'suites/schemas/user.json', 'other.yaml']) {
    await writeFile(join(root, file), 'name: x\n');
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const shown = async (args: string[]): Promise<string[]> => (await collectSuiteFiles(args, root)).map((f) => f.display);

describe('collectSuiteFiles', () => {
  test('a directory: its *.yaml, *.yml and *.json files, not subdirectories', async () => {
    expect((await shown(['suites'])).sort()).toEqual(['suites/a.yml', 'suites/b.yaml', 'suites/c.json']);
  });

  test('a file as given (any extension), a glob, duplicates dropped', async () => {
    expect((await shown(['suites/notes.txt', 'suites/*.yaml', 'suites/b.yaml'])).sort()).toEqual(['suites/b.yaml', 'suites/notes.txt']);
    expect((await shown(['**/*.json'])).sort()).toEqual(['suites/c.json', 'suites/schemas/user.json']);
    expect((await shown(['{other,suites/b}.yaml'])).sort()).toEqual(['other.yaml', 'suites/b.yaml']);
  });

  test('absolute paths are shown relative to the working directory', async () => {
    expect(await shown([join(root, 'other.yaml')])).toEqual(['other.yaml']);
  });

  test.each([['missing.yaml'], ['nothing/*.yaml'], ['empty']])('%s is a usage error', async (arg) => {
    await expect(collectSuiteFiles([arg], root)).rejects.toThrow(UsageError);
  });
});
