import { describe, expect, test } from '@jest/globals';
import { colorLevel, createTheme } from '../../src/render/theme.js';

describe('colorLevel', () => {
  test.each([
    // flag (false = --no-color), isTTY, env, level
    [true, true, {}, 1],
    [true, false, {}, 0],
    [false, true, {}, 0],
    [true, true, { NO_COLOR: '1' }, 0],
    [true, true, { TERM: 'dumb' }, 0],
    [true, true, { TERM: 'dumb', FORCE_COLOR: '1' }, 1],
    [true, true, { NO_COLOR: '' }, 1],
    [true, false, { FORCE_COLOR: '1' }, 1],
    [true, false, { FORCE_COLOR: '' }, 1],
    [true, false, { FORCE_COLOR: 'true' }, 1],
    [true, false, { FORCE_COLOR: '2' }, 2],
    [true, false, { FORCE_COLOR: '3' }, 3],
    [true, true, { FORCE_COLOR: '0' }, 0],
    [true, true, { FORCE_COLOR: 'false' }, 0],
    [true, false, { FORCE_COLOR: '1', NO_COLOR: '1' }, 0],
    [false, false, { FORCE_COLOR: '3' }, 0],
  ])('flag=%s isTTY=%s env=%j → %i', (flag, isTTY, env, level) => {
    expect(colorLevel({ flag, isTTY, env })).toBe(level);
  });
});

describe('createTheme', () => {
  test('level 0 writes no escape codes; level 1 does', () => {
    expect(createTheme(0).c.red('x')).toBe('x');
    expect(createTheme(1).c.red('x')).toMatch(/\u001b\[31mx\u001b\[39m/);
    expect(createTheme(3).level).toBe(3);
  });
});
