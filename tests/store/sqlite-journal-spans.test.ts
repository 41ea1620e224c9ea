// Where each room's journalled rows lie (server/store/sqlite/journal-spans.ts):
// a load reads its room's rowid range instead of the whole journal, and still
// finds every row, whoever appended it and whatever was moved or reused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { type Db, openDatabase } from '../../server/store/sqlite/database.ts';
import { journalStatements } from '../../server/store/sqlite/doc-journal.ts';
import { SqliteDocLog } from '../../server/store/sqlite/doc-log.ts';
import { JournalSpans } from '../../server/store/sqlite/journal-spans.ts';

function connections(n: number): Db[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-spans-'));
  const dbs = Array.from({ length: n }, () => openDatabase(path.join(dir, 'test.db')));
  onTestFinished(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return dbs;
}

/** One typist's keystrokes into the prompt, each its own update. */
function typing(text: string, clientId: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (const ch of text) doc.getText('prompt').insert(doc.getText('prompt').length, ch);
  return updates;
}

async function text(log: SqliteDocLog, roomId: string): Promise<string> {
  const { update } = await log.load(roomId);
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc.getText('prompt').toString();
}

describe('SQLite journal spans', () => {
  it('a load finds what another connection appended to the same room, and what it moved meanwhile', async () => {
    const [a, b] = connections(2) as [Db, Db];
    const here = new SqliteDocLog(a);
    const there = new SqliteDocLog(b);
    const ann = typing('abc', 1);
    const bob = typing('xy', 2);
    await here.append('room', ann.slice(0, 2));
    // Past the seqs this connection gave the room, and a room it never wrote.
    await there.append('room', bob);
    await there.append('fresh', typing('new', 5));
    expect((await here.load('room')).entries).toBe(4);
    expect(await text(here, 'fresh')).toBe('new');
    await here.append('room', ann.slice(2));
    expect((await here.load('room')).entries).toBe(5);
    // The other connection moves everything; seqs start again from 1 in the emptied journal.
    there.drainJournal();
    const cid = typing('q', 3);
    await there.append('other', cid);
    await there.append('room', typing('z', 4));
    const loaded = await here.load('room');
    expect(loaded.entries).toBe(6);
    expect(await text(here, 'other')).toBe('q');
  });

  it('a span outlives its rows and widens over seqs reused after the journal emptied', async () => {
    const [db] = connections(1) as [Db];
    const log = new SqliteDocLog(db);
    await log.append('gone', typing('abcd', 1));
    await log.append('kept', typing('hi', 2));
    await log.remove('gone');
    await log.remove('kept');
    // Empty again: the next rows take seqs 1, 2… that the removed rooms' spans still cover.
    await log.append('kept', typing('ok', 3));
    await log.append('gone', typing('back', 4));
    expect(await text(log, 'kept')).toBe('ok');
    expect(await text(log, 'gone')).toBe('back');
    expect(await text(log, 'never')).toBe('');
  });

  it('reads a room through the rowid, not by scanning the journal', () => {
    const [db] = connections(1) as [Db];
    journalStatements(db);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT seq, data FROM doc_journal WHERE seq BETWEEN ? AND ? AND room_id = ? ORDER BY seq')
      .all(1, 2, 'room')
      .map((row) => String(row.detail));
    expect(plan.join('\n')).toMatch(/SEARCH doc_journal USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    expect(journalStatements(db).selectRoom.sourceSQL).toContain('seq BETWEEN ? AND ?');
  });

  it('spans of rooms whose rows are gone are dropped once they pile up', () => {
    const [db] = connections(1) as [Db];
    const spans = new JournalSpans(db);
    const insert = db.prepare('INSERT INTO doc_journal (room_id, data) VALUES (?, ?)');
    spans.added('real', insert.run('real', new Uint8Array([0, 0])).lastInsertRowid);
    for (let i = 0; spans.size > 1 || i === 0; i++) {
      spans.added(`noted-${i}`, 1_000_000 + i);
      expect(i).toBeLessThan(10_000);
    }
    expect(spans.of('real')).toEqual({ first: 1, last: 1 });
    expect(spans.of('noted-0')).toBeUndefined();
  });
});
