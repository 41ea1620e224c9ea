// The SQLite doc log's journal (server/store/sqlite/doc-journal.ts): appends
// land in an unindexed table and move into doc_updates in batches. A room's
// log is both, at every moment: before, during and after a move, after a
// compaction, after a removal, and across a reopen.
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { compactionStatements, readLog, swapMergedInParts } from '../../server/store/sqlite/compaction.ts';
import type { SqliteDocLog } from '../../server/store/sqlite/doc-log.ts';
import { drainJournalInParts, JOURNAL_MAX_ROWS, journalStatements } from '../../server/store/sqlite/doc-journal.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

/** Rows of each table, read on a connection of the test's own. */
function rows(dir: string): { journal: number; log: number } {
  const db = new DatabaseSync(path.join(dir, 'atelier.db'), { readOnly: true });
  try {
    const count = (table: string) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    return { journal: count('doc_journal'), log: count('doc_updates') };
  } finally {
    db.close();
  }
}

/** `n` keystrokes of one typist, each its own update. */
function keystrokes(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('prompt').insert(i, String.fromCharCode(97 + (i % 26)));
  return { doc, updates };
}

async function text(store: ReturnType<typeof openSqliteStore>, roomId: string): Promise<string> {
  const loaded = await store.docLog.load(roomId);
  const doc = new Y.Doc();
  if (loaded.update) Y.applyUpdate(doc, loaded.update);
  return doc.getText('prompt').toString();
}

