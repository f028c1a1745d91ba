/**
 * The suite files named on the command line: a file as given; a directory means every *.yaml, *.yml and
 * *.json file directly in it (not in subdirectories, so a schemas/ folder beside the suites is not read
 * as suites); anything else is a glob (tinyglobby: `*`, `**`, `{a,b}`, `?`). Each path is shown relative
 * to the working directory with `/`; duplicates are dropped.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { UsageError } from '../errors.js';

export interface SuiteFileRef {
  /** As shown in reports and messages. */
  display: string;
  absolute: string;
}

const SUITE_EXTENSION = /\.(ya?ml|json)$/i;
const GLOB_CHARS = /[*?[\]{}]/;

export async function collectSuiteFiles(args: readonly string[], cwd: string): Promise<SuiteFileRef[]> {
  const found = new Map<string, SuiteFileRef>();
  const add = (absolute: string): void => {
    if (!found.has(absolute)) found.set(absolute, { absolute, display: displayPath(absolute, cwd) });
  };
  for (const arg of args) {
    const absolute = resolve(cwd, arg);
    const info = await stat(absolute).catch(() => null);
    if (info?.isDirectory()) {
      const entries = await readdir(absolute, { withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && SUITE_EXTENSION.test(e.name)).map((e) => resolve(absolute, e.name));
      if (files.length === 0) throw new UsageError(`${arg}: no *.yaml, *.yml or *.json suite files in this directory`);
      files.forEach(add);
    } else if (info) {
      add(absolute);
    } else if (GLOB_CHARS.test(arg)) {
      const matches = await glob(arg, { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) throw new UsageError(`${arg}: no files match this pattern`);
      matches.map((m) => resolve(m)).forEach(add);
    } else {
      throw new UsageError(`${arg}: no such file or directory`);
    }
  }
  return [...found.values()];
}

export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join('/');
}
