import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The repository root and the real binary (`node bin/apitest.js`, which runs the esbuild bundle in dist/). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** APITEST_BIN points the tests at another build of the binary (e.g. while dist/ is being rebuilt). */
export const BIN = process.env.APITEST_BIN ?? fileURLToPath(new URL('../../bin/apitest.js', import.meta.url));

export interface CliResult {
  /** The exit code; null when the process was killed (see timedOut). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The raw stdout bytes (for --format body with binary content). */
  stdoutBytes: Buffer;
  timedOut: boolean;
}

export interface RunOptions {
  /** Added to the clean environment; a value of undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed. Without it stdin is closed at once. */
  stdin?: string | Buffer;
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Kill the process after this many ms (default 15 s). */
  timeoutMs?: number;
}

/** Variables that change what the CLI does: removed unless a test sets them. */
const CLEARED = ['NO_COLOR', 'FORCE_COLOR', 'API_KEY', 'ACCESS_TOKEN', 'API_PASSWORD', 'APITEST_PLACEHOLDER_TIMINGS', 'APITEST_DEBUG', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'APITEST_CERT_PASSPHRASE'];

/**
 * Runs the real binary with `args`, asynchronously (the demo server runs in the test's own event loop,
 * so a blocking spawnSync would deadlock). Environment: the test process's minus CLEARED, plus CI=true
 * (no spinner), plus `options.env`. Stdout and stderr are pipes, so stdout is not a TTY.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !CLEARED.includes(k)) env[k] = v;
  env.CI = 'true';
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    // `node -- BIN`: Node 20 would otherwise read a --env-file meant for apitest (bin/apitest.js's shebang does the same).
    const child = spawn(process.execPath, ['--', BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 15_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes, timedOut });
    });
    child.stdin.end(options.stdin ?? undefined);
  });
}

// ajv-formats is CommonJS with `exports.default` (see src/expect/json-schema.ts).
const addFormats = addFormatsModule.default;
let validator: ((value: unknown) => boolean) & { errors?: unknown } | null = null;

/** The generated JSON Schema of the --json document (docs/json-output.schema.json), compiled once. */
function schemaValidator(): ((value: unknown) => boolean) & { errors?: unknown } {
  if (validator === null) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(new URL('../../docs/json-output.schema.json', import.meta.url), 'utf8')) as object;
    validator = ajv.compile(schema);
  }
  return validator;
}

/**
 * Stdout of a `--json` run: exactly one JSON document and nothing else, valid against the published schema.
 * Throws (failing the test) with the reasons otherwise.
 */
export function parseJsonDocument(stdout: string): any {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${(error as Error).message}):\n${stdout.slice(0, 2000)}`);
  }
  const validate = schemaValidator();
  if (!validate(doc)) throw new Error(`the --json document does not match docs/json-output.schema.json: ${JSON.stringify(validate.errors, null, 2)}`);
  return doc;
}
