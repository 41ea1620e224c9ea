// A bare y-websocket protocol client: sends pre-encoded sync frames and counts
// the sync frames it receives.
import { WebSocket } from 'ws';

export interface RawYwsClient {
  received: number;
  sendSync(roomId: string, message: Uint8Array): void;
  close(): void;
}

export function connectRawYws(url: string, token: string, roomId: string): Promise<RawYwsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${roomId}?token=${encodeURIComponent(token)}`);
    const client: RawYwsClient = {
      received: 0,
      sendSync(_room, message) {
        if (ws.readyState !== WebSocket.OPEN) return;
        const frame = new Uint8Array(message.length + 1);
        frame[0] = 0;
        frame.set(message, 1);
        ws.send(frame);
      },
      close: () => ws.close(),
    };
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`closed with ${code}`)));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) {
        // The first sync frame is the server's step 1: the join is complete.
        if (client.received++ === 0) resolve(client);
      }
    });
  });
}
