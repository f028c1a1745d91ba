import { describe, expect, test } from '@jest/globals';
import { systemClock } from '../../src/util/clock.js';

describe('systemClock', () => {
  test('now is Date.now', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  test.each([0, -5, Number.NaN])('sleep(%j) resolves at once', async (ms) => {
    const started = Date.now();
    await systemClock.sleep(ms);
    expect(Date.now() - started).toBeLessThan(50);
  });

  test('sleep waits about the asked time', async () => {
    const started = Date.now();
    await systemClock.sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
