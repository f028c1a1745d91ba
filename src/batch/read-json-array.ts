/**
 * Rows of a JSON array (`[ {...}, {...} ]`), streamed: the array is split into its elements by a small scanner
 * (strings, escapes and nesting tracked byte by byte), and each element is parsed on its own. So an element that
 * is not valid JSON is one invalid row and the next is read as usual; only one element is held at a time.
 * Input that does not start with `[` is bad input (a BadInputError, exit 2, before anything is sent); an input cut
 * off inside the array ends with its partial element as an invalid row, and text after `]` is one invalid row.
 */
import { MAX_ROW_BYTES, type ByteSource, type RowItem } from './row.js';
import { parseRowJson } from './null-proto.js';

/** The input as a whole is not what the format says (not an array): nothing can be read from it. */
export class BadInputError extends Error {}

const enum State {
  BeforeArray,
  BeforeElement,
  InElement,
  InString,
  InStringEscape,
  AfterArray,
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export async function* readJsonArrayRows(source: ByteSource): AsyncGenerator<RowItem> {
  let state: State = State.BeforeArray;
  let depth = 0;
  let index = 0;
  let line = 1;
  let startLine = 1;
  let parts: Buffer[] = [];
  let bytes = 0;
  let tooLong = false;
  let bom = true;
  let trailing = false;
  const take = (chunk: Buffer, from: number, to: number): void => {
    if (to <= from || tooLong) return;
    bytes += to - from;
    if (bytes > MAX_ROW_BYTES) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(Buffer.from(chunk.subarray(from, to)));
  };
  const element = (): RowItem | null => {
    const text = tooLong ? '' : Buffer.concat(parts).toString('utf8').trim();
    const wasTooLong = tooLong;
    parts = [];
    bytes = 0;
    tooLong = false;
    if (text === '' && !wasTooLong) return null;
    index++;
    if (wasTooLong) return { kind: 'invalid', index, line: startLine, problem: `the element is longer than ${MAX_ROW_BYTES} bytes`, text: '' };
    try {
      return { kind: 'row', index, line: startLine, value: parseRowJson(text), text };
    } catch (error) {
      return { kind: 'invalid', index, line: startLine, problem: `not JSON: ${(error as Error).message}`, text: text.slice(0, 200) };
    }
  };

  for await (const raw of source) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    if (bom) {
      bom = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    // Where the element's bytes start in this chunk (-1: not in an element); an element goes on from the last chunk.
    let from = state === State.InElement || state === State.InString || state === State.InStringEscape ? 0 : -1;
    const out: RowItem[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a) line++;
      switch (state) {
        case State.BeforeArray:
          if (WS.has(b)) continue;
          if (b !== 0x5b) throw new BadInputError(`the input is not a JSON array: it starts with ${JSON.stringify(String.fromCharCode(b))} (an array starts with "[")`);
          state = State.BeforeElement;
          continue;
        case State.BeforeElement:
          if (WS.has(b)) continue;
          if (b === 0x5d) {
            // `[]`, or `[1,]`: an empty element before the end is ignored (trailing comma)
            state = State.AfterArray;
            continue;
          }
          if (b === 0x2c) {
            // `[,` or `,,`: an empty element is an invalid row
            index++;
            out.push({ kind: 'invalid', index, line, problem: 'an empty element (two commas in a row)', text: '' });
            continue;
          }
          state = State.InElement;
          startLine = line;
          from = i;
          depth = 0;
          i--; // read this byte again as part of the element
          if (b === 0x0a) line--;
          continue;
        case State.InElement:
          if (b === 0x22) state = State.InString;
          else if (b === 0x5b || b === 0x7b) depth++;
          else if (b === 0x5d || b === 0x7d) {
            if (depth === 0 && b === 0x5d) {
              take(chunk, from, i);
              from = -1;
              const item = element();
              if (item !== null) out.push(item);
              state = State.AfterArray;
              continue;
            }
            depth--;
          } else if (b === 0x2c && depth === 0) {
            take(chunk, from, i);
            from = -1;
            const item = element();
            if (item !== null) out.push(item);
            state = State.BeforeElement;
          }
          continue;
        case State.InString:
          if (b === 0x5c) state = State.InStringEscape;
          else if (b === 0x22) state = State.InElement;
          continue;
        case State.InStringEscape:
          state = State.InString;
          continue;
        case State.AfterArray:
          if (WS.has(b) || trailing) continue;
          // Text after `]`: reported once, as an invalid row, and not read.
          trailing = true;
          index++;
          out.push({ kind: 'invalid', index, line, problem: 'text after the end of the JSON array', text: '' });
          continue;
      }
    }
    if (from !== -1) take(chunk, from, chunk.length);
    yield* out;
  }
  if (state === State.BeforeArray || state === State.AfterArray) return; // empty input: no rows
  // The input ended inside the array (a file cut off): the element being read, if any, is an invalid row.
  if (state !== State.BeforeElement || parts.length > 0 || tooLong) {
    index++;
    yield { kind: 'invalid', index, line: startLine, problem: 'the input ends inside this element (the JSON array is not closed)', text: '' };
  }
}
