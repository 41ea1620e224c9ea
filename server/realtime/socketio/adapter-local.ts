// Scaled mode: Socket.IO's cluster adapter hands a broadcast to this node's
// own sockets only once Redis has taken its stream entry (it awaits the XADD
// first). While Redis is out of reach the command waits in the client's
// offline queue, so a node's own Socket.IO clients heard nothing it sent (its
// jobs' gen:update, notifications, comments) until Redis came back, while its
// Yjs WebSockets with events, served by events/broadcast.ts directly, heard it
// at once. This node's adapter delivers locally without waiting: the entry
// still goes to the stream, in order, when Redis takes it, and other nodes
// hear it then, as before.
import type { Logger } from 'pino';
import type { ClusterMessage } from 'socket.io-adapter';
import type { AtelierServer } from './socketio-server.ts';

interface PublishingAdapter {
  publishAndReturnOffset?: (message: ClusterMessage) => Promise<string>;
}

/** Call once the cluster adapter is set. */
export function deliverLocallyFirst(io: AtelierServer, logger: Logger): void {
  // The namespace's adapter is typed as the in-memory one; in scaled mode it is the streams adapter.
  const adapter = io.of('/').adapter as unknown as PublishingAdapter;
  const publish = adapter.publishAndReturnOffset;
  if (typeof publish !== 'function') throw new Error('scaled mode needs a cluster adapter (publishAndReturnOffset)');
  // The offset it answers serves only connection state recovery (packets carry it), which is off here;
  // were it turned on, local deliveries would need the offset and so must wait for it.
  const options = (io as unknown as { opts?: { connectionStateRecovery?: unknown } }).opts;
  if (options?.connectionStateRecovery) return;
  adapter.publishAndReturnOffset = function (this: PublishingAdapter, message: ClusterMessage) {
    publish.call(this, message).catch((err: unknown) => logger.debug({ err }, 'socket.io adapter publish failed'));
    return Promise.resolve('');
  };
}
