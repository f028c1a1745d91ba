/** A value on one line for reports: JSON (strings quoted), cut to `max` characters. */
export function showValue(value: unknown, max = 200): string {
  let text: string;
  if (value === undefined) text = '(missing)';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The summary line CI parses: `N passed, N failed` and `, N skipped` when any were. */
export function summaryLine(summary: { passed: number; failed: number; skipped: number }): string {
  return `${summary.passed} passed, ${summary.failed} failed${summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''}`;
}
