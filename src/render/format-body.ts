import type { ChalkInstance } from 'chalk';
import type { ResponseInfo } from '../model/request-document.js';
import { colorJson } from './json-colors.js';

export interface BodyDisplay {
  /** Cut long bodies (on a TTY) to this many lines; null: never cut. */
  maxLines: number | null;
}

/** The response body as shown in the human report. Pure. */
export function formatBody(response: ResponseInfo, display: BodyDisplay, c: ChalkInstance): string {
  if (response.bodyFile !== undefined) return c.dim(`[body written to ${response.bodyFile}: ${response.size} bytes]`);
  if (response.body === null && response.bodyNote !== undefined) return c.dim(`[${response.bodyNote}]`);
  if (response.body === null || response.body === '') return c.dim('[empty body]');
  if (response.bodyEncoding === 'base64') {
    const bytes = Buffer.from(String(response.body), 'base64').length;
    const note = response.bodyNote === undefined ? '' : `; ${response.bodyNote}`;
    return c.dim(`[binary body: ${bytes} bytes; save it with -o FILE, or see it as base64 with --json${note}]`);
  }
  if (response.bodyNote !== undefined) return `${c.dim(`[${response.bodyNote}]`)}\n${cut(String(response.body), display, c)}`;
  const isJson = typeof response.body !== 'string' || isJsonContentType(response.headers['content-type']);
  const ndjson = typeof response.body === 'string' && isNdjsonContentType(response.headers['content-type']) ? prettyNdjson(response.body, c) : null;
  return cut(ndjson ?? (isJson ? colorJson(response.body, c) : String(response.body)), display, c);
}

/** A long body cut on a terminal, saying so. */
function cut(text: string, display: BodyDisplay, c: ChalkInstance): string {
  if (display.maxLines === null) return text;
  const lines = text.split('\n');
  if (lines.length <= display.maxLines) return text;
  return `${lines.slice(0, display.maxLines).join('\n')}\n${c.dim(`… body cut at ${display.maxLines} of ${lines.length} lines; see all with --format body, or save it with -o FILE`)}`;
}

function isNdjsonContentType(value: string | string[] | undefined): boolean {
  const type = Array.isArray(value) ? value[0] : value;
  return type !== undefined && /^application\/(x-)?(ndjson|jsonl|json-seq)\b|^application\/jsonlines\b/i.test(type.trim());
}

/** One pretty-printed value per line of an NDJSON body; null when a line is not JSON (then it is shown as text). */
function prettyNdjson(text: string, c: ChalkInstance): string | null {
  const values: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(colorJson(JSON.parse(line), c));
    } catch {
      return null;
    }
  }
  return values.join('\n');
}

function isJsonContentType(value: string | string[] | undefined): boolean {
  const type = Array.isArray(value) ? value[0] : value;
  return type !== undefined && /json/i.test(type);
}
