/**
 * An imported suite as YAML text: block style, long strings never folded (a URL or a token stays on one line),
 * multi-line bodies as literal blocks, keys in the order the importer built them. The `yaml` package writes it
 * (loaded only by `apitest import`).
 */
import { stringify } from 'yaml';
import type { SuiteFile } from '../suite/suite-schema.js';

export function suiteYaml(suite: SuiteFile, source: string): string {
  const body = stringify(suite, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, singleQuote: false });
  return `# Imported by apitest from ${source}. Review it, then: apitest run <this file>\n${body}`;
}
