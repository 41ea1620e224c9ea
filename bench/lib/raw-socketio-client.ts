// A bare Engine.IO v4 / Socket.IO v5 client over one WebSocket: joins a room,
// sends pre-encoded Yjs updates, and only counts what it receives. It parses
// nothing it does not need, so the load generator stays cheap.
import { WebSocket } from 'ws';

export interface RawSocketIoClient {
  /** `yjs:sync` messages received (one per delivered update or sync reply). */
  received: number;
  /** Event frames of every other kind received (`gen:update`, `room:error`…), counted, never parsed. */
  events: number;
  sendSync(roomId: string, message: Uint8Array): void;
  close(): void;
}

const SYNC_HEADER = '451-["yjs:sync"';

export function connectRawSocketIo(url: string, token: string, roomId: string): Promise<RawSocketIoClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    let expectSyncBinary = false;
    const client: RawSocketIoClient = {
      received: 0,
      events: 0,
      sendSync(room, message) {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(`451-["yjs:sync",${JSON.stringify(room)},{"_placeholder":true,"num":0}]`);
        ws.send(message);
      },
      close: () => ws.close(),
    };
    ws.on('error', reject);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (expectSyncBinary) client.received++;
        expectSyncBinary = false;
        return;
      }
      const text = data.toString();
      switch (text[0]) {
        case '0': // engine.io open: connect to the default namespace with our token
          ws.send(`40${JSON.stringify({ token })}`);
          return;
        case '2': // engine.io ping
          ws.send('3');
          return;
        case '4':
          if (text.startsWith('40')) {
            ws.send(`420${JSON.stringify(['room:join', roomId, {}])}`);
          } else if (text.startsWith('430')) {
            const [ack] = JSON.parse(text.slice(3)) as [{ ok: boolean; error?: unknown }];
            if (ack.ok) resolve(client);
            else reject(new Error(`join refused: ${JSON.stringify(ack.error)}`));
          } else if (text.startsWith('44')) {
            reject(new Error(`connect refused: ${text}`));
          } else {
            expectSyncBinary = text.startsWith(SYNC_HEADER);
            if (!expectSyncBinary && text.startsWith('42')) client.events++;
          }
          return;
      }
    });
  });
}
