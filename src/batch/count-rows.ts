/**
 * The number of rows of an input file, for the progress bar's total: counted in a separate pass over the file,
 * by a scanner that parses nothing (blank-free NDJSON lines; CSV records, with quotes that may hold line breaks,
 * less the header; elements of a JSON array). Only for files (standard input cannot be read twice), only when the
 * bar is shown; an estimate until it finishes. Aborted with the run.
 */
import { createReadStream } from 'node:fs';
import type { InputFormat } from './row.js';

export async function countRows(path: string, format: InputFormat, signal?: AbortSignal): Promise<number | null> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal === undefined ? {} : { signal }) });
  try {
    switch (format) {
      case 'ndjson':
        return await countLines(stream);
      case 'csv':
        return Math.max(0, (await countCsvRecords(stream)) - 1);
      case 'json':
        return await countJsonElements(stream);
    }
  } catch {
    return null;
  }
}

async function countLines(stream: AsyncIterable<Buffer>): Promise<number> {
  let count = 0;
  let blank = true;
  for await (const chunk of stream) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a) {
        if (!blank) count++;
        blank = true;
      } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) blank = false;
    }
  }
  return blank ? count : count + 1;
}

async function countCsvRecords(stream: AsyncIterable<Buffer>): Promise<number> {
  let count = 0;
  let quoted = false;
  let blank = true;
  for await (const chunk of stream) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x22) quoted = !quoted;
      if (!quoted && (b === 0x0a || b === 0x0d)) {
        if (!blank) count++;
        blank = true;
      } else if (b !== 0x20 && b !== 0x09) blank = false;
    }
  }
  return blank ? count : count + 1;
}

async function countJsonElements(stream: AsyncIterable<Buffer>): Promise<number> {
  let depth = 0;
  let inString = false;
  let escape = false;
  let count = 0;
  let pending = false; // an element has started at depth 1
  for await (const chunk of stream) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (inString) {
        if (escape) escape = false;
        else if (b === 0x5c) escape = true;
        else if (b === 0x22) inString = false;
        continue;
      }
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
      if (depth === 1 && !pending && b !== 0x2c && b !== 0x5d) pending = true;
      if (b === 0x22) inString = true;
      else if (b === 0x5b || b === 0x7b) depth++;
      else if (b === 0x5d || b === 0x7d) {
        depth--;
        if (depth === 0 && pending) {
          count++;
          pending = false;
        }
      } else if (b === 0x2c && depth === 1 && pending) {
        count++;
        pending = false;
      }
    }
  }
  return count;
}
