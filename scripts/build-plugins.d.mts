// Types of build-plugins.mjs, for the tests that guard its patches (test/unit/tricks.test.ts).
import type { Plugin } from 'esbuild';
export const TRICKS: readonly string[];
export const STUBBED: readonly string[];
export const stubGotExtras: Plugin;
export const lazyListFormat: Plugin;
export function lazyListFormatPatch(source: string): string;
