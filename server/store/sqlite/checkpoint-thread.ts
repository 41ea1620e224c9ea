// The checkpointer's thread: its own connection copies the WAL back into the
// database file, fsync included, so the event loop never waits for the disk.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const port = parentPort!;
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

function run(): void {
  try {
    // PASSIVE: never blocks the writer; frames appended meanwhile wait for the next round.
    const row = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    port.postMessage({ type: 'checkpointed', busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error).message });
  }
}

const timer = setInterval(run, intervalMs);
port.on('message', (message: 'run' | 'stop') => {
  if (message === 'run') return run();
  clearInterval(timer);
  db.close();
  port.close();
});
