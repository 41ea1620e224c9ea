// The SQLite maintenance thread: WAL checkpoints reach the database file
// without the event loop running one, the WAL is reused rather than growing, a
// clean close leaves it empty, and the store's compactions run there (their
// merges on a worker of its own, at the lowest priority).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CheckpointResult } from '../../server/store/sqlite/maintenance.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { BACKGROUND_NICE } from '../../server/store/thread-priority.ts';
import { tempDir, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const size = (file: string) => statSync(file).size;

/** The nice value of each of this process's threads (field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count from after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** About 600 KB of updates in 60 transactions: well under SQLite's own 1,000-page checkpoint. */
async function appendSome(store: ReturnType<typeof openSqliteStore>, roomId: string, rounds = 60) {
  const doc = new Y.Doc();
  for (let i = 0; i < rounds; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getText('prompt').insert(0, 'x'.repeat(10_000));
    await store.docLog.append(roomId, [Y.encodeStateAsUpdate(doc, before)]);
  }
  return doc;
}

describe('SQLite maintenance thread', () => {
  it('copies the WAL into the database file from its own thread, and leaves an empty WAL on close', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'atelier.db');
    const store = openSqliteStore(dir, { checkpointMs: 50 });
    const initial = size(db);
    const doc = await appendSome(store, 'room-a');
    // Automatic checkpoints are off in the main connection, so only the thread can grow the file.
    await waitFor(() => size(db) > initial + 500_000, WAIT_BUDGET_MS, 'database file receives the WAL');
    const loaded = await store.docLog.load('room-a');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.update!);
    expect(copy.getText('prompt').toString()).toBe(doc.getText('prompt').toString());
    await store.close();
    // Truncated, then removed by SQLite as the last connection closes.
    expect(existsSync(`${db}-wal`) ? size(`${db}-wal`) : 0).toBe(0);

    const reopened = openSqliteStore(dir, { checkpointMs: 50 });
    const again = new Y.Doc();
    Y.applyUpdate(again, (await reopened.docLog.load('room-a')).update!);
    expect(again.getText('prompt').length).toBe(600_000);
    await reopened.close();
  });

  it('keeps the WAL from growing without end: once checkpointed it is written from the start again', async () => {
    const dir = tempDir();
    const wal = path.join(dir, 'atelier.db-wal');
    // No journal moves (doc-journal.ts): each would write the burst to the WAL a second time, at its own moment.
    const checkpoints: CheckpointResult[] = [];
    const store = openSqliteStore(dir, { checkpointMs: 20, journalMs: 0, onCheckpoint: (c) => checkpoints.push(c) });
    let oneBurst = 0;
    let largest = 0;
    for (let round = 0; round < 8; round++) {
      await appendSome(store, `room-${round}`, 20);
      const burstDone = Date.now();
      if (round === 0) oneBurst = size(wal);
      largest = Math.max(largest, size(wal));
      // A timed checkpoint begun after the burst that copied all of the WAL: only then may the
      // next burst's writer restart the log. However slow the machine, it has to come.
      await waitFor(
        () => checkpoints.some((c) => c.startedAt > burstDone && c.log > 0 && c.checkpointed === c.log),
        WAIT_BUDGET_MS,
        `a timed checkpoint of burst ${round}`,
      );
    }
    // Without checkpoints the WAL would hold all eight bursts.
    expect(largest).toBeLessThan(3 * oneBurst);
    await store.close();
  });

  it('compacts the store’s logs on the thread, and a store without it compacts the same way here', async () => {
    for (const thread of [true, false]) {
      const store = openSqliteStore(tempDir(), { checkpointMs: 0, thread });
      const doc = await appendSome(store, 'room-a', 5);
      const result = await store.docLog.compact('room-a');
      expect(result.merged).toBe(5);
      const loaded = await store.docLog.load('room-a');
      expect(loaded.entries).toBe(1);
      const copy = new Y.Doc();
      Y.applyUpdate(copy, loaded.update!);
      expect(copy.getText('prompt').toString()).toBe(doc.getText('prompt').toString());
      await store.close();
    }
  });

  it.skipIf(process.platform !== 'linux')(
    'merges on a thread of its own at the lowest priority, which only a compaction starts',
    async () => {
      const store = openSqliteStore(tempDir(), { checkpointMs: 0 });
      const lowest = () => threadNices().filter((nice) => nice === BACKGROUND_NICE).length;
      const doc = await appendSome(store, 'room-a', 5);
      await store.docLog.load('room-a');
      expect(lowest()).toBe(0);
      expect((await store.docLog.compact('room-a')).merged).toBe(5);
      expect(lowest()).toBe(1);
      const copy = new Y.Doc();
      Y.applyUpdate(copy, (await store.docLog.load('room-a')).update!);
      expect(copy.getText('prompt').toString()).toBe(doc.getText('prompt').toString());
      await store.close();
    },
  );

  it('checkpoints only on its timer: its own large commits (a journal move) never run one inside them', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'atelier.db');
    // No timed checkpoint within the test; the thread moves the journal every 20 ms.
    const store = openSqliteStore(dir, { checkpointMs: 60_000, journalMs: 20 });
    const initial = size(db);
    // ~5 MB appended: the move writes it again, well past SQLite's automatic checkpoint at 1,000 pages.
    await appendSome(store, 'room-a', 500);
    const journal = new DatabaseSync(db, { readOnly: true });
    const journalRows = () => Number((journal.prepare('SELECT count(*) AS n FROM doc_journal').get() as { n: number }).n);
    await waitFor(() => journalRows() === 0, WAIT_BUDGET_MS, 'the thread moves the journal');
    journal.close();
    // The thread answers one request at a time: once this compaction (more commits of its own) is answered,
    // whatever its commits and the move's would have run has run.
    await store.docLog.compact('room-a');
    expect(size(db)).toBe(initial);
    await store.close();
  });

  it('with SQLITE_CHECKPOINT_MS=0 leaves checkpoints to SQLite (nothing is copied below its threshold)', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'atelier.db');
    const store = openSqliteStore(dir, { checkpointMs: 0 });
    const initial = size(db);
    await appendSome(store, 'room-a');
    await new Promise((r) => setTimeout(r, 200));
    expect(size(db)).toBe(initial);
    await store.close();
  });
});
