// A bare WebSocket client for the Yjs endpoint that records frames and the
// close code, for sending hand-built (and hostile) frames.
import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';

export interface RawYjsSocket {
  ws: WebSocket;
  frames: Uint8Array[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(data: Uint8Array | string): void;
}

export function rawYjsSocket(url: string, path: string): RawYjsSocket {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path);
  const frames: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // A refused upgrade is an outcome the tests look at through `closed`.
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  onTestFinished(() => ws.terminate());
  return { ws, frames, opened, closed, send: (data) => ws.send(data) };
}
