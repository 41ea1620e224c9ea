// A raw y-websocket protocol client (Atelier's /yjs/:roomId): sync step 1 on
// open, an empty step 2 in answer to the server's step 1, keystrokes as sync
// updates; awareness is ignored.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { DeliverySink, RawClient } from '../system.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, RawConnection } from './raw-client.ts';

const MESSAGE_SYNC = 0;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function syncFrame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export function connectYwsRaw(wsUrl: string, client: number, sink: DeliverySink): Promise<RawClient> {
  const conn = new RawConnection(wsUrl, client, sink);
  const { ws } = conn;
  ws.on('open', () => ws.send(syncFrame(STEP1, EMPTY_STATE_VECTOR)));
  ws.on('message', (data: Buffer) => {
    if (data[0] !== MESSAGE_SYNC) return;
    const decoder = decoding.createDecoder(data);
    decoding.readVarUint(decoder);
    switch (decoding.readVarUint(decoder)) {
      case STEP1:
        ws.send(syncFrame(STEP2, EMPTY_UPDATE));
        return;
      case STEP2:
        conn.markSynced((update) => ws.send(syncFrame(UPDATE, update)));
        return;
      case UPDATE:
        conn.delivered(decoding.readVarUint8Array(decoder));
        return;
    }
  });
  return conn.ready();
}
