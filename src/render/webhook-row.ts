/** `webhook listen`'s report of one delivery: a row for people, or an NDJSON line with --json. Pure. */
import type { DeliveryDocument } from '../webhook/listener/delivery-document.js';
import type { DeliveryEvent } from '../webhook/listener/delivery-event.js';
import type { Theme } from './theme.js';

/** `14:03:07  POST  /hook  push  1234 B  200 verified  → app 202` (time of day in UTC). */
export function renderEventRow(e: DeliveryEvent, forwarding: boolean, theme: Theme): string {
  const { c } = theme;
  const time = e.time.length >= 19 ? e.time.slice(11, 19) : e.time;
  const result = e.verified ? c.green(`${e.status} verified`) : c.red(`${e.status} rejected: ${e.reason ?? 'unknown reason'}`);
  let forward = '';
  if (forwarding && e.verified) {
    const status = e.forwardStatus ?? null;
    forward = status === null ? c.red(`  → app failed: ${e.forwardError ?? 'no answer'}`) : `  → app ${status >= 400 ? c.yellow(String(status)) : String(status)}`;
  }
  return `${time}  ${e.method.padEnd(6)} ${e.path.padEnd(12)} ${(e.event ?? '-').padEnd(16)} ${`${e.size} B`.padStart(9)}  ${result}${forward}\n`;
}

/** One NDJSON line: the delivery's document (webhook/listener/delivery-document.ts). */
export function renderEventLine(doc: DeliveryDocument): string {
  return `${JSON.stringify(doc)}\n`;
}
