// The SQLite maintenance thread: its own connection does the work that would
// otherwise stall the event loop. WAL checkpoints (fsync included) on a timer,
// log compactions whole (read, merge, swap), and moving the doc log's journal
// into doc_updates on a timer (doc-journal.ts).
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { compactionStatements, readLog, swapMergedInParts } from './compaction.ts';
import { LOCK_WAIT_MS } from './database.ts';
import { drainJournalInParts, drainRoom, JOURNAL_MOVE_CHECKS, JOURNAL_MOVE_ROWS, journalSpan, journalStatements } from './doc-journal.ts';
import type { MaintenanceReply, MaintenanceRequest } from './maintenance.ts';
import { shareWrites, WriteBaton } from './write-baton.ts';

const { file, checkpointMs, journalMs, baton } = workerData as {
  file: string;
  checkpointMs: number;
  journalMs: number;
  baton: SharedArrayBuffer;
};
if (!parentPort) throw new Error('maintenance-thread.ts runs as a worker thread (maintenance.ts starts it)');
const port = parentPort;

// Yjs (with lib0) is loaded by the first compaction, the only work here that
// merges: a node whose rooms stay below the compaction threshold does not
// carry it in this thread (about 6 MB). require(), so that it loads there and
// then, synchronously, between two messages.
const require = createRequire(import.meta.url);
// mergeAll: Y.mergeUpdates in groups (a log's keystrokes merged at once cost n²).
let mergeUpdates: ((updates: readonly Uint8Array[]) => Uint8Array) | undefined;
function merge(updates: Uint8Array[]): Uint8Array {
  mergeUpdates ??= (require('../../../shared/merge-all.ts') as typeof import('../../../shared/merge-all.ts')).mergeAll;
  return mergeUpdates(updates);
}
const db = new DatabaseSync(file);
db.exec(`PRAGMA busy_timeout = ${LOCK_WAIT_MS}`);
// With timed checkpoints, this thread's are the only ones (the event loop's
// connection has its automatic ones off too, store.ts): SQLite's automatic
// checkpoint ran inside the COMMIT of this connection's own large
// transactions (a compaction's swap writes ~2,000 pages), while it held the
// write baton, so the loop's next commit waited for the copying and the fsync.
if (checkpointMs > 0) db.exec('PRAGMA wal_autocheckpoint = 0');
const writes = new WriteBaton(baton);
shareWrites(db, writes);
/** Longest wait for the event loop's next commit before a write of the thread's own (write-baton.ts afterNextRelease). */
const GAP_WAIT_MS = 25;
const inGap = (): void => writes.afterNextRelease(GAP_WAIT_MS);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const statements = compactionStatements(db);
const journal = journalStatements(db);

function reply(message: MaintenanceReply): void {
  port.postMessage(message);
}

function runCheckpoint(id: number | null): void {
  const startedAt = Date.now();
  try {
    // PASSIVE: never blocks the writer; frames appended meanwhile wait for the next round.
    const row = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    reply({ type: 'checkpointed', id, log: row.log, checkpointed: row.checkpointed, busy: row.busy !== 0, startedAt });
  } catch (err) {
    reply({ type: 'failed', id, message: (err as Error).message });
  }
}

/** Checks since the journal was last moved. */
let checks = 0;

/** Moves the journal once a batch pays off (doc-journal.ts): enough rows, or waited long enough. */
function moveJournal(): void {
  try {
    const rows = journalSpan(journal);
    if (rows === 0 || (rows < JOURNAL_MOVE_ROWS && ++checks < JOURNAL_MOVE_CHECKS)) return;
    checks = 0;
    // In parts, each in the gap after one of the event loop's commits (doc-journal.ts).
    drainJournalInParts(db, journal, inGap);
  } catch (err) {
    reply({ type: 'failed', id: null, message: `moving the doc journal: ${(err as Error).message}` });
  }
}

function compact(id: number, roomId: string): void {
  try {
    // Everything appended so far is merged: the room's journalled rows too.
    inGap();
    drainRoom(db, journal, roomId);
    const rows = readLog(statements, roomId);
    const bytes = rows.reduce((sum, row) => sum + row.data.byteLength, 0);
    if (rows.length < 2) {
      reply({ type: 'compacted', id, result: { merged: 0, bytesBefore: bytes, bytesAfter: bytes } });
      return;
    }
    const merged = merge(rows.map((row) => row.data));
    // In parts, each in the gap after one of the event loop's commits (compaction.ts).
    reply({ type: 'compacted', id, result: swapMergedInParts(db, statements, roomId, rows, merged, inGap) });
  } catch (err) {
    reply({ type: 'failed', id, message: (err as Error).message });
  }
}

const timer = checkpointMs > 0 ? setInterval(() => runCheckpoint(null), checkpointMs) : null;
const journalTimer = journalMs > 0 ? setInterval(moveJournal, journalMs) : null;
port.on('message', (request: MaintenanceRequest) => {
  switch (request.type) {
    case 'checkpoint':
      return runCheckpoint(request.id);
    case 'compact':
      return compact(request.id, request.roomId);
    case 'stop':
      if (timer) clearInterval(timer);
      if (journalTimer) clearInterval(journalTimer);
      db.close();
      port.close();
      return;
  }
});
