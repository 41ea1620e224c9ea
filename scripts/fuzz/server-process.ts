// The server under fuzz, in a process of its own (`node server/main.ts` on
// port 0): a crash is the process exiting (an unhandled rejection or an
// exception exits Node), its memory is its own RSS, and its error log lines
// are read from stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = path.resolve(import.meta.dirname, '../../server/main.ts');
/** Pino's level numbers: error and fatal. */
const ERROR_LEVEL = 50;

export interface ErrorLine {
  msg: string;
  err: string | undefined;
  handler: string | undefined;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Error-level log lines, in order. */
  errors: ErrorLine[];
  /** Set once the process has exited (a crash, during a run). */
  exit: { code: number | null; signal: string | null; stderr: string } | undefined;
  /** Resident memory in bytes, from /proc (undefined where there is no /proc). */
  rss(): number | undefined;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-fuzz-'));
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // The fuzzer makes many sessions and rooms from one address; message limits stay as shipped.
      SESSIONS_PER_MINUTE: '100000',
      ROOMS_PER_MINUTE: '100000',
      HTTP_REQUESTS_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the server');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const errors: ErrorLine[] = [];
  const exited = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      proc.exit = { code, signal, stderr };
      resolve();
    }),
  );
  const proc: ServerProcess = {
    url: '',
    pid,
    errors,
    exit: undefined,
    rss: () => readRss(pid),
    async stop() {
      if (!proc.exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  proc.url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const entry = parseLine(line);
      if (!entry) return;
      if (entry.msg === 'atelier listening' && typeof entry.url === 'string') resolve(entry.url);
      if (typeof entry.level === 'number' && entry.level >= ERROR_LEVEL) {
        errors.push({
          msg: String(entry.msg),
          err: errMessage(entry.err),
          handler: typeof entry.handler === 'string' ? entry.handler : undefined,
        });
      }
    });
    void exited.then(() => reject(new Error(`server exited before listening: ${stderr}`)));
  });
  return proc;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function errMessage(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, message } = err as { type?: unknown; message?: unknown };
  return `${String(type ?? 'Error')}: ${String(message ?? '')}`.slice(0, 300);
}

function readRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
