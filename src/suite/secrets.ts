/**
 * What a suite run must never print: credential values (auth fields after interpolation, the environment
 * values that flow into them, the values of secret-looking headers). One registry per run; the redactor
 * it gives masks them in every reporter.
 */
import { maskHeaderValue } from '../redact/mask.js';
import { createRedactor, SENSITIVE_HEADERS, type Redactor, type SecretValue } from '../redact/redactor.js';

/** authorization, cookie, and any name containing token, secret, key or password. */
const SECRET_HEADER = /authorization|cookie|token|secret|key|password|passwd/i;

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** An environment variable whose name says it holds a credential: *TOKEN*, *SECRET*, *PASSWORD*, *KEY*, *AUTH*. */
const CREDENTIAL_NAME = /token|secret|passw(?:or)?d|key|auth|credential/i;

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

export interface SecretRegistry {
  add(values: Iterable<string | SecretValue>): void;
  /** A redactor for the secrets known so far (rebuilt only when new ones arrived). */
  redactor(): Redactor;
}

export function createSecretRegistry(show: boolean, initial: Iterable<string | SecretValue> = []): SecretRegistry {
  const secrets = new Map<string, SecretValue>();
  let current: Redactor | null = null;
  const registry: SecretRegistry = {
    add(values) {
      for (const item of values) {
        const secret = typeof item === 'string' ? { value: item, keepTail: true } : item;
        if (secret.value === '' || secrets.has(secret.value)) continue;
        secrets.set(secret.value, secret);
        current = null;
      }
    },
    redactor() {
      current ??= suiteRedactor(show, [...secrets.values()]);
      return current;
    },
  };
  registry.add(initial);
  return registry;
}

/** The engine's redactor, plus: every secret-looking header name is masked like Authorization. */
function suiteRedactor(show: boolean, secrets: SecretValue[]): Redactor {
  const base = createRedactor({ show, secrets });
  if (show) return base;
  return {
    enabled: base.enabled,
    header: (name, value) => (isSecretHeaderName(name) && !SENSITIVE_HEADERS.has(name.toLowerCase()) ? maskHeaderValue(value) : base.header(name, value)),
    url: base.url,
    text: base.text,
    scrubs: base.scrubs,
  };
}
