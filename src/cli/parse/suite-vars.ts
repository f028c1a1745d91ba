/**
 * `--var name=value` and `--secret name=value` of the commands that run suites (`run`, `load --suite`): the
 * variables for `{{ name }}`, over the suites' vars, and the values to mask in every report. Pure.
 */
import { UsageError } from '../../errors.js';
import { VARIABLE_NAME } from '../../suite/interpolate.js';

export function parseSuiteVars(vars: readonly string[], secrets: readonly string[]): { vars: Map<string, string>; secretVars: string[] } {
  const out = new Map<string, string>();
  const secretVars: string[] = [];
  const readVar = (entry: string, flag: '--var' | '--secret'): void => {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    // The value of a --secret is never echoed, not even in this error.
    const shown = flag === '--secret' ? JSON.stringify(eq === -1 ? name : `${name}=****`) : JSON.stringify(entry);
    if (eq === -1 || !VARIABLE_NAME.test(name)) throw new UsageError(`${flag}: expected name=value, got ${shown}`, { hint: `e.g. ${flag} userName=Ann` });
    out.set(name, entry.slice(eq + 1));
    if (flag === '--secret') secretVars.push(entry.slice(eq + 1));
  };
  for (const entry of vars) readVar(entry, '--var');
  for (const entry of secrets) readVar(entry, '--secret');
  return { vars: out, secretVars };
}
