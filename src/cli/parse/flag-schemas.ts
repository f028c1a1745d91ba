// zod/mini: the same schemas as zod with a tree-shakable API; the full zod costs ~20 ms of start-up per run.
import * as z from 'zod/mini';
import { UsageError } from '../../errors.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../util/duration.js';

/**
 * zod pieces for command-line flags: each failure message names the flag and how to fix it. A duration is above
 * zero unless `allowZero` (where 0 means "none", as `--warmup 0`).
 */
export function durationFlag(flag: string, { allowZero = false }: { allowZero?: boolean } = {}) {
  return z.pipe(
    z.string(),
    z.transform((value: string, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 0 || (ms === 0 && !allowZero)) {
        ctx.issues.push({ code: 'custom', input: value, message: `${flag}: invalid duration ${JSON.stringify(value)} (use 250ms, 5s, 1m, or a number of seconds)` });
        return 0;
      }
      if (ms > MAX_DURATION_MS) {
        ctx.issues.push({ code: 'custom', input: value, message: `${flag}: ${JSON.stringify(value)} is longer than the longest duration allowed (${formatDuration(MAX_DURATION_MS)}, 2^31-1 ms)` });
        return 0;
      }
      return Math.round(ms);
    }),
  );
}

export function integerFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.pipe(
    z.string(),
    z.transform((value: string, ctx) => {
      const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `${flag}: expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(value)}`,
        });
        return 0;
      }
      return n;
    }),
  );
}

/** Parses with a schema; the first issue becomes a UsageError (exit 2). */
export function parseFlags<T extends z.ZodMiniType>(schema: T, input: unknown): z.output<T> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = issue?.code === 'custom' ? issue.message : `${path}${issue?.message ?? 'invalid input'}`;
  throw new UsageError(message);
}
