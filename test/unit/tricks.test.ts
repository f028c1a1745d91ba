/**
 * Guards of the start-up and memory tricks that reach into dependencies (docs/internals.md): each test fails
 * loudly when a dependency changes under its trick, instead of the trick silently doing nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { Options } from 'got';
import { lazyListFormatPatch, STUBBED } from '../../scripts/build-plugins.mjs';
import { youngGenerationCollector } from '../../src/engine/release-memory.js';
import { shareRequestOptionsShape } from '../../src/engine/transport.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const bundle = (): string => read('dist/apitest.cjs');

describe('start-up tricks (build time)', () => {
  test('stub-got-extras: got still imports the modules the build stubs, and the bundle holds the stubs', () => {
    const gotSources = ['core/index.js', 'core/options.js'].map((f) => read(`node_modules/got/dist/source/${f}`)).join('\n');
    for (const name of STUBBED as readonly string[]) expect(gotSources).toContain(`from '${name}'`);
    expect(bundle()).toContain('HTTP/2 is not enabled in this apitest build');
    expect(bundle()).toContain('the got cache option is not enabled in this apitest build');
  });

  test('lazy-listformat: the patch applies to the installed @sindresorhus/is (and the build fails when it stops matching)', () => {
    const patched = lazyListFormatPatch(read('node_modules/@sindresorhus/is/distribution/index.js'));
    expect(patched).toContain('??= new Intl.ListFormat');
    expect(() => lazyListFormatPatch('const x = 1;')).toThrow(/no longer builds Intl.ListFormat/);
  });

  test('stub-commander-child-process: commander still requires child_process; the bundle does not', () => {
    expect(read('node_modules/commander/lib/command.js')).toMatch(/require\('node:child_process'\)/);
    expect(bundle()).not.toMatch(/require\("(node:)?child_process"\)/);
    expect(bundle()).toContain('executable subcommands are not used by apitest');
  });

  test('the bundle makes no real import() (it runs as a vm.Script on Node 20, where import() has no loader)', () => {
    expect(bundle()).not.toMatch(/\bimport\(/);
  });
});

describe('memory tricks (run time)', () => {
  test("share-options: got's private Options.prototype.createNativeRequestOptions exists and the patch takes effect", () => {
    const proto = Options.prototype as unknown as { createNativeRequestOptions: (...args: unknown[]) => unknown; __apitestShared?: true };
    expect(typeof proto.createNativeRequestOptions).toBe('function');
    // The patch hands got's method one shared, empty cacheOptions object while it builds a request's options.
    const seen: unknown[] = [];
    const original = proto.createNativeRequestOptions;
    const shared = proto.__apitestShared;
    try {
      delete proto.__apitestShared;
      proto.createNativeRequestOptions = function (this: { _internals: { cacheOptions: unknown } }) {
        seen.push(this._internals.cacheOptions);
        return {};
      };
      expect(shareRequestOptionsShape()).toBe(true);
      const a = new Options('http://example.test/a') as unknown as { createNativeRequestOptions(): unknown; _internals: { cacheOptions: unknown } };
      const b = new Options('http://example.test/b') as unknown as { createNativeRequestOptions(): unknown; _internals: { cacheOptions: unknown } };
      a.createNativeRequestOptions();
      b.createNativeRequestOptions();
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(seen[1]);
      expect(seen[0]).not.toBe(a._internals.cacheOptions);
      expect(Object.keys(seen[0] as object)).toEqual([]);
    } finally {
      proto.createNativeRequestOptions = original;
      if (shared) proto.__apitestShared = shared;
      else delete proto.__apitestShared;
    }
  });

  test('young-gc: a minor collection can be reached on this Node (v8 flag set at run time)', () => {
    const collect = youngGenerationCollector();
    expect(collect).not.toBeNull();
    expect(() => collect?.()).not.toThrow();
  });
});
