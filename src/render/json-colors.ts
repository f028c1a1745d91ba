import type { ChalkInstance } from 'chalk';

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Pretty-prints JSON with colours for keys, strings, numbers and literals. Pure. */
export function colorJson(value: unknown, c: ChalkInstance): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (c.level === 0) return text;
  return text.replace(TOKEN, (match, str: string | undefined, colon: string | undefined, literal: string | undefined, num: string | undefined) => {
    if (str !== undefined) return colon !== undefined ? `${c.cyan(str)}${colon}` : c.green(str);
    if (literal !== undefined) return c.magenta(literal);
    if (num !== undefined) return c.yellow(num);
    return match;
  });
}
