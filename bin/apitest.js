#!/usr/bin/env -S node --
// Thin launcher: runs the CLI bundled into dist/ by `npm run build` (which `npm install` runs through `prepare`).
import { fileURLToPath } from 'node:url';
import { loadBundle } from './code-cache.js';

const { exports: cli, saveCache } = loadBundle(fileURLToPath(new URL('../dist/apitest.cjs', import.meta.url)));
process.exitCode = await cli.main(process.argv.slice(2));
saveCache();
