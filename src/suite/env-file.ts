/**
 * `--env-file`: a dotenv file. Lines are `NAME=value` (optionally `export NAME=value`); `#` starts a
 * comment line, or a comment after an unquoted value when preceded by a blank. Values may be 'single
 * quoted' (taken as is) or "double quoted" (\n, \r, \t, \" and \\ escapes; may span lines). Variables
 * already set in the environment win over the file.
 */
import { MAX_SETTINGS_FILE_BYTES, readWholeFile } from '../files/read-bounded.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

export async function loadEnvFile(path: string, cwd: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = (await readWholeFile(resolve(cwd, path), MAX_SETTINGS_FILE_BYTES)).toString('utf8');
  } catch (error) {
    throw new UsageError(`--env-file: cannot read ${JSON.stringify(path)}: ${unreadableReason(error)}`);
  }
  return parseEnvFile(text, path);
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/;

export function parseEnvFile(text: string, name = '.env'): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(#|$)/.test(line)) continue;
    const match = LINE.exec(line);
    if (!match?.[1]) throw new UsageError(`--env-file ${name}:${i + 1}: expected NAME=value, got ${JSON.stringify(line.trim())}`);
    let rest = line.slice(match[0].length);
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let body = rest.slice(1);
      while (closingQuote(body, quote) === -1 && i + 1 < lines.length) body += `\n${lines[++i] ?? ''}`;
      const end = closingQuote(body, quote);
      if (end === -1) throw new UsageError(`--env-file ${name}:${i + 1}: unterminated ${quote} quote in ${match[1]}`);
      const value = body.slice(0, end);
      out[match[1]] = quote === '"' ? value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] ?? c) : value;
      continue;
    }
    rest = rest.replace(/\s+#.*$/, '');
    out[match[1]] = rest.trim();
  }
  return out;
}

function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** The environment seen by suites: the process environment, over the file's values. */
export function mergeEnv(fileEnv: Record<string, string>, env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  // A null prototype: `{{ env.constructor }}` is an unset variable, not Object's constructor.
  const merged = Object.create(null) as Record<string, string | undefined>;
  for (const [name, value] of Object.entries(fileEnv)) merged[name] = value;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}
