// What one small socket write costs the writer on this machine: the floor
// under every fan-out. A writer process sends 40-byte messages (a keystroke's
// size) round-robin to N loopback TCP connections held by a reader process
// that only counts bytes, at a fixed rate, and reports its own CPU (user and
// kernel) per write; then the same messages two to a write, as a fan-out
// that merged two keystrokes sends them. A server's delivery can cost no less
// than one such write.
//
//   npm run bench:write-floor -- [--connections 2000] [--rate 40000] [--seconds 4] [--rounds 5]
import { fork } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineCores, sampleMachine } from './peers/lib/machine-cpu.ts';

const MESSAGE_BYTES = 40;

interface RoundResult {
  perWrite: number;
  writes: number;
  frames: number;
  userPerWrite: number;
  systemPerWrite: number;
  readerPerFrame: number;
  otherCores: number;
}

/** The reader: connects, then reports its CPU and bytes whenever asked. */
function reader(port: number, connections: number): void {
  let bytes = 0;
  let open = 0;
  for (let i = 0; i < connections; i++) {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (++open === connections) process.send?.({ type: 'ready' });
    });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('error', () => {});
  }
  process.on('message', () => process.send?.({ type: 'usage', bytes, cpu: process.cpuUsage() }));
  process.on('disconnect', () => process.exit(0));
}

interface Usage {
  bytes: number;
  cpu: NodeJS.CpuUsage;
}

async function round(connections: number, rate: number, seconds: number, perWrite: number): Promise<RoundResult> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const child = fork(fileURLToPath(import.meta.url), ['--reader', String(port), String(connections)]);
  const next = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string } & T) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    });
  await next('ready');
  while (sockets.length < connections) await new Promise((resolve) => setTimeout(resolve, 10));
  const ask = () => {
    const answer = next<Usage>('usage');
    child.send('usage');
    return answer;
  };
  const message = Buffer.alloc(MESSAGE_BYTES * perWrite, 1);
  const readerBefore = await ask();
  const machineBefore = sampleMachine();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let writes = 0;
  let next_ = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - started;
      const due = Math.floor((elapsed / 1000) * (rate / perWrite));
      while (writes < due) {
        sockets[next_++ % connections]?.write(message);
        writes++;
      }
      // A timer, not setImmediate: the writer sleeps between bursts, as a server does, instead of spinning.
      if (elapsed < seconds * 1000) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = sampleMachine();
  // What is still in flight arrives; the reader's CPU is counted per frame it got.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const readerAfter = await ask();
  const frames = (readerAfter.bytes - readerBefore.bytes) / MESSAGE_BYTES;
  const readerCpu = readerAfter.cpu.user + readerAfter.cpu.system - readerBefore.cpu.user - readerBefore.cpu.system;
  const machine = machineCores(machineBefore, machineAfter);
  const ownCores = (cpu.user + cpu.system) / 1e6 / ((machineAfter.at - machineBefore.at) / 1000);
  const readerCores = readerCpu / 1e6 / ((machineAfter.at - machineBefore.at) / 1000);
  child.disconnect();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  return {
    perWrite,
    writes,
    frames,
    userPerWrite: cpu.user / writes,
    systemPerWrite: cpu.system / writes,
    readerPerFrame: readerCpu / Math.max(1, frames),
    otherCores: Math.max(0, machine - ownCores - readerCores),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const spread = (values: number[], digits = 2) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '40000' },
      seconds: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '5' },
    },
  });
  const connections = Number(values.connections);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  console.log(
    `write floor: ${MESSAGE_BYTES}-byte messages at ${rate}/s over ${connections} loopback connections, ${seconds} s × ${rounds} rounds; ` +
      `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const results = new Map<number, RoundResult[]>([
    [1, []],
    [2, []],
  ]);
  for (let r = 0; r < rounds; r++) {
    // Alternating order, so that drift in the machine's load is shared.
    for (const perWrite of r % 2 === 0 ? [1, 2] : [2, 1]) results.get(perWrite)?.push(await round(connections, rate, seconds, perWrite));
  }
  console.log(
    '| messages per write | writer CPU per write (µs) | of it kernel (µs) | writer CPU per message (µs) | reader CPU per message (µs) | rest of the machine (% of a core) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [perWrite, list] of results) {
    const total = list.map((x) => x.userPerWrite + x.systemPerWrite);
    console.log(
      `| ${perWrite} | ${spread(total)} | ${spread(list.map((x) => x.systemPerWrite))} | ${spread(total.map((t) => t / perWrite))} | ` +
        `${spread(list.map((x) => x.readerPerFrame))} | ${spread(
          list.map((x) => x.otherCores * 100),
          0,
        )} |`,
    );
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

if (process.argv[2] === '--reader') reader(Number(process.argv[3]), Number(process.argv[4]));
else await main();
