// A run that does not end is a finding too (a client spinning on a relayed
// message, a wait that never resolves). A timer on the main thread cannot fire
// while that thread spins, so a worker thread keeps the time: past the limit it
// says so and kills the server under fuzz and this process.
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const serverPids = [];
parentPort.on('message', (pid) => { serverPids.push(pid); });
setTimeout(() => {
  writeSync(1, workerData.message + '\\n');
  for (const pid of serverPids) try { process.kill(pid, 'SIGKILL'); } catch {}
  process.kill(workerData.pid, 'SIGKILL');
}, workerData.ms);
`;

export interface Watchdog {
  /** A server process to kill with this one (each node's, in scaled mode). */
  watch(serverPid: number): void;
}

export function startWatchdog(ms: number, message: string): Watchdog {
  const worker = new Worker(WATCHDOG, { eval: true, workerData: { ms, message, pid: process.pid } });
  // It must not keep a finished run alive.
  worker.unref();
  return { watch: (pid) => worker.postMessage(pid) };
}
