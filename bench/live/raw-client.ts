// A bare client for the live benchmark on the connection a room page opens:
// the room's Yjs WebSocket with Atelier's events (`/yjs/:roomId?events=1`,
// docs/protocol.md "The client's document path"), as a maker (with an invite)
// or a spectator (`watch=1`). It counts every frame it receives and hands each
// Yjs update to a callback; nothing is applied to a document.
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { connectYwsRaw } from '../peers/clients/yws-raw.ts';

export interface LiveRawClient {
  /** Frames received since it connected, of every type. */
  readonly frames: number;
  sendUpdate(update: Uint8Array): void;
  /** Sends a y-protocols awareness update (a cursor moved). */
  sendAwareness(update: Uint8Array): void;
  /**
   * Stops reading its socket (what arrives waits in the kernel's buffers) or
   * reads again: a spectator that only counts frames need not cost the
   * benchmark's loop anything while it times the makers.
   */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface RawJoin {
  url: string;
  token: string;
  roomId: string;
  options: { invite?: string; watch?: boolean };
  /** Each Yjs update received after the join (sync updates; the join's own sync step 2 is not one). */
  onUpdate?: (update: Uint8Array) => void;
  /** Each frame received, of every type (besides the count). */
  onFrame?: () => void;
}

export async function connectLiveRaw(join: RawJoin): Promise<LiveRawClient> {
  const query = new URLSearchParams({ token: join.token });
  if (join.options.invite) query.set('invite', join.options.invite);
  if (join.options.watch) query.set('watch', '1');
  const url = `${join.url.replace(/^http/, 'ws')}/yjs/${join.roomId}?${query}`;
  let frames = 0;
  let socket: WebSocket | undefined;
  const raw = await connectYwsRaw(
    url,
    0,
    { record: (update) => join.onUpdate?.(update) },
    {
      events: true,
      onFrame: () => {
        frames++;
        join.onFrame?.();
      },
      onSocket: (ws) => {
        socket = ws;
      },
    },
  );
  return {
    get frames() {
      return frames;
    },
    sendUpdate: (update) => raw.sendUpdate(update),
    sendAwareness: (update) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, YWS_MESSAGE.awareness);
      encoding.writeVarUint8Array(encoder, update);
      if (socket?.readyState === socket?.OPEN) socket?.send(encoding.toUint8Array(encoder));
    },
    pause: () => socket?.pause(),
    resume: () => socket?.resume(),
    close: () => raw.close(),
  };
}

/**
 * A spectator on Socket.IO instead (LIVE_SPECTATOR_TRANSPORT=socket.io): a bare
 * Engine.IO v4 / Socket.IO v5 client over one WebSocket that joins with the
 * options given and counts every WebSocket message it receives (a `yjs:*`
 * event is two: its header and its attachment). It sends nothing but pongs.
 */
export function connectLiveSocketIo(join: RawJoin): Promise<LiveRawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${join.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    let frames = 0;
    const client: LiveRawClient = {
      get frames() {
        return frames;
      },
      sendUpdate: () => {
        throw new Error('a Socket.IO spectator of bench:live sends no updates');
      },
      sendAwareness: () => undefined,
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      close: () => ws.close(),
    };
    ws.on('error', reject);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      frames++;
      if (isBinary) return;
      const text = data.toString();
      if (text[0] === '0') ws.send(`40${JSON.stringify({ token: join.token })}`);
      else if (text === '2') ws.send('3');
      else if (text.startsWith('40')) ws.send(`420${JSON.stringify(['room:join', join.roomId, join.options])}`);
      else if (text.startsWith('430')) {
        const [ack] = JSON.parse(text.slice(3)) as [{ ok: boolean; error?: unknown }];
        if (ack.ok) resolve(client);
        else reject(new Error(`join refused: ${JSON.stringify(ack.error)}`));
      } else if (text.startsWith('44')) reject(new Error(`connect refused: ${text}`));
    });
  });
}
