import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_KIND, JOURNAL_VERSION, journalResults, openJournal, readJournal, resumeVerdict } from '../../src/batch/journal.js';
import { UsageError } from '../../src/errors.js';
import type { Clock } from '../../src/util/clock.js';

/** A clock that only moves when told. */
function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async (ms) => void (now += Math.max(0, ms)), advance: (ms) => void (now += ms) };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apitest-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = { apitest: JOURNAL_KIND, version: JOURNAL_VERSION, fingerprint: 'fp1', createdAt: 1 } as const;
const hash = (i: number): string => `${String(i).padStart(4, '0')}${'ab'.repeat(30)}`;

describe('the journal', () => {
  test('entries are on the disk when append resolves, stamped by the clock; read back, the latest entry of a row counts', async () => {
    const path = join(dir, 'j');
    const clock = fakeClock();
    const journal = await openJournal(path, 'j', { header, truncateTo: 0 }, clock);
    await journal.append([{ i: 1, h: hash(1), ok: false, r: { index: 1, ok: false } }]);
    const afterFirst = (await readFile(path, 'utf8')).trim().split('\n');
    expect(afterFirst).toHaveLength(2);
    expect(JSON.parse(afterFirst[1] as string)).toMatchObject({ i: 1, ok: false, t: 1_000_000 });
    clock.advance(250);
    // Concurrent appends share one write and one flush (group commit), each resolves once durable.
    await Promise.all([journal.append([{ i: 2, h: hash(2), ok: true, r: { index: 2 } }]), journal.append([{ i: 1, h: hash(1), ok: true, r: { index: 1, ok: true } }])]);
    await journal.close();
    const state = await readJournal(path, 'j');
    expect(state?.header?.fingerprint).toBe('fp1');
    expect(state?.entries).toBe(3);
    expect(state?.latest.get(1)).toMatchObject({ ok: true, seq: 3 });
    expect(JSON.parse((await readFile(path, 'utf8')).trim().split('\n')[3] as string).t).toBe(1_000_250);
  });

  test('--resume: a recorded row is skipped, ok or failed; with --only-failed a failed one is sent; a changed row is sent', async () => {
    const path = join(dir, 'j');
    const journal = await openJournal(path, 'j', { header, truncateTo: 0 }, fakeClock());
    await journal.append([
      { i: 1, h: hash(1), ok: true, r: {} },
      { i: 2, h: hash(2), ok: false, r: {} },
    ]);
    await journal.close();
    const state = await readJournal(path, 'j');
    expect(resumeVerdict(state, 1, hash(1), false)).toBe('skip');
    expect(resumeVerdict(state, 2, hash(2), false)).toBe('skip');
    expect(resumeVerdict(state, 2, hash(2), true)).toBe('send');
    expect(resumeVerdict(state, 3, hash(3), false)).toBe('send');
    expect(resumeVerdict(state, 1, hash(9), false)).toBe('changed');
    expect(resumeVerdict(null, 1, hash(1), false)).toBe('send');
  });

  test('a last line cut off by a crash is ignored, and a resumed run cuts it off before it appends', async () => {
    const path = join(dir, 'j');
    await writeFile(path, `${JSON.stringify(header)}\n${JSON.stringify({ i: 1, h: hash(1), ok: true, t: 1, r: { index: 1 } })}\n{"i":2,"h":"00`);
    const state = await readJournal(path, 'j');
    expect(state).toMatchObject({ entries: 1, cutOff: true });
    const journal = await openJournal(path, 'j', { header: null, truncateTo: state!.validBytes }, fakeClock());
    await journal.append([{ i: 2, h: hash(2), ok: true, r: { index: 2 } }]);
    await journal.close();
    const again = await readJournal(path, 'j');
    expect(again).toMatchObject({ entries: 2, cutOff: false });
    expect((await readFile(path, 'utf8')).split('\n').filter((l) => l !== '')).toHaveLength(3);
    const replayed: string[] = [];
    for await (const line of journalResults(path, again!, (i) => i === 1 || i === 2)) replayed.push(line);
    expect(replayed).toEqual(['{"index":1}', '{"index":2}']);
  });

  test('a file that is not a journal, or broken in the middle, is refused; a missing one is null', async () => {
    expect(await readJournal(join(dir, 'none'), 'none')).toBeNull();
    const other = join(dir, 'other');
    await writeFile(other, '{"hello":1}\n');
    await expect(readJournal(other, 'other')).rejects.toThrow(UsageError);
    const broken = join(dir, 'broken');
    await writeFile(broken, `${JSON.stringify(header)}\nnot json\n`);
    await appendFile(broken, `${JSON.stringify({ i: 1, h: 'x', ok: true, t: 1, r: {} })}\n`);
    await expect(readJournal(broken, 'broken')).rejects.toThrow(/line 2/);
  });
});
