// A raw y-socket.io client: one namespace `/yjs|<document>` per document;
// `sync-step-1` with an ack that carries the server's update, an empty update
// in answer to the server's own `sync-step-1`, keystrokes as `sync-update`
// with the bare Yjs update. The server echoes updates to their sender too;
// those are not counted.
import type { DeliverySink, RawClient } from '../system.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, RawConnection } from './raw-client.ts';
import { engineIoUrl, PACKET, SocketIoSession } from './socketio-raw.ts';

const SYNC_ACK_ID = 1;

export function connectYSocketIoRaw(httpUrl: string, document: string, client: number, sink: DeliverySink): Promise<RawClient> {
  const conn = new RawConnection(engineIoUrl(httpUrl), client, sink);
  const session = new SocketIoSession(conn, `/yjs|${document}`, null, {
    connected: () => session.emitBinary('sync-step-1', '', EMPTY_STATE_VECTOR, SYNC_ACK_ID),
    packet(packet, attachment) {
      if (packet.type === PACKET.binaryEvent && attachment) {
        if (packet.data.startsWith('["sync-update"')) conn.delivered(attachment);
        else if (packet.data.startsWith('["sync-step-1"') && packet.id !== undefined) session.ackBinary(packet.id, EMPTY_UPDATE);
      } else if (packet.type === PACKET.binaryAck && packet.id === SYNC_ACK_ID) {
        conn.markSynced((update) => session.emitBinary('sync-update', '', update));
      }
    },
  });
  return conn.ready();
}
