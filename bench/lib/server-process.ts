// Starts the server in its own process for a benchmark, as `npm start` does
// (npm-start.ts): the same steps before it, the same Node flags.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { prepareNpmStart, ROOT } from './npm-start.ts';

const MAIN = path.join(ROOT, 'server/main.ts');
const PINO_ERROR = 50;

/** Limits a benchmark's own load must not trip (it creates many sessions from one IP). */
export const BENCH_SERVER_ENV = {
  SESSIONS_PER_MINUTE: '1000000',
  ROOMS_PER_MINUTE: '1000000',
  HTTP_REQUESTS_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
} as const;

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `main` is another checkout's server/main.ts, for a before/after of the same benchmark. */
export async function startServerProcess(env: Record<string, string> = {}, nodeArgs: string[] = [], main = MAIN): Promise<ServerProcess> {
  const dataDir = env.DATA_DIR ?? process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'atelier-bench-'));
  // Its own checkout's start: from there, as that checkout's `npm start` would.
  const root = path.resolve(path.dirname(main), '..');
  const child = spawn(process.execPath, [...prepareNpmStart(root), ...nodeArgs, main], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...BENCH_SERVER_ENV, ...env, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string; level?: number };
        if (entry.msg === 'atelier listening' && entry.url) resolve(entry.url);
        // An error of the server's during a run (a 500 while making rooms, say) is said, not lost with its log.
        if ((entry.level ?? 0) >= PINO_ERROR) process.stderr.write(`server: ${line}\n`);
      } catch {
        // ignore non-JSON output
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!env.DATA_DIR && !process.env.BENCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