describe('SQLite doc journal', () => {
  it('lands appends in the journal, loads them from there, and the thread moves them into doc_updates', async () => {
    const dir = tempDir();
    // No timed moves yet: what is appended stays in the journal until the thread is started below.
    const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 0 });
    const a = keystrokes(30);
    const b = keystrokes(10);
    await store.docLog.appendMany([
      { roomId: 'room-a', updates: a.updates.slice(0, 20) },
      { roomId: 'room-b', updates: b.updates },
    ]);
    await store.docLog.append('room-a', a.updates.slice(20));
    expect(rows(dir)).toEqual({ journal: 40, log: 0 });
    expect(await text(store, 'room-a')).toBe(a.doc.getText('prompt').toString());
    expect((await store.docLog.load('room-a')).entries).toBe(30);
    await store.close();

    const moving = openSqliteStore(dir, { checkpointMs: 0, journalMs: 20 });
    // close() moved it already; what is appended now is moved by the thread's timer.
    expect(rows(dir)).toEqual({ journal: 0, log: 40 });
    const c = keystrokes(5);
    await moving.docLog.append('room-c', c.updates);
    expect(rows(dir).journal).toBe(5);
    await waitFor(() => rows(dir).journal === 0, WAIT_BUDGET_MS, 'the thread moves the journal');
    expect(rows(dir).log).toBe(45);
    for (const [roomId, source] of [
      ['room-a', a],
      ['room-b', b],
      ['room-c', c],
    ] as const) {
      expect(await text(moving, roomId)).toBe(source.doc.getText('prompt').toString());
    }
    await moving.close();
  });

  it('without the thread, moves the journal itself once it passes JOURNAL_MAX_ROWS', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir, { checkpointMs: 0, thread: false });
    const { doc, updates } = keystrokes(JOURNAL_MAX_ROWS + 10);
    for (let i = 0; i < updates.length; i += 100) await store.docLog.append('room-a', updates.slice(i, i + 100));
    const { journal, log } = rows(dir);
    expect(journal).toBeLessThan(JOURNAL_MAX_ROWS);
    expect(journal + log).toBe(updates.length);
    expect(log).toBeGreaterThanOrEqual(JOURNAL_MAX_ROWS);
    expect(await text(store, 'room-a')).toBe(doc.getText('prompt').toString());
    await store.close();
  });

  it('moves a batch in parts of whole rooms: before each part, every room is wholly in one table', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 0 });
    const roomIds = ['room-a', 'room-b', 'room-c', 'room-d', 'room-e'];
    const typed = roomIds.map(() => keystrokes(30));
    // Three turns of every room: each room's rows lie between the others'.
    for (let turn = 0; turn < 3; turn++) {
      await store.docLog.appendMany(roomIds.map((roomId, i) => ({ roomId, updates: typed[i]!.updates.slice(turn * 10, turn * 10 + 10) })));
    }
    const db = new DatabaseSync(path.join(dir, 'atelier.db'));
    const perRoom = db.prepare(
      `SELECT room_id, sum(journal) AS journal, sum(log) AS log FROM (
         SELECT room_id, 1 AS journal, 0 AS log FROM doc_journal UNION ALL SELECT room_id, 0, 1 FROM doc_updates
       ) GROUP BY room_id`,
    );
    const seen: Array<Array<{ journal: number; log: number }>> = [];
    // 30 rows a room, parts of at most 70: a–b, c–d, e.
    const moved = drainJournalInParts(
      db,
      journalStatements(db),
      () => seen.push(perRoom.all() as Array<{ journal: number; log: number }>),
      70,
    );
    db.close();
    expect(moved).toBe(150);
    expect(seen.map((rooms) => rooms.filter((room) => room.log === 30).length)).toEqual([0, 2, 4]);
    for (const rooms of seen) for (const room of rooms) expect([room.journal, room.log].sort()).toEqual([0, 30]);
    expect(rows(dir)).toEqual({ journal: 0, log: 150 });
    for (const [i, roomId] of roomIds.entries()) expect(await text(store, roomId)).toBe(typed[i]!.doc.getText('prompt').toString());
    await store.close();
  });

  it('swaps a compaction in parts: the merge goes in first, then its rows go a part at a time, the room whole throughout', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 0 });
    const { doc, updates } = keystrokes(50);
    await store.docLog.append('room-a', updates);
    await store.docLog.append('room-b', keystrokes(3).updates);
    (store.docLog as SqliteDocLog).drainJournal();
    const db = new DatabaseSync(path.join(dir, 'atelier.db'));
    const statements = compactionStatements(db);
    const read = readLog(statements, 'room-a');
    const merged = Y.mergeUpdates(read.map((row) => row.data));
    const seen: Array<{ rows: number; text: string }> = [];
    // What a load would make of the room's rows at each moment: duplicates merge away.
    const now = () => {
      const rows = readLog(statements, 'room-a');
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.mergeUpdates(rows.map((row) => row.data)));
      seen.push({ rows: rows.length, text: copy.getText('prompt').toString() });
    };
    const result = swapMergedInParts(db, statements, 'room-a', read, merged, now, 20);
    expect(result.merged).toBe(50);
    // Before the merge goes in, then before each of three parts (20, 20, 10 rows): the merge and what is left.
    expect(seen.map((s) => s.rows)).toEqual([50, 51, 31, 11]);
    for (const { text } of seen) expect(text).toBe(doc.getText('prompt').toString());
    expect(readLog(statements, 'room-a').length).toBe(1);
    db.close();
    expect(await text(store, 'room-a')).toBe(doc.getText('prompt').toString());
    expect((await store.docLog.load('room-b')).entries).toBe(3);
    await store.close();
  });

  it('gives a swap in parts up, changing nothing, when another compactor took its rows first', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 0 });
    const { doc, updates } = keystrokes(10);
    await store.docLog.append('room-a', updates);
    (store.docLog as SqliteDocLog).drainJournal();
    const db = new DatabaseSync(path.join(dir, 'atelier.db'));
    const statements = compactionStatements(db);
    const read = readLog(statements, 'room-a');
    await store.docLog.compact('room-a');
    const result = swapMergedInParts(db, statements, 'room-a', read, Y.mergeUpdates(read.map((row) => row.data)), () => {}, 3);
    expect(result.merged).toBe(0);
    expect(readLog(statements, 'room-a').length).toBe(1);
    db.close();
    expect(await text(store, 'room-a')).toBe(doc.getText('prompt').toString());
    await store.close();
  });

  it('compacts journalled rows with the rest, and removes a room from both tables', async () => {
    for (const thread of [true, false]) {
      const dir = tempDir();
      const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 0, thread });
      const { doc, updates } = keystrokes(12);
      await store.docLog.append('room-a', updates.slice(0, 6));
      await store.docLog.append('room-a', updates.slice(6));
      await store.docLog.append('room-b', keystrokes(3).updates);
      const result = await store.docLog.compact('room-a');
      expect(result.merged).toBe(12);
      expect((await store.docLog.load('room-a')).entries).toBe(1);
      expect(await text(store, 'room-a')).toBe(doc.getText('prompt').toString());

      // Compacting room-a moved room-a's journalled rows only.
      expect(rows(dir)).toEqual({ journal: 3, log: 1 });
      await store.docLog.append('room-b', keystrokes(2).updates);
      expect(rows(dir).journal).toBe(5);
      await store.docLog.remove('room-b');
      expect((await store.docLog.load('room-b')).entries).toBe(0);
      expect(rows(dir)).toEqual({ journal: 0, log: 1 });
      await store.close();
    }
  });
});

describe('SQLite doc journal under moves', () => {
  it('loads every update appended so far while the thread keeps moving the journal', async () => {
    const dir = tempDir();
    // A check every millisecond: a move (after 8 checks) lands between a load's reads sooner or later.
    const store = openSqliteStore(dir, { checkpointMs: 0, journalMs: 1 });
    const { doc, updates } = keystrokes(400);
    const expected = doc.getText('prompt').toString();
    for (let i = 0; i < updates.length; i++) {
      await store.docLog.append('room-a', [updates[i]!]);
      const loaded = await store.docLog.load('room-a');
      const copy = new Y.Doc();
      Y.applyUpdate(copy, loaded.update!);
      expect(copy.getText('prompt').length).toBe(i + 1);
      // Give the thread a moment now and then.
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));
    }
    expect(await text(store, 'room-a')).toBe(expected);
    await store.close();
  });
});
