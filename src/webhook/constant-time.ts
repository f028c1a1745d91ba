import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two strings (compared as UTF-8 bytes) or byte arrays.
 * Different lengths are a mismatch, never an exception; only the length can leak,
 * and the length of a signature is public anyway.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.byteLength !== right.byteLength) {
    // Spend comparable time anyway, then answer no.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
