// How a room reaches its copies on other nodes. A relay hears every change of
// every room and every load and unload (RoomEvents); what
// it receives it applies with a `remote` origin, which is neither stored here
// nor relayed again. One implementation per backend (server/scale/redis-relay.ts);
// a single node has none.
import type { RoomEvents } from './room.ts';

export interface Relay extends RoomEvents {
  /** Other nodes' ids heard from in open rooms, for the liveness sweeper to watch. */
  peers(): Iterable<string>;
  /** A peer died: drop its participants' presence and make sure nothing it relayed is lost. */
  peerDown(nodeId: string): Promise<void>;
  close(): Promise<void>;
}
