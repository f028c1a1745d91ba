/**
 * Captures: values taken from a response (`capture: { userId: $.id, etag: header etag }`) for later steps.
 * A capture that failed, or whose step did not run, is remembered as such, so a step that reads it fails
 * with the reason instead of sending an empty value.
 */
import type { CaptureOutcome } from '../expect/capture.js';
import { VariableError, type Scope } from './interpolate.js';

export type CaptureState = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly step: string; readonly reason: string };

/**
 * The variables of one suite file while it runs. Lookup order for `{{ name }}`: captures, then `--var`,
 * then the suite's `vars`; `{{ env.NAME }}` reads the environment.
 */
export class SuiteScope implements Scope {
  readonly #captures = new Map<string, CaptureState>();

  constructor(
    private readonly cliVars: ReadonlyMap<string, string>,
    private readonly vars: Readonly<Record<string, unknown>>,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  record(step: string, outcomes: readonly CaptureOutcome[]): void {
    for (const o of outcomes) this.#captures.set(o.name, o.ok ? { ok: true, value: o.value } : { ok: false, step, reason: o.reason ?? 'no value' });
  }

  /** Marks captures of a step that did not run (skipped, or failed before its response). */
  recordMissing(step: string, names: readonly string[], reason: string): void {
    for (const name of names) this.#captures.set(name, { ok: false, step, reason });
  }

  lookupVar(name: string): unknown {
    const captured = this.#captures.get(name);
    if (captured?.ok === true) return captured.value;
    if (captured?.ok === false) {
      throw new VariableError({ kind: 'var', name }, `{{ ${name} }} has no value: step "${captured.step}" did not capture it (${captured.reason})`, 'capture-failed');
    }
    const cli = this.cliVars.get(name);
    if (cli !== undefined) return cli;
    if (Object.hasOwn(this.vars, name)) return this.vars[name];
    throw new VariableError({ kind: 'var', name }, `unknown variable "${name}" (not captured yet, not a --var, not in vars)`, 'unknown');
  }

  lookupEnv(name: string): string | undefined {
    return this.env[name];
  }
}
