// LIVE_HEAP_PROFILE_DIR=DIR: where the server's main thread allocates over a
// run's measured window, collected objects included (V8's sampling heap
// profiler through the inspector protocol, with
// includeObjectsCollectedByMinorGC/MajorGC: what a scavenge's count follows,
// not only what is left at the end). The server listens for the inspector on
// INSPECT_PORT; each window's profile is written as DIR/NAME.heapprofile
// (Chrome DevTools opens it) and summarised by allocating function.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';

export const INSPECT_PORT = 9339;
export const INSPECT_NODE_ARGS = [`--inspect=127.0.0.1:${INSPECT_PORT}`];

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

export interface HeapSampling {
  /** Stops, writes the profile and returns the top allocating frames (self bytes). */
  stop(): Promise<Array<{ frame: string; bytes: number }>>;
}

export async function startHeapSampling(dir: string, name: string): Promise<HeapSampling> {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECT_PORT}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const target = targets[0]?.webSocketDebuggerUrl;
  if (!target) throw new Error('no inspector target');
  const ws = new WebSocket(target);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const mine = ++id;
      waiting.set(mine, resolve);
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
      ws.close();
      writeFileSync(path.join(dir, `${name}.heapprofile`), JSON.stringify(profile));
      const bytes = new Map<string, number>();
      const walk = (node: ProfileNode) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const frame = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(server|shared|node_modules)\//, '$1/')}:${lineNumber + 1}`;
        bytes.set(frame, (bytes.get(frame) ?? 0) + node.selfSize);
        for (const child of node.children) walk(child);
      };
      walk(profile.head);
      return [...bytes].map(([frame, b]) => ({ frame, bytes: b })).sort((a, b) => b.bytes - a.bytes);
    },
  };
}
