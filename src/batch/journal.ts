/**
 * The journal: what makes a batch resumable. An append-only NDJSON file — one header line, then one line per
 * finished row — written and flushed to the disk (fdatasync) BEFORE the row counts as done (before its result line
 * is written and it is counted in the summary). Rows that finish together share one write and one flush (group
 * commit), so the journal costs one flush per burst of rows, not one per row.
 *
 *   {"apitest":"batch-journal","version":1,"fingerprint":"…","createdAt":…}
 *   {"i":12,"h":"<row hash>","ok":true,"t":…,"r":{…the row's result line…}}
 *
 * Reading it back (`--resume`): the latest entry of each row number counts; an entry applies only to a row with
 * the same hash (same position and content: an input that changed under the journal is re-sent); a last line cut
 * off by a crash (SIGKILL, power loss) is ignored; a header whose fingerprint (the request templates) differs from
 * this run's is refused, since the rows it records were sent as other requests.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { boundedLines, LineTooLongError } from '../files/bounded-lines.js';
import { MAX_ROW_BYTES } from './row.js';
import { WriteError } from '../files/output-target.js';
import type { Clock } from '../util/clock.js';

export const JOURNAL_KIND = 'batch-journal';
export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  readonly apitest: typeof JOURNAL_KIND;
  readonly version: number;
  /** Of the request templates and grouping (see batch/fingerprint): rows sent as other requests are not resumed. */
  readonly fingerprint: string;
  readonly createdAt: number;
}

export interface JournalEntry {
  /** Row number. */
  readonly i: number;
  /** Row hash (idempotency-key.ts rowHash). */
  readonly h: string;
  readonly ok: boolean;
  /** When it was recorded (epoch ms). */
  readonly t: number;
  /** The row's result line. */
  readonly r: unknown;
}

/** Latest entry per row: a hash prefix (enough with the row number to tell an input changed) and whether it was ok. */
export interface Recorded {
  readonly h: string;
  readonly ok: boolean;
  /** Entry number in the file (the latest wins). */
  readonly seq: number;
}

export interface JournalState {
  readonly header: JournalHeader | null;
  readonly latest: ReadonlyMap<number, Recorded>;
  readonly entries: number;
  /** The last line was cut off (a crash while writing it): ignored. */
  readonly cutOff: boolean;
  /** Where the complete lines end: a resumed run cuts the file there (the cut-off line goes) before it appends. */
  readonly validBytes: number;
}

const HASH_PREFIX = 16;

/** null when the file does not exist. */
export async function readJournal(path: string, shown: string): Promise<JournalState | null> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new UsageError(`--journal: cannot read ${JSON.stringify(shown)}: ${error.message}`);
  });
  if (info === null) return null;
  if (!info.isFile()) throw new UsageError(`--journal: ${JSON.stringify(shown)} is not a regular file`, { hint: 'give a file path for the journal' });
  let header: JournalHeader | null = null;
  const latest = new Map<number, Recorded>();
  let entries = 0;
  let cutOff = false;
  let lineNo = 0;
  let pendingBad: number | null = null;
  let lastLine = '';
  try {
    for await (const line of lines(path)) {
      lineNo++;
      lastLine = line;
      if (line.trim() === '') continue;
      if (pendingBad !== null) throw corrupt(shown, pendingBad);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // Only the last line may be cut off (by a crash): anything else is not a journal apitest wrote.
        pendingBad = lineNo;
        continue;
      }
      if (header === null) {
        header = checkHeader(value, shown);
        continue;
      }
      const entry = value as Partial<JournalEntry>;
      if (typeof entry !== 'object' || entry === null || typeof entry.i !== 'number' || typeof entry.h !== 'string' || typeof entry.ok !== 'boolean') throw corrupt(shown, lineNo);
      entries++;
      latest.set(entry.i, { h: entry.h.slice(0, HASH_PREFIX), ok: entry.ok, seq: entries });
    }
  } catch (error) {
    if (error instanceof LineTooLongError) throw corrupt(shown, error.line);
    throw error;
  }
  if (pendingBad !== null) {
    if (header === null) throw corrupt(shown, pendingBad);
    cutOff = true;
  }
  const endsWithNewline = info.size === 0 || (await lastByte(path)) === 0x0a;
  if (cutOff && endsWithNewline) throw corrupt(shown, pendingBad ?? lineNo);
  const validBytes = cutOff ? info.size - Buffer.byteLength(lastLine, 'utf8') : endsWithNewline ? info.size : info.size - Buffer.byteLength(lastLine, 'utf8');
  return { header, latest, entries, cutOff, validBytes };
}

function checkHeader(value: unknown, shown: string): JournalHeader {
  const h = value as Partial<JournalHeader>;
  if (typeof h !== 'object' || h === null || h.apitest !== JOURNAL_KIND || typeof h.fingerprint !== 'string') {
    throw new UsageError(`--journal: ${JSON.stringify(shown)} is not an apitest batch journal`, { hint: 'give another path for the journal (apitest never overwrites a file it did not write)' });
  }
  if (h.version !== JOURNAL_VERSION) throw new UsageError(`--journal: ${JSON.stringify(shown)} is a journal of version ${String(h.version)}; this apitest reads version ${JOURNAL_VERSION}`);
  return h as JournalHeader;
}

