import { Chalk, type ChalkInstance } from 'chalk';

export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * Colour decision, made once: `--no-color` and NO_COLOR turn colours off; FORCE_COLOR (1-3) turns them on
 * (0 off) even when piped; otherwise colours follow whether stdout is a TTY.
 */
export function colorLevel(input: { flag: boolean; isTTY: boolean; env: Readonly<Record<string, string | undefined>> }): ColorLevel {
  if (!input.flag) return 0;
  const noColor = input.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return 0;
  const force = input.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  // A terminal that says it understands no escape sequences (clig.dev, chalk's supports-color).
  if (input.env.TERM === 'dumb') return 0;
  return input.isTTY ? 1 : 0;
}

export interface Theme {
  level: ColorLevel;
  c: ChalkInstance;
}

export function createTheme(level: ColorLevel): Theme {
  return { level, c: new Chalk({ level }) };
}
