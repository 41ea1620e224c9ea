// A bare Socket.IO client for the live benchmark: joins one room (a maker with
// an invite, or a spectator with `watch`), counts every frame it receives and
// hands the payload of each `yjs:sync` to a callback. Nothing else is parsed.
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';

export interface LiveRawClient {
  frames: number;
  send(event: string, ...args: unknown[]): void;
  sendSync(roomId: string, message: Uint8Array): void;
  close(): void;
}

const SYNC_HEADER = '451-["yjs:sync"';

export interface RawJoin {
  url: string;
  token: string;
  roomId: string;
  options: { invite?: string; watch?: boolean };
  /** Each Yjs update received (from a sync step 2 or update message). */
  onUpdate?: (update: Uint8Array) => void;
}

export function connectLiveRaw(join: RawJoin): Promise<LiveRawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${join.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    let expectSync = false;
    const client: LiveRawClient = {
      frames: 0,
      send: (event, ...args) => ws.readyState === WebSocket.OPEN && ws.send(`42${JSON.stringify([event, ...args])}`),
      sendSync(roomId, message) {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(`451-["yjs:sync",${JSON.stringify(roomId)},{"_placeholder":true,"num":0}]`);
        ws.send(message);
      },
      close: () => ws.close(),
    };
    ws.on('error', reject);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      client.frames++;
      if (isBinary) {
        if (expectSync && join.onUpdate) {
          const decoder = decoding.createDecoder(new Uint8Array(data));
          // 1 = sync step 2, 2 = update; both carry an update.
          if (decoding.readVarUint(decoder) !== 0) join.onUpdate(decoding.readVarUint8Array(decoder));
        }
        expectSync = false;
        return;
      }
      const text = data.toString();
      if (text === '2') return ws.send('3');
      if (text.startsWith('0')) return ws.send(`40${JSON.stringify({ token: join.token })}`);
      if (text.startsWith('40')) return ws.send(`420${JSON.stringify(['room:join', join.roomId, join.options])}`);
      if (text.startsWith('430')) {
        const [ack] = JSON.parse(text.slice(3)) as [{ ok: boolean; error?: unknown }];
        return ack.ok ? resolve(client) : reject(new Error(`join refused: ${JSON.stringify(ack.error)}`));
      }
      if (text.startsWith('44')) return reject(new Error(`connect refused: ${text}`));
      expectSync = text.startsWith(SYNC_HEADER);
    });
  });
}
