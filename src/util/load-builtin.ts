import { createRequire } from 'node:module';

/**
 * Loads a Node built-in on first use, synchronously. Used for built-ins only some runs need (zlib for
 * compressed bodies, v8/vm for -o), so start-up does not pay for them. (A dynamic import() would not do: on
 * Node 20 the bundle runs as a vm.Script with a code cache, where import() has no loader; bin/code-cache.js.)
 */
const load = createRequire(import.meta.url);

export function loadZlib(): typeof import('node:zlib') {
  return load('node:zlib') as typeof import('node:zlib');
}

export function loadV8(): typeof import('node:v8') {
  return load('node:v8') as typeof import('node:v8');
}

export function loadVm(): typeof import('node:vm') {
  return load('node:vm') as typeof import('node:vm');
}

export function loadWorkerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}
