// The write baton between the event loop's connection and the SQLite
// maintenance thread's: while the thread compacts a room's log in its write
// transactions, the event loop's appends wait for the baton instead of
// meeting SQLite's lock. With busy_timeout 0 on the event loop's connection,
// each time it met the lock its BEGIN would be refused SQLITE_BUSY (and asked
// again, database.ts untilUnlocked): the test counts the refusals.
import path from 'node:path';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { SqliteDocLog } from '../../server/store/sqlite/doc-log.ts';
import { SqliteMaintenance } from '../../server/store/sqlite/maintenance.ts';
import { shareWrites, WriteBaton } from '../../server/store/sqlite/write-baton.ts';
import { tempDir } from '../helpers/server.ts';

/** A room's log of `count` keystrokes, appended in batches, then moved out of the journal (doc-journal.ts). */
function keystrokes(log: SqliteDocLog, roomId: string, count: number): Y.Doc {
  const doc = new Y.Doc();
  const text = doc.getText('prompt');
  const batch: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => batch.push(update));
  for (let i = 0; i < count; i++) {
    text.insert(text.length, 'k');
    if (batch.length === 500 || i === count - 1) void log.append(roomId, batch.splice(0));
  }
  log.drainJournal();
  return doc;
}

describe('SQLite write baton', () => {
  it("keeps the event loop's appends from meeting the maintenance thread's write lock while it compacts", async () => {
    const file = path.join(tempDir(), 'atelier.db');
    const db = openDatabase(file);
    const maintenance = new SqliteMaintenance(file, { checkpointMs: 0, journalMs: 0 });
    shareWrites(db, maintenance.baton);
    const log = new SqliteDocLog(db, undefined, (roomId) => maintenance.compact(roomId));
    try {
      const big = keystrokes(log, 'big', 20_000);
      db.exec('PRAGMA busy_timeout = 0');
      let refused = 0;
      const exec = db.exec.bind(db);
      db.exec = (sql: string) => {
        try {
          exec(sql);
        } catch (err) {
          if (/locked|busy/i.test(String(err))) refused++;
          throw err;
        }
      };
      let settled = false;
      const compacted = log.compact('big').finally(() => (settled = true));
      // Appends every turn for as long as the thread works on the compaction (reading, merging, swapping).
      const other = new Y.Doc();
      let appends = 0;
      while (!settled) {
        other.getText('prompt').insert(0, 'x');
        await log.append('other', [Y.encodeStateAsUpdate(other)]);
        appends++;
        await nextTurn();
      }
      expect((await compacted).merged).toBe(20_000);
      expect(appends).toBeGreaterThan(0);
      expect(refused).toBe(0);
      const loaded = new Y.Doc();
      Y.applyUpdate(loaded, (await log.load('big')).update!);
      expect(loaded.getText('prompt').toString()).toBe(big.getText('prompt').toString());
      expect((await log.load('other')).entries).toBe(appends);
    } finally {
      await maintenance.stop();
      db.close();
    }
  });

  it("wakes a thread waiting for the other side's next write as soon as that write lets go of the baton", async () => {
    const baton = new WriteBaton();
    const waiter = new Worker(new URL('../helpers/baton-waiter.ts', import.meta.url), { workerData: { buffer: baton.buffer } });
    try {
      let woke = false;
      waiter.on('message', (message: string) => {
        if (message === 'woke') woke = true;
      });
      await once(waiter, 'message');
      // It may not be waiting yet when the first write ends: writes go on, a turn apart, until it wakes.
      let writes = 0;
      while (!woke) {
        baton.hold(() => writes++);
        await nextTurn();
      }
      expect(writes).toBeGreaterThan(0);
    } finally {
      await waiter.terminate();
    }
  });
});
