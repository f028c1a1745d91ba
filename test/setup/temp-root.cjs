// Jest global setup and teardown: every temporary file of the run (tests' own, and those of the apitest processes
// they spawn) goes under one directory, removed at the end — the tests leave nothing in the system's /tmp.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'apitest-jest-'));
  process.env.APITEST_JEST_TMP = root;
  process.env.TMPDIR = root;
  // Caches the CLI writes (OAuth2 tokens, HTTP responses) too: never the user's ~/.cache.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
};

module.exports.teardown = async function teardown() {
  const root = process.env.APITEST_JEST_TMP;
  if (root && root.includes('apitest-jest-')) rmSync(root, { recursive: true, force: true });
};
