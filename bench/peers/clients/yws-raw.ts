// A raw y-websocket protocol client (Atelier's /yjs/:roomId): sync step 1 on
// open, an empty step 2 in answer to the server's step 1, keystrokes as sync
// updates; awareness is ignored. With `events` it is the web client's one
// connection (`?events=1`, docs/protocol.md "Events on the Yjs WebSocket"):
// it reads every event frame and counts as joined only once it holds both its
// document and the server's `room:joined`; events never count as deliveries.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { YWS_MESSAGE } from '../../../shared/protocol.ts';
import { decodeEvent } from '../../../shared/yws-events.ts';
import type { DeliverySink, RawClient } from '../system.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, RawConnection } from './raw-client.ts';

const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function syncFrame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export interface YwsRawOptions {
  /** Opt in to Atelier's events on the socket and wait for `room:joined` as well as the document. */
  events?: boolean;
  /** Called for every frame received, of any type (bench:live counts a spectator's frames). */
  onFrame?: () => void;
  /** Given the socket once made, for frames of the caller's own (bench:live's makers' cursors). */
  onSocket?: (ws: WebSocket) => void;
}

export function connectYwsRaw(wsUrl: string, client: number, sink: DeliverySink, options: YwsRawOptions = {}): Promise<RawClient> {
  const conn = new RawConnection(options.events ? `${wsUrl}${wsUrl.includes('?') ? '&' : '?'}events=1` : wsUrl, client, sink);
  const { ws } = conn;
  options.onSocket?.(ws);
  let joined = !options.events;
  let synced = false;
  const ready = () => {
    if (joined && synced) conn.markSynced((update) => ws.send(syncFrame(UPDATE, update)));
  };
  ws.on('open', () => ws.send(syncFrame(STEP1, EMPTY_STATE_VECTOR)));
  ws.on('message', (data: Buffer) => {
    options.onFrame?.();
    const type = data[0];
    if (type === YWS_MESSAGE.event && options.events) {
      // A varUint below 128 is its one byte: the event starts at 1.
      let decoded: ReturnType<typeof decodeEvent>;
      try {
        decoded = decodeEvent(data, 1);
      } catch (err) {
        conn.fail(err as Error);
        return;
      }
      const { event, args } = decoded;
      if (event === 'room:error') conn.fail(new Error(`room:error ${JSON.stringify(args)}`));
      if (event === 'room:joined' && !joined) {
        joined = true;
        ready();
      }
      return;
    }
    if (type !== YWS_MESSAGE.sync) return;
    const decoder = decoding.createDecoder(data);
    decoding.readVarUint(decoder);
    switch (decoding.readVarUint(decoder)) {
      case STEP1:
        ws.send(syncFrame(STEP2, EMPTY_UPDATE));
        return;
      case STEP2:
        synced = true;
        ready();
        return;
      case UPDATE:
        conn.delivered(decoding.readVarUint8Array(decoder));
        return;
    }
  });
  return conn.ready();
}
