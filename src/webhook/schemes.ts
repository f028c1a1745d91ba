import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { createGithubScheme } from './scheme-github.js';
import { createHmacScheme } from './scheme-hmac.js';
import { createStandardScheme } from './scheme-standard.js';
import { createStripeScheme } from './scheme-stripe.js';
import type { Scheme, SchemeName } from './scheme.js';

export { DEFAULT_HMAC } from './scheme-hmac.js';
export { DEFAULT_TOLERANCE_MS } from './scheme.js';

import { SCHEME_NAMES } from './scheme-names.js';

export { SCHEME_NAMES };

export interface SchemeDeps {
  /** Source of generated delivery / message ids (GitHub delivery UUID, Standard Webhooks msg id). */
  randomId: () => string;
}

export function isSchemeName(value: string): value is SchemeName {
  return (SCHEME_NAMES as readonly string[]).includes(value);
}

export function getScheme(name: SchemeName, deps: SchemeDeps = { randomId: randomUUID }): Scheme {
  switch (name) {
    case 'github':
      return createGithubScheme(deps);
    case 'stripe':
      return createStripeScheme();
    case 'standard':
      return createStandardScheme(deps);
    case 'hmac':
      return createHmacScheme();
  }
  throw new UsageError(`unknown webhook scheme "${String(name)}"`, { hint: `use one of ${SCHEME_NAMES.join(', ')}` });
}
