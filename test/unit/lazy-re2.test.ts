/** The regular expression engine is its own file beside the bundle, loaded only by runs that match a pattern. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';

const dist = (name: string): string => new URL(`../../dist/${name}`, import.meta.url).pathname;

describe('re2js is loaded lazily (src/util/load-re2.ts)', () => {
  test('the build writes dist/re2.cjs, and the bundle does not hold the engine', () => {
    expect(existsSync(dist('re2.cjs'))).toBe(true);
    expect(readFileSync(dist('re2.cjs'), 'utf8')).toContain('CASE_INSENSITIVE');
    const bundle = readFileSync(dist('apitest.cjs'), 'utf8');
    expect(bundle).toContain('re2.cjs');
    // The engine's own tables would be here if it were bundled (its flag constants are read through loadRe2).
    expect(bundle).not.toMatch(/UNICODE_GROUPS|CharGroup/);
  });
});
