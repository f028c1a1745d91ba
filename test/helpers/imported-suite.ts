/** Checks an importer's suite the way `apitest run` reads it: as the YAML the command writes, through parseSuiteText. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportResult } from '../../src/import/findings.js';
import { suiteYaml } from '../../src/import/suite-yaml.js';
import { parseSuiteText } from '../../src/suite/load-suite.js';
import { formatProblem } from '../../src/suite/locate-issue.js';

/** Every environment variable is set (to a value that is valid anywhere a suite uses one). */
const ANY_ENV = new Proxy({} as Record<string, string | undefined>, { get: (_target, name) => (typeof name === 'string' ? 'env-value-1234' : undefined) });

let emptyDir: string | null = null;

/** The problems `apitest run` would report for the imported suite (none is the goal); `dir` is where it would be saved. */
export async function suiteProblems(result: ImportResult, dir?: string): Promise<string[]> {
  emptyDir ??= mkdtempSync(join(tmpdir(), 'apitest-import-'));
  const text = suiteYaml(result.suite, 'a test');
  const loaded = await parseSuiteText(text, 'imported.yaml', dir ?? emptyDir, { cliVars: new Map(), env: ANY_ENV, filter: null, schemaCache: new Map() });
  return loaded.ok ? [] : loaded.problems.map(formatProblem).map((p) => `${p}\n--- suite:\n${text}`);
}
