import { z } from 'zod';
import { UsageError } from '../errors.js';
import { parseDuration } from '../util/duration.js';

/** zod pieces for command-line flags: each failure message names the flag and how to fix it. */
export function durationFlag(flag: string) {
  return z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `${flag}: invalid duration ${JSON.stringify(value)} (use 250ms, 5s, 1m, or a number of milliseconds)` });
      return z.NEVER;
    }
    return Math.round(ms);
  });
}

export function integerFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((value, ctx) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${flag}: expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return n;
  });
}

/** Parses with a schema; the first issue becomes a UsageError (exit 2). */
export function parseFlags<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const message = issue?.code === 'custom' ? issue.message : `${path}${issue?.message ?? 'invalid input'}`;
  throw new UsageError(message);
}
