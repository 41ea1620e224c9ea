// What a Socket.IO handshake costs the server: raw Engine.IO clients open a
// WebSocket, connect to the default namespace with a session token, and close,
// over and over, from a process of their own. Each round reports handshakes per
// second, the server's CPU time per handshake (µs, from /proc), the latency of
// one handshake, and the CPU the rest of the machine used meanwhile (the machine
// is shared: other processes' load is part of the picture).
//
//   npm run bench:handshake [-- --rounds 5 --seconds 5 --clients 16 --sessions 200 --main path/to/server/main.ts]
//
// `--main` runs another checkout's server (e.g. the commit before sessions) for
// a before/after comparison with the same load.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { machineCores, sampleMachine } from './peers/lib/machine-cpu.ts';
import { machine, sampleProcess } from './lib/proc-stats.ts';
import { BENCH_SERVER_ENV } from './lib/server-process.ts';
import { summarize } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '16' },
    sessions: { type: 'string', default: '200' },
    main: { type: 'string', default: path.resolve(import.meta.dirname, '../server/main.ts') },
  },
});

interface Round {
  handshakesPerSecond: number;
  serverMicrosPerHandshake: number;
  serverCores: number;
  generatorCores: number;
  restOfMachineCores: number;
  latencyMs: { p50: number; p99: number };
}

const server = await startServer(values.main);
try {
  const tokens = await sessions(server.url, Number(values.sessions));
  await round(server, tokens, 2); // warm-up: JIT, caches
  const rounds: Round[] = [];
  for (let i = 0; i < Number(values.rounds); i++) rounds.push(await round(server, tokens, Number(values.seconds)));
  const median = (pick: (r: Round) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return {
      median: +(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(2),
      min: +(sorted[0] ?? NaN).toFixed(2),
      max: +(sorted.at(-1) ?? NaN).toFixed(2),
    };
  };
  const report = {
    machine: machine(),
    server: values.main,
    clients: Number(values.clients),
    sessions: Number(values.sessions),
    rounds: `${rounds.length} × ${values.seconds} s`,
    serverMicrosPerHandshake: median((r) => r.serverMicrosPerHandshake),
    handshakesPerSecond: median((r) => r.handshakesPerSecond),
    latencyP50Ms: median((r) => r.latencyMs.p50),
    latencyP99Ms: median((r) => r.latencyMs.p99),
    serverCores: median((r) => r.serverCores),
    generatorCores: median((r) => r.generatorCores),
    restOfMachineCores: median((r) => r.restOfMachineCores),
    each: rounds,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await server.stop();
}

async function startServer(main: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-handshake-'));
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...BENCH_SERVER_ENV, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'atelier listening' && entry.url) resolve(entry.url);
      } catch {
        // not a log line
      }
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function sessions(url: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens;
}

/** One connect-to-namespace handshake; resolves with its duration in ms. */
function handshake(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text[0] === '0') ws.send(`40${JSON.stringify({ token })}`);
      else if (text.startsWith('40')) {
        const took = performance.now() - started;
        ws.close();
        resolve(took);
      } else if (text.startsWith('44')) {
        ws.terminate();
        reject(new Error(`handshake refused: ${text}`));
      }
    });
  });
}

async function round(target: { url: string; pid: number }, tokens: string[], seconds: number): Promise<Round> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const serverBefore = sampleProcess(target.pid);
  const machineBefore = sampleMachine();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Number(values.clients) }, async () => {
      while (performance.now() < deadline) {
        const token = tokens[next++ % tokens.length] ?? '';
        latencies.push(await handshake(target.url, token));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const serverAfter = sampleProcess(target.pid);
  const machineAfter = sampleMachine();
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = serverAfter.cpuSeconds - serverBefore.cpuSeconds;
  const serverCores = serverCpu / elapsed;
  const generatorCores = (cpu.user + cpu.system) / 1e6 / elapsed;
  const summary = summarize(latencies);
  return {
    handshakesPerSecond: +(latencies.length / elapsed).toFixed(0),
    serverMicrosPerHandshake: +((serverCpu * 1e6) / latencies.length).toFixed(0),
    serverCores: +serverCores.toFixed(2),
    generatorCores: +generatorCores.toFixed(2),
    restOfMachineCores: +Math.max(0, machineCores(machineBefore, machineAfter) - serverCores - generatorCores).toFixed(2),
    latencyMs: { p50: +summary.p50.toFixed(2), p99: +summary.p99.toFixed(2) },
  };
}
