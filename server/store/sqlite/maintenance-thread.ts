// The SQLite maintenance thread: its own connection does the work that would
// otherwise stall the event loop. WAL checkpoints (fsync included) on a timer,
// log compactions (read, merge on a worker of its own, swap), and moving the doc log's journal
// into doc_updates on a timer (doc-journal.ts).
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { compactionStatements, readLog, swapMergedInParts } from './compaction.ts';
import { LOCK_WAIT_MS } from './database.ts';
import { drainJournalInParts, drainRoom, JOURNAL_MOVE_CHECKS, JOURNAL_MOVE_ROWS, journalSpan, journalStatements } from './doc-journal.ts';
import { MergeWorker } from '../merge.ts';
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

// Merges go to a worker of this thread's own, at the lowest scheduling
// priority (merge-thread.ts): a hot room's compaction merges ~2,000 keystrokes
// (~20 ms of CPU, and loading Yjs the first time), which at this thread's
// priority took a core from the event loop or the clients for that long. This
// thread keeps its priority: it holds the write baton, and the loop waits for it.
// The worker starts with the first compaction: a node whose rooms stay below
// the threshold carries neither it nor Yjs.
const merger = new MergeWorker();
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

/** Compactions under way (merging meanwhile): stop waits for them. */
const compacting = new Set<Promise<void>>();

async function compact(id: number, roomId: string): Promise<void> {
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
    // Meanwhile this thread goes on with its timers and other requests; the
    // swap changes nothing if another compactor took any of these rows.
    const merged = await merger.merge(rows.map((row) => row.data));
    // In parts, each in the gap after one of the event loop's commits (compaction.ts).
    reply({ type: 'compacted', id, result: swapMergedInParts(db, statements, roomId, rows, merged, inGap) });
  } catch (err) {
    reply({ type: 'failed', id, message: (err as Error).message });
  }
}

function startCompaction(id: number, roomId: string): void {
  const running = compact(id, roomId).finally(() => compacting.delete(running));
  compacting.add(running);
}

const timer = checkpointMs > 0 ? setInterval(() => runCheckpoint(null), checkpointMs) : null;
const journalTimer = journalMs > 0 ? setInterval(moveJournal, journalMs) : null;
port.on('message', (request: MaintenanceRequest) => {
  switch (request.type) {
    case 'checkpoint':
      return runCheckpoint(request.id);
    case 'compact':
      return startCompaction(request.id, request.roomId);
    case 'stop':
      if (timer) clearInterval(timer);
      if (journalTimer) clearInterval(journalTimer);
      // Compactions under way finish first, as when this thread did them in one go.
      void Promise.allSettled(compacting)
        .then(() => merger.close())
        .finally(() => {
          db.close();
          port.close();
        });
      return;
  }
});
