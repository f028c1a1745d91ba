/**
 * NDJSON rows: one JSON value per line (LF or CRLF). Blank lines are not rows. A line that is not JSON is an
 * invalid row (reported with its row and line number); the next line is read as usual. Streamed: one line at a
 * time is held, and a line longer than MAX_ROW_BYTES is an invalid row (its bytes are skipped, not kept).
 */
import { MAX_ROW_BYTES, type ByteSource, type RowItem } from './row.js';
import { parseRowJson } from './null-proto.js';

export async function* readNdjsonRows(source: ByteSource): AsyncGenerator<RowItem> {
  let index = 0;
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  const finish = (bytes: Buffer | null): RowItem | null => {
    line++;
    const whole = pending.length === 0 ? (bytes ?? Buffer.alloc(0)) : Buffer.concat(bytes === null ? pending : [...pending, bytes]);
    pending = [];
    pendingBytes = 0;
    if (tooLong) {
      tooLong = false;
      index++;
      return { kind: 'invalid', index, line, problem: `the line is longer than ${MAX_ROW_BYTES} bytes`, text: '' };
    }
    const text = whole.toString('utf8').replace(/^\uFEFF/, '').trim();
    if (text === '') return null;
    index++;
    try {
      return { kind: 'row', index, line, value: parseRowJson(text), text };
    } catch (error) {
      return { kind: 'invalid', index, line, problem: `not JSON: ${(error as Error).message}`, text: text.slice(0, 200) };
    }
  };
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const item = finish(tooLong ? null : buf.subarray(start, nl));
      start = nl + 1;
      if (item !== null) yield item;
    }
    if (start < buf.length && !tooLong) {
      const rest = buf.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > MAX_ROW_BYTES) {
        tooLong = true;
        pending = [];
      } else pending.push(Buffer.from(rest));
    }
  }
  if (pending.length > 0 || tooLong) {
    const item = finish(null);
    if (item !== null) yield item;
  }
}
