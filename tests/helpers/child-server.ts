// A server in its own process (`node server/main.ts`), for kill -9 and restart tests.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import { fillStrippedCache } from '../../server/stripped/cache.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'server/main.ts');
const HOOKS = path.join(ROOT, 'server/stripped/hooks.js');

let stripped = false;

/**
 * As `npm start` runs it: the sources' types stripped ahead of time (once per test file; quick once cached) and
 * served by the hooks, so that each child and each of its threads does not strip ~340 files again as it loads
 * (about 0.7 s of CPU a start on this machine). A caller's own NODE_OPTIONS replaces the hooks.
 */
function strippedStart(): string {
  if (!stripped) {
    fillStrippedCache([path.join(ROOT, 'server'), path.join(ROOT, 'shared')]);
    stripped = true;
  }
  return [process.env.NODE_OPTIONS, `--import=${HOOKS}`].filter(Boolean).join(' ');
}

export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Log lines (JSON parsed when possible) printed so far. */
  logs: unknown[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_OPTIONS: strippedStart(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: unknown[] = [];
  // 'close', not 'exit': the last log lines may still be in the pipe when the process exits.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: unknown = line;
      try {
        entry = JSON.parse(line);
      } catch {
        // not JSON: keep the raw line
      }
      logs.push(entry);
      const record = entry as { msg?: string; url?: string };
      if (record.msg === 'atelier listening' && record.url) resolve(record.url);
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url,
    process: child,
    logs,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
