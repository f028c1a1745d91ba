// The runtime helpers of the suite report. Kept apart from suite-report.ts, whose zod schemas (full zod) only
// the published JSON Schema and the tests need: importing a value from there would put zod in the CLI bundle.
import type { FileReport, Summary } from './suite-report.js';

/** Counts over files: a skipped step is neither passed nor failed. */
export function summarize(files: readonly FileReport[], durationMs: number): Summary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of files) {
    for (const step of file.steps) {
      if (step.skipped) skipped++;
      else if (step.ok) passed++;
      else failed++;
    }
  }
  return { passed, failed, skipped, durationMs };
}

const MAX_TEXT = 1000;
const MAX_JSON = 2000;

/** Keeps reports small: a long string is cut, a large value becomes its cut JSON text. */
export function capValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  if (typeof value !== 'object' || value === null) return value;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return String(value);
  }
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON - 1)}…` : value;
}
