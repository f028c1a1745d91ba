/**
 * What a journal's rows were sent as: a hash of the request templates (method, URL, query, header and body
 * templates), the grouping (--batch-size, --batch-wrap) and the Idempotency-Key rule. `--resume` refuses a journal
 * written with another fingerprint: its rows were other requests. Credentials, timeouts and retry settings are not
 * part of it (changing them between runs is what a resume after an expired token needs).
 */
import { createHash } from 'node:crypto';
import type { RequestTemplates } from './row-request.js';

export function fingerprintOf(t: RequestTemplates, bodySource: string | null): string {
  const described = {
    method: t.method,
    url: t.url.source,
    query: t.query.map(([name, tpl]) => [name, tpl.source]),
    headers: t.headers.map(([name, tpl]) => [name.toLowerCase(), tpl.source]).filter(([name]) => name !== 'user-agent'),
    body: t.body.kind === 'json' || t.body.kind === 'text' ? { kind: t.body.kind, source: bodySource } : { kind: t.body.kind },
    batch: t.batch,
    key: t.key.kind === 'template' ? { kind: 'template', source: t.key.template.source } : t.key,
  };
  return createHash('sha256').update(JSON.stringify(described)).digest('hex').slice(0, 32);
}
