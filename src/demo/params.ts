import { HttpError } from './http-utils.js';

export interface IntParamOptions {
  /** Value used when the parameter is absent or empty. */
  def: number;
  min: number;
  max: number;
  /** Clamp values above `max` instead of rejecting them (used for delays). */
  clampMax?: boolean;
}

const INTEGER = /^[+-]?\d{1,16}$/;

/** Parses an integer from text, throwing a 400 HttpError when invalid or out of range. */
export function parseIntParam(name: string, raw: string | null | undefined, opts: IntParamOptions): number {
  if (raw === null || raw === undefined || raw.trim() === '') return opts.def;
  const text = raw.trim();
  const value = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new HttpError(400, `invalid ${name}: expected an integer`, { param: name, value: raw });
  }
  if (value > opts.max && opts.clampMax) return opts.max;
  if (value < opts.min || value > opts.max) {
    throw new HttpError(400, `invalid ${name}: must be between ${opts.min} and ${opts.max}`, {
      param: name,
      value: raw,
    });
  }
  return value;
}

/** Reads an integer query parameter (see parseIntParam). */
export function intParam(query: URLSearchParams, name: string, opts: IntParamOptions): number {
  return parseIntParam(name, query.get(name), opts);
}

/** True when a flag-like query parameter is set to 1/true/yes (or present without a value). */
export function flagParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null) return false;
  return raw === '' || /^(1|true|yes|on)$/i.test(raw);
}
