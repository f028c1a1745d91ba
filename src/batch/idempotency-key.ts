/**
 * A row's identity and its Idempotency-Key. Both come from the row's position and content: the same row at the
 * same place of the same input gets the same key in every run (a retry, a `--resume`, a re-run of `--only-failed`),
 * so a server that deduplicates by key creates nothing twice; another row, or the same content at another place,
 * gets another key.
 *
 * hash = SHA-256("apitest-batch-row\0" + index + "\0" + text), text being the row as read (an NDJSON line, a JSON
 * array element, a CSV record as a JSON array of its fields). The key is that hash written as a UUID (version 8,
 * RFC 9562's layout for application-defined UUIDs), which is what most APIs that take an Idempotency-Key accept.
 * A group of rows sent as one request (`--batch-size`) gets the key of its rows' hashes, in order.
 */
import { createHash } from 'node:crypto';

/** The row's identity (hex SHA-256), recorded in the journal: a journal entry applies to a row only if it matches. */
export function rowHash(index: number, text: string): string {
  return createHash('sha256').update(`apitest-batch-row\0${index}\0${text}`).digest('hex');
}

/** The hash of a group of rows (one request with --batch-size). */
export function groupHash(hashes: readonly string[]): string {
  if (hashes.length === 1) return hashes[0] as string;
  return createHash('sha256').update(`apitest-batch-group\0${hashes.join('\0')}`).digest('hex');
}

/** A hex hash as a version-8 UUID: 8-4-4-4-12 hex digits, version nibble 8, variant bits 10. */
export function keyOfHash(hex: string): string {
  const h = hex.slice(0, 32).padEnd(32, '0');
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
