/**
 * What an importer says about its input besides the suite: every part it could not translate (`unmapped`: listed
 * on stderr, and `--strict` fails on them) and what the reader should know (`note`: credentials moved to the
 * environment, options that only change curl's own output). Nothing of the input is left out without one.
 */
import type { SuiteFile } from '../suite/suite-schema.js';

export interface Finding {
  /** Where in the input: `argument 5`, `command 2, argument 3`, `Folder/Sub/Request`, `entry 3`. */
  readonly where: string;
  readonly message: string;
  readonly severity: 'unmapped' | 'note';
}

export interface ImportResult {
  /** A suite file as the loader reads it (written as YAML). */
  readonly suite: SuiteFile;
  readonly findings: readonly Finding[];
}

export class Findings {
  readonly list: Finding[] = [];

  unmapped(where: string, message: string): void {
    this.list.push({ where, message, severity: 'unmapped' });
  }

  note(where: string, message: string): void {
    this.list.push({ where, message, severity: 'note' });
  }
}

/** Findings in the order of the input: by the numbers in `where` (command, argument; entry), stable otherwise. */
export function inInputOrder(list: readonly Finding[]): Finding[] {
  const key = (f: Finding): number[] => (f.where.match(/\d+/g) ?? []).map(Number);
  return [...list].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? -1) - (y[i] ?? -1);
      if (d !== 0) return d;
    }
    return 0;
  });
}