function corrupt(shown: string, line: number): UsageError {
  return new UsageError(`--journal: ${JSON.stringify(shown)}: line ${line} is not a journal entry`, { hint: 'the journal was changed by hand, or is not apitest\'s; give another --journal' });
}

/** A journal line is a header or an entry, far shorter than a row: one longer than a row is not a journal's. */
function lines(path: string): AsyncIterable<string> {
  return boundedLines(path, MAX_ROW_BYTES, 256 * 1024);
}

async function lastByte(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0] as number;
  } finally {
    await handle.close();
  }
}

/** What `--resume` does with a row. */
export type ResumeVerdict = 'send' | 'skip' | 'changed';

/**
 * `--resume`: a row whose latest entry has its hash is done and skipped — whether it succeeded or failed (a failed
 * row got its answer; `--only-failed` re-sends those). With `--only-failed`, only rows recorded ok are skipped: the
 * failed ones are what that run is for. A row whose entry has another hash (the input changed there) is sent.
 */
export function resumeVerdict(state: JournalState | null, index: number, hash: string, onlyFailed: boolean): ResumeVerdict {
  const entry = state?.latest.get(index);
  if (entry === undefined) return 'send';
  if (entry.h !== hash.slice(0, HASH_PREFIX)) return 'changed';
  if (onlyFailed && !entry.ok) return 'send';
  return 'skip';
}

/**
 * The result lines of the rows a resumed run skips (the latest entry of each, in journal order), to write them
 * again into this run's results: after a resume, the results hold every row once.
 */
export async function* journalResults(path: string, state: JournalState, skipped: (index: number) => boolean): AsyncGenerator<string> {
  let seq = 0;
  let first = true;
  for await (const line of lines(path)) {
    if (line.trim() === '') continue;
    if (first) {
      first = false;
      continue;
    }
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue; // the cut-off last line
    }
    seq++;
    if (state.latest.get(entry.i)?.seq === seq && skipped(entry.i)) yield JSON.stringify(entry.r);
  }
}

/** An entry to append: its result line as a value (`r`), or already serialized as JSON (`rJson`, written as is). */
export type JournalAppend = Omit<JournalEntry, 't' | 'r'> & ({ readonly r: unknown; readonly rJson?: undefined } | { readonly rJson: string; readonly r?: undefined });

export interface JournalWriter {
  /** Appends entries and flushes them to the disk; resolves once they are durable. */
  append(entries: ReadonlyArray<JournalAppend>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the journal for appending (creating it with `header` when new; cut to `truncateTo` bytes first). Every append resolves only after the data
 * is written and flushed (fdatasync): a row counts as done only then.
 */
export async function openJournal(path: string, shown: string, opts: { header: JournalHeader | null; truncateTo: number | null }, clock: Clock): Promise<JournalWriter> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'a', 0o644);
    // A new run starts an empty file; a resumed one drops a line cut off by a crash.
    if (opts.truncateTo !== null && (await handle.stat()).size > opts.truncateTo) await handle.truncate(opts.truncateTo);
  } catch (error) {
    throw new UsageError(`--journal: cannot write ${JSON.stringify(shown)}: ${(error as Error).message}`, { hint: 'choose a path you can write to' });
  }
  let queue: Array<{ text: string; done: () => void; fail: (e: Error) => void }> = [];
  let flushing: Promise<void> | null = null;
  let broken: Error | null = null;
  const writeDurably = async (text: string): Promise<void> => {
    try {
      await handle.write(text);
      await handle.datasync();
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new WriteError(`--journal: cannot write ${JSON.stringify(shown)}: ${e.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : e.message}`, {
        code: e.code ?? 'EWRITE',
        hint: 'free some space, then run again with --resume: the rows recorded so far are kept',
        cause: e,
      });
    }
  };
  const flushLoop = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        if (broken !== null) throw broken;
        await writeDurably(batch.map((b) => b.text).join(''));
        for (const b of batch) b.done();
      } catch (error) {
        broken = error as Error;
        for (const b of batch) b.fail(broken);
      }
    }
    flushing = null;
  };
  const prefix = opts.header === null ? '' : `${JSON.stringify(opts.header)}\n`;
  if (prefix !== '') await writeDurably(prefix);
  return {
    append(entries) {
      if (entries.length === 0) return Promise.resolve();
      const t = clock.now();
      // The same bytes as JSON.stringify({ i, h, ok, t, r }); a result line serialized once serves the journal and the results.
      const text = entries.map((e) => (e.rJson === undefined ? `${JSON.stringify({ i: e.i, h: e.h, ok: e.ok, t, r: e.r })}\n` : `{"i":${JSON.stringify(e.i)},"h":${JSON.stringify(e.h)},"ok":${JSON.stringify(e.ok)},"t":${JSON.stringify(t)},"r":${e.rJson}}\n`)).join('');
      return new Promise<void>((done, fail) => {
        queue.push({ text, done, fail });
        flushing ??= flushLoop();
      });
    },
    async close() {
      while (flushing !== null) await flushing;
      await handle.close().catch(() => undefined);
    },
  };
}
