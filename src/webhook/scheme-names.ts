import type { HmacOptions, SchemeName } from './scheme.js';

/** The scheme names and hmac defaults, apart from the implementations, so option definitions load cheaply. */
export const SCHEME_NAMES: readonly SchemeName[] = ['github', 'stripe', 'standard', 'hmac'];

export const DEFAULT_HMAC: HmacOptions = { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: '' };
