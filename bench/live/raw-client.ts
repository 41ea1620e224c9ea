// A bare client for the live benchmark on the connection a room page opens:
// the room's Yjs WebSocket with Atelier's events (`/yjs/:roomId?events=1`,
// docs/protocol.md "The client's document path"), as a maker (with an invite)
// or a spectator (`watch=1`). It counts every frame it receives and hands each
// Yjs update to a callback; nothing is applied to a document.
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { connectYwsRaw } from '../peers/clients/yws-raw.ts';

export interface LiveRawClient {
  /** Frames received since it connected, of every type. */
  readonly frames: number;
  sendUpdate(update: Uint8Array): void;
  /** Sends a y-protocols awareness update (a cursor moved). */
  sendAwareness(update: Uint8Array): void;
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
    close: () => raw.close(),
  };
}
