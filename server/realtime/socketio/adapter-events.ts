// Scaled mode: what other nodes broadcast through Socket.IO's adapter reaches
// this node's Yjs WebSockets that hear events (events/broadcast.ts) too. The
// Redis streams adapter reads every node's broadcasts from its stream and
// hands each to `onMessage`; wrapping that one method of this node's adapter
// gives the event sockets the same messages, in the same order, with the same
// recovery after a short Redis outage (the stream is read from where it left
// off), and costs Redis nothing more: one XADD per emit serves both transports.
// An event to a room waits, with whatever the stream brings after it, until the
// relay has brought what its node published before it (events/changes-first.ts).
import type { Logger } from 'pino';
import { type ClusterMessage, MessageType } from 'socket.io-adapter';
import type { Broadcast } from '../events/broadcast.ts';
import type { AtelierServer } from './socketio-server.ts';

/** Socket.IO's packet type of an event (socket.io-parser's EVENT). */
const EVENT_PACKET = 2;

interface ClusterAdapterLike {
  /** This node's id on the stream: its own messages come back and are skipped. */
  readonly uid?: unknown;
  onMessage?: (message: ClusterMessage, offset?: string) => void;
}

/** Makes other nodes' broadcasts reach this node's event sockets; call once the cluster adapter is set. */
export function hearOtherNodes(io: AtelierServer, broadcast: Broadcast, logger: Logger): void {
  // The namespace's adapter is typed as the in-memory one; in scaled mode it is the streams adapter.
  const adapter = io.of('/').adapter as unknown as ClusterAdapterLike;
  const onMessage = adapter.onMessage;
  if (typeof onMessage !== 'function') throw new Error('scaled mode needs a cluster adapter (onMessage)');
  /** Deliveries waiting, in the stream's order, behind one that waits for the relay (EventOrder.arrived). */
  let waiting: Promise<void> | undefined;
  const deliver = (self: ClusterAdapterLike, message: ClusterMessage, offset: string | undefined, emit: Emit | undefined) => {
    // Before either transport delivers it: a job's images, relayed to this node, go before its gen:update.
    if (emit) broadcast.beforeEvent(emit.channels);
    try {
      onMessage.call(self, message, offset);
    } catch (err) {
      // An entry no node wrote (a broadcast without options, say) throws out of the adapter's
      // stream reader, which then reads it again and again: this node would hear no other
      // node any more, on either transport. Skipped, and nothing of it delivered.
      logger.warn({ err }, 'a malformed message on the adapter stream was skipped');
      return;
    }
    try {
      if (emit) broadcast.deliverLocal(emit.channels, emit.except, emit.event, emit.args);
    } catch (err) {
      logger.error({ err }, 'a broadcast from another node could not reach event sockets');
    }
  };
  adapter.onMessage = function (this: ClusterAdapterLike, message, offset) {
    let emit: Emit | undefined;
    try {
      emit = eventOf(message, this.uid);
    } catch (err) {
      logger.error({ err }, 'a broadcast from another node could not be read for event sockets');
    }
    const before = emit && broadcast.arrived(emit.channels);
    if (!before && !waiting) {
      deliver(this, message, offset, emit);
      return;
    }
    const delivered = (waiting ?? Promise.resolve()).then(() => before).then(() => deliver(this, message, offset, emit));
    waiting = delivered;
    void delivered.finally(() => {
      if (waiting === delivered) waiting = undefined;
    });
  };
}

interface Emit {
  channels: string[];
  except: string[];
  event: string;
  args: string;
}

/** A plain broadcast of an event from another node, as channels and JSON arguments; anything else is undefined. */
function eventOf(message: ClusterMessage, ownUid: unknown): Emit | undefined {
  if (message.type !== MessageType.BROADCAST || message.uid === ownUid || message.nsp !== '/') return undefined;
  // Broadcasts waiting for client acknowledgements are not events we send.
  if (message.data.requestId !== undefined) return undefined;
  const packet = message.data.packet as { type?: unknown; data?: unknown } | null;
  if (packet?.type !== EVENT_PACKET || !Array.isArray(packet.data)) return undefined;
  const [event, ...args] = packet.data as unknown[];
  if (typeof event !== 'string') return undefined;
  const { rooms, except } = message.data.opts;
  return { channels: rooms.map(String), except: (except ?? []).map(String), event, args: JSON.stringify(args) };
}
