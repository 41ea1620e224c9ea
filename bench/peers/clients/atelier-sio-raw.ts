// A raw client of Atelier's Socket.IO transport: `room:join`, then the
// y-protocols sync exchange inside `yjs:sync` events (room id, sync message).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { DeliverySink, RawClient } from '../system.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, RawConnection } from './raw-client.ts';
import { engineIoUrl, PACKET, SocketIoSession } from './socketio-raw.ts';

const JOIN_ACK_ID = 0;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export function connectAtelierSioRaw(
  httpUrl: string,
  roomId: string,
  token: string,
  client: number,
  sink: DeliverySink,
): Promise<RawClient> {
  const conn = new RawConnection(engineIoUrl(httpUrl), client, sink);
  const room = `${JSON.stringify(roomId)},`;
  const sync = (type: number, payload: Uint8Array) => session.emitBinary('yjs:sync', room, syncMessage(type, payload));
  const session = new SocketIoSession(
    conn,
    '/',
    { token },
    {
      connected: () => session.emit('room:join', `${room}{}`, JOIN_ACK_ID),
      packet(packet, attachment) {
        if (packet.type === PACKET.ack && packet.id === JOIN_ACK_ID) {
          const [ack] = JSON.parse(packet.data) as [{ ok: boolean; error?: unknown }];
          if (ack.ok) sync(STEP1, EMPTY_STATE_VECTOR);
          else conn.fail(new Error(`join refused: ${JSON.stringify(ack.error)}`));
          return;
        }
        if (packet.type !== PACKET.binaryEvent || !attachment || !packet.data.startsWith('["yjs:sync"')) return;
        const decoder = decoding.createDecoder(attachment);
        switch (decoding.readVarUint(decoder)) {
          case STEP1:
            sync(STEP2, EMPTY_UPDATE);
            return;
          case STEP2:
            conn.markSynced((update) => sync(UPDATE, update));
            return;
          case UPDATE:
            conn.delivered(decoding.readVarUint8Array(decoder));
            return;
        }
      },
    },
  );
  return conn.ready();
}
