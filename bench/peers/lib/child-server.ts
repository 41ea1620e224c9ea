// Starts a peer's server script in its own Node process and waits for the
// JSON line it prints once listening: {"listening": "http://127.0.0.1:PORT"}.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RunningServer } from '../system.ts';

export function announceListening(url: string): void {
  process.stdout.write(`${JSON.stringify({ listening: url })}\n`);
}

export async function startChildServer(entry: string, nodeArgs: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const message = JSON.parse(line) as { listening?: string };
        if (message.listening) resolve(message.listening);
      } catch {
        // not ours
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
