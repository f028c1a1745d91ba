// The directories apitest keeps compiled-code caches in. A cache is code that will be run, so it is read only
// from a directory of the user's own that no other user can write: dist/ beside the bundle when the user can
// create such a directory there (their own checkout or install), else one under the temp directory, created
// 0700 and checked, because /tmp itself is shared and anyone could have made the name first.
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when `dir` is a directory owned by this user that neither group nor others can write. */
export function isPrivateDir(dir) {
  const st = statSync(dir);
  return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
}

/** apitest's own directory under the temp directory: one per user, so users never share cache files. */
export function privateTempDir() {
  return join(tmpdir(), `apitest-code-cache-${process.getuid?.() ?? 'user'}`);
}

/** Creates `dir` (0700) if needed; true when it is then private (see isPrivateDir). False on any error. */
export function ensurePrivateDir(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return isPrivateDir(dir);
  } catch {
    return false;
  }
}
