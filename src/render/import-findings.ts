/**
 * What `apitest import` says on stderr besides the suite: one line per part of the input that was not imported
 * (`warning`) or that the reader should know about (`note`), each naming where it is in the input.
 */
import type { Finding } from '../import/findings.js';
import type { Theme } from './theme.js';

export function renderImportFindings(findings: readonly Finding[], theme: Theme): string {
  return findings
    .map((f) => {
      const line = `apitest: ${f.severity === 'unmapped' ? 'warning' : 'note'}: ${f.where}: ${oneLine(f.message)}\n`;
      return f.severity === 'unmapped' ? theme.c.yellow(line) : theme.c.dim(line);
    })
    .join('');
}

/** The closing line: where the suite went and how many parts were left out. */
export function renderImportSummary(input: { steps: number; unmapped: number; output: string | null }, theme: Theme): string {
  const steps = `${input.steps} step${input.steps === 1 ? '' : 's'}`;
  const left = input.unmapped === 0 ? '' : `; ${input.unmapped} part${input.unmapped === 1 ? '' : 's'} of the input not imported (listed above)`;
  const where = input.output === null ? '' : ` to ${input.output}`;
  return theme.c.dim(`apitest: note: wrote a suite of ${steps}${where}${left}\n`);
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
