/**
 * What a suite run must never print: credential values (auth fields after interpolation, the environment
 * values that flow into them, the values of secret-looking headers). One registry per run; the redactor
 * it gives masks them in every reporter.
 */
import { maskHeaderValue } from '../redact/mask.js';
import { createRedactor, type Redactor } from '../redact/redactor.js';

/** authorization, cookie, and any name containing token, secret, key or password. */
const SECRET_HEADER = /authorization|cookie|token|secret|key|password|passwd/i;

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}

export interface SecretRegistry {
  add(values: Iterable<string>): void;
  /** A redactor for the secrets known so far (rebuilt only when new ones arrived). */
  redactor(): Redactor;
}

export function createSecretRegistry(show: boolean, initial: Iterable<string> = []): SecretRegistry {
  const secrets = new Set<string>();
  let current: Redactor | null = null;
  const registry: SecretRegistry = {
    add(values) {
      for (const value of values) {
        if (value === '' || secrets.has(value)) continue;
        secrets.add(value);
        current = null;
      }
    },
    redactor() {
      current ??= suiteRedactor(show, [...secrets]);
      return current;
    },
  };
  registry.add(initial);
  return registry;
}

/** The engine's redactor, plus: every secret-looking header name is masked like Authorization. */
function suiteRedactor(show: boolean, secrets: string[]): Redactor {
  const base = createRedactor({ show, secrets });
  if (show) return base;
  return {
    enabled: base.enabled,
    header: (name, value) => (isSecretHeaderName(name) ? maskHeaderValue(value) : base.header(name, value)),
    url: base.url,
    text: base.text,
  };
}
