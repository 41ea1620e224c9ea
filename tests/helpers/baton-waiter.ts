// A worker thread that waits for the other side's next release of a write
// baton (write-baton.ts afterNextRelease), as the SQLite maintenance thread
// does before its writes, and says when it woke.
import { parentPort, workerData } from 'node:worker_threads';
import { WriteBaton } from '../../server/store/sqlite/write-baton.ts';

const baton = new WriteBaton(workerData.buffer as SharedArrayBuffer);
parentPort?.postMessage('waiting');
// Far longer than any test: only a release ends it in time.
baton.afterNextRelease(10 * 60_000);
parentPort?.postMessage('woke');
