// A raw client of the path Atelier's web client uses: the document on the Yjs
// WebSocket (yws-raw.ts) and, like every page, a Socket.IO connection joined
// to the room with `yjs: false` for its events. Both must be up for it to
// count as connected, so idle memory and joins pay for both.
import type { DeliverySink, RawClient } from '../system.ts';
import { RawConnection } from './raw-client.ts';
import { engineIoUrl, PACKET, SocketIoSession } from './socketio-raw.ts';
import { connectYwsRaw } from './yws-raw.ts';

const JOIN_ACK_ID = 0;

/** Resolves once the socket has joined the room (with `yjs: false`). */
function joinEventsOnly(httpUrl: string, roomId: string, token: string, client: number, sink: DeliverySink): Promise<RawClient> {
  const conn = new RawConnection(engineIoUrl(httpUrl), client, sink);
  const session = new SocketIoSession(
    conn,
    '/',
    { token },
    {
      connected: () => session.emit('room:join', `${JSON.stringify(roomId)},{"yjs":false}`, JOIN_ACK_ID),
      packet(packet) {
        if (packet.type !== PACKET.ack || packet.id !== JOIN_ACK_ID) return;
        const [ack] = JSON.parse(packet.data) as [{ ok: boolean; error?: unknown }];
        if (ack.ok) conn.markSynced(() => {});
        else conn.fail(new Error(`join refused: ${JSON.stringify(ack.error)}`));
      },
    },
  );
  return conn.ready();
}

export async function connectAtelierClientRaw(
  httpUrl: string,
  roomId: string,
  token: string,
  client: number,
  sink: DeliverySink,
): Promise<RawClient> {
  const wsUrl = `${httpUrl.replace(/^http/, 'ws')}/yjs/${roomId}?token=${encodeURIComponent(token)}`;
  const [doc, events] = await Promise.allSettled([
    connectYwsRaw(wsUrl, client, sink),
    joinEventsOnly(httpUrl, roomId, token, client, sink),
  ]);
  if (doc.status === 'rejected' || events.status === 'rejected') {
    if (doc.status === 'fulfilled') doc.value.close();
    if (events.status === 'fulfilled') events.value.close();
    throw doc.status === 'rejected' ? doc.reason : (events as PromiseRejectedResult).reason;
  }
  return {
    get open() {
      return doc.value.open && events.value.open;
    },
    sendUpdate: (update) => doc.value.sendUpdate(update),
    close() {
      doc.value.close();
      events.value.close();
    },
  };
}
